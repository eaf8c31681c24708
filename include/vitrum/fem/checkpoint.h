#ifndef vitrum_fem_checkpoint_h
#define vitrum_fem_checkpoint_h

#include <deal.II/base/parameter_handler.h>

#include <deal.II/grid/tria.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/exceptions.h>

#include <map>
#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * When to write checkpoints and whether to start from one
     * (subsection "Checkpointing").
     */
    struct CheckpointParameters
    {
      unsigned int every  = 0;
      bool         resume = false;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };


    /**
     * The scalar state of a run (time, step, step sizes, counters) as
     * key/value text. Doubles are stored in hexadecimal so a restart
     * continues with bit-identical numbers.
     */
    class CheckpointState
    {
    public:
      void
      set(const std::string &key, double value);
      void
      set(const std::string &key, const std::string &value);
      double
      get_double(const std::string &key) const;
      const std::string &
      get_string(const std::string &key) const;

      void
      write(const std::string &filename) const;
      void
      read(const std::string &filename);

    private:
      std::map<std::string, std::string> values;
    };


    /**
     * Write mesh, vectors and state to <directory>/checkpoint. It is written
     * to a temporary folder first and renamed, so a crash while writing
     * leaves the previous checkpoint intact. The vectors must be ghosted.
     *
     * A p4est mesh is saved by p4est. A shared mesh (1D) is saved as its
     * refinement tree (one bit per cell, coarse cells in order, children
     * depth first) and the vectors as the DoF values of each active cell in
     * the same order, in binary: independent of cell and DoF numbers, so the
     * run can be resumed exactly on any number of ranks.
     */
    template <int dim>
    void
    save_checkpoint(
      const std::string             &directory,
      const dealii::DoFHandler<dim> &dof_handler,
      const std::vector<const dealii::PETScWrappers::MPI::Vector *> &vectors,
      const CheckpointState                                         &state);

    /// The same for fully distributed vectors: the ghosted copies (with
    /// the locally relevant DoFs `relevant`) are made here.
    template <int dim>
    void
    save_checkpoint(
      const std::string                                     &directory,
      const dealii::DoFHandler<dim>                         &dof_handler,
      const std::vector<dealii::PETScWrappers::MPI::Vector> &vectors,
      const dealii::IndexSet                                &relevant,
      const CheckpointState                                 &state);

    /// Whether <directory>/checkpoint exists.
    bool
    checkpoint_exists(const std::string &directory);

    /// Load the refined mesh into `tria`, which must hold the same coarse
    /// mesh (and periodicity) as the run that wrote it; return the state.
    /// A shared mesh is refined level by level along the saved tree.
    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string          &directory,
                         dealii::Triangulation<dim> &tria);

    /// The same, refusing a checkpoint that another model wrote.
    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string          &directory,
                         dealii::Triangulation<dim> &tria,
                         const std::string          &model);

    /// After the DoFHandler is set up on the loaded mesh: the vectors
    /// (fully distributed, sized by the caller), in the order saved.
    template <int dim>
    void
    load_checkpoint_vectors(
      const std::string                                       &directory,
      const dealii::DoFHandler<dim>                           &dof_handler,
      const std::vector<dealii::PETScWrappers::MPI::Vector *> &vectors);

    /// The same into `n` new fully distributed vectors of the locally
    /// owned DoFs `owned`.
    template <int dim>
    void
    load_checkpoint_vectors(
      const std::string                               &directory,
      const dealii::DoFHandler<dim>                   &dof_handler,
      unsigned int                                     n,
      const dealii::IndexSet                          &owned,
      MPI_Comm                                         comm,
      std::vector<dealii::PETScWrappers::MPI::Vector> &vectors);
  } // namespace fem
} // namespace vitrum

#endif
