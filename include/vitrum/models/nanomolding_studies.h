#ifndef vitrum_models_nanomolding_studies_h
#define vitrum_models_nanomolding_studies_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <vitrum/fem/output.h>
#include <vitrum/fem/stokes_solver.h>
#include <vitrum/models/model.h>
#include <vitrum/models/nanomolding_setup.h>

#include <memory>

namespace vitrum
{
  namespace models
  {
    /**
     * The verification studies of the nanomolding flow solver
     * (`Nanomolding/Study`), single solves of fem::StokesSolver apart from
     * the filling model:
     * - mms: manufactured-solution convergence on refined unit squares or
     *   cubes (mms_convergence.csv);
     * - poiseuille: a pipe (or slit) against the exact profile
     *   (poiseuille.csv);
     * - stokes: one flow solve on a Gmsh mesh, e.g. a 3D pore array
     *   (stokes_run.csv, stokes_00.pvtu).
     * They write no checkpoints.
     */
    template <int dim>
    class NanomoldingStudy : public Model
    {
    public:
      NanomoldingStudy(dealii::ParameterHandler &prm, MPI_Comm comm);

      void
      run() override;

    private:
      MPI_Comm                     comm;
      NanomoldingInput             input;
      const NanomoldingParameters &prm;
      fem::OutputParameters        output_prm;
      dealii::ConditionalOStream   pcout;
      /// Made once the input is read: an input error is not buried under
      /// its warning.
      std::unique_ptr<dealii::TimerOutput>    timer;
      std::unique_ptr<fem::StokesSolver<dim>> flow;

      void
      run_mms();
      void
      run_poiseuille();
      void
      run_stokes_on_mesh();

      /// Resident memory summed over ranks (MB).
      double
      memory_mb() const;
    };
  } // namespace models
} // namespace vitrum

#endif
