#ifndef vitrum_models_model_h
#define vitrum_models_model_h

#include <deal.II/base/parameter_handler.h>

#include <mpi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * A physics model that vitrum can run: it reads its parameters, sets
     * itself up and runs to the end time. The driver knows nothing else.
     */
    class Model
    {
    public:
      virtual ~Model() = default;

      virtual void
      run()
        = 0;

      /// Whether the model writes checkpoints and so can be resumed.
      virtual bool
      writes_checkpoints() const
      {
        return false;
      }
    };


    /**
     * How the driver finds a model: the name users write in `set Model =`,
     * a one-line description, and functions to declare the model's own
     * parameters and to create it for a dimension.
     */
    struct ModelEntry
    {
      std::string                                     name;
      std::string                                     description;
      std::function<void(dealii::ParameterHandler &)> declare_parameters;
      std::function<
        std::unique_ptr<Model>(dealii::ParameterHandler &, MPI_Comm, int dim)>
        create;
    };

    /// Every model vitrum knows, in the order `--help` lists them.
    const std::vector<ModelEntry> &
    registered_models();

    /// The entry named `name`, or an InputError listing the known names.
    const ModelEntry &
    find_model(const std::string &name);

    /**
     * The parameters every model shares: the model choice and dimension,
     * mesh, time stepping, solver, output, checkpoints, temperature.
     */
    void
    declare_common_parameters(dealii::ParameterHandler &prm);

    /// Common and model-specific declarations for one model (or, with an
    /// empty name, for all models).
    void
    declare_all_parameters(dealii::ParameterHandler &prm,
                           const std::string        &model_name = "");
  } // namespace models
} // namespace vitrum

#endif
