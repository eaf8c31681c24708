#ifndef vitrum_models_cahn_hilliard_h
#define vitrum_models_cahn_hilliard_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <deal.II/distributed/tria.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/fe/fe_system.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/progress.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/direct_solver.h>
#include <vitrum/fem/mesh.h>
#include <vitrum/fem/output.h>
#include <vitrum/fem/time_stepping.h>
#include <vitrum/models/model.h>
#include <vitrum/thermo/double_well.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * Physical parameters of the binary Cahn–Hilliard model
     * (subsection "Cahn-Hilliard").
     */
    struct CahnHilliardParameters
    {
      thermo::DoubleWell well;
      double             kappa    = 2.0;
      double             mobility = 5.0;
      std::string        initial_concentration;
      std::string        function_constants;
      /// One Newton iteration per step from the extrapolated predictor
      /// (linearly implicit BDF) instead of Newton to convergence.
      bool linearly_implicit = false;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };


    /**
     * Binary Cahn–Hilliard equation in mixed form,
     *   dc/dt = div(M grad mu),   mu = f'(c) - kappa lap c,
     * with F = int f(c) + kappa/2 |grad c|^2. Both fields use the same
     * continuous Lagrange elements; the coupled nonlinear system of each
     * step is solved fully implicitly by Newton's method (variable-step
     * BDF2 or backward Euler) with a parallel direct solver. Steps adapt to
     * a local error estimate and are retried smaller if Newton fails or the
     * free energy would rise; the mesh adapts to the interfaces and keeps
     * the total amount of solute exactly.
     */
    template <int dim>
    class CahnHilliard : public Model
    {
    public:
      CahnHilliard(dealii::ParameterHandler &prm, MPI_Comm comm);

      void
      run() override;

      bool
      writes_checkpoints() const override
      {
        return true;
      }

    private:
      using Vector = dealii::PETScWrappers::MPI::Vector;

      struct StepAttempt
      {
        bool         converged         = false;
        unsigned int newton_iterations = 0;
        unsigned int factorizations    = 0;
        double       error             = 0;
        double       error_exponent    = 0.5;
        double       free_energy       = 0; ///< of the new state
        double       mass              = 0; ///< of the new state
      };

      struct Integrals
      {
        double free_energy;
        double mass;
      };

      void
      start_new_run();
      void
      resume_from_checkpoint();
      void
      setup_dofs();
      void
      interpolate_initial_condition();

      StepAttempt
      try_step(double dt, Vector &new_state);
      /// The error of a first step (only the initial state, backward
      /// Euler): by step doubling, see try_step. False if a half step
      /// failed.
      bool
      estimate_first_step(double       dt,
                          const Vector &full_step,
                          StepAttempt  &attempt);
      bool checking_first_step = false;
      void
      assemble_newton_system(const Vector &iterate,
                             const Vector &history_term,
                             double        a0,
                             double        dt,
                             bool          with_matrix);
      void
      accept_step(double dt, Vector &new_state);

      /// Returns whether the mesh changed.
      bool
      adapt_mesh();
      Integrals
      integrate(const Vector &state) const;
      void
      restore_mass(Vector &state) const;
      Vector
      ghosted(const Vector &v) const;

      void
      write_fields();
      void
      write_checkpoint() const;
      void
      report_step(const StepAttempt &attempt, const Integrals &integrals);
      void
      print_summary() const;

      // Parameters come first: they are parsed (and may be rejected)
      // before anything that talks over MPI is built.
      MPI_Comm                    comm;
      CahnHilliardParameters      physics;
      fem::MeshParameters         mesh_prm;
      fem::TimeSteppingParameters time_prm;
      fem::SolverParameters       solver_prm;
      fem::OutputParameters       output_prm;
      fem::CheckpointParameters   checkpoint_prm;

      dealii::ConditionalOStream  pcout;
      mutable dealii::TimerOutput timer;

      dealii::parallel::distributed::Triangulation<dim> triangulation;
      dealii::FESystem<dim>                             fe;
      dealii::DoFHandler<dim>                           dof_handler;
      dealii::IndexSet                                  owned_dofs;
      dealii::IndexSet                                  relevant_dofs;
      dealii::AffineConstraints<double>                 constraints;
      dealii::PETScWrappers::MPI::SparseMatrix          jacobian;
      Vector                                            residual;
      Vector concentration_mask; ///< 1 on c unknowns, 0 on mu unknowns
      fem::DirectSolver solver;

      /// states[k]: (c, mu) at t_{n-k}; steps[k] = t_{n-k} - t_{n-k-1}.
      std::vector<Vector> states;
      std::vector<double> steps;

      double              time         = 0;
      unsigned int        step         = 0;
      double              initial_mass = 0;
      double              free_energy  = 0;
      fem::StepStatistics statistics;

      fem::TimeStepController          controller;
      std::unique_ptr<base::CsvWriter> csv;
      fem::FieldWriter                 fields;
      base::ProgressClock              clock;
    };
  } // namespace models
} // namespace vitrum

#endif
