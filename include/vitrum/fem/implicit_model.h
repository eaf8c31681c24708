#ifndef vitrum_fem_implicit_model_h
#define vitrum_fem_implicit_model_h

#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/fe/fe_system.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/vector.h>

#include <deal.II/numerics/data_postprocessor.h>

#include <vitrum/fem/block_solver.h>
#include <vitrum/fem/direct_solver.h>
#include <vitrum/fem/mesh.h>
#include <vitrum/fem/schur_split_solver.h>
#include <vitrum/fem/simulator.h>
#include <vitrum/fem/time_stepping.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * A model whose fields follow a system of evolution equations solved
     * fully implicitly on an adaptive mesh: Cahn–Hilliard, partitioning, or
     * any conserved or gradient-flow physics a new model brings. It owns the
     * mesh, DoFs and matrix; the variable-step BDF history (orders 1–3) and
     * its extrapolating predictor; Newton's method (or one linearly
     * implicit iteration) with the parallel direct solver and factor reuse;
     * the local error estimate (Milne's device; step doubling for the first
     * step) and the judgement of each step (error, Newton, energy rise) by
     * the step controller, which lands on the output times, the end time
     * and the model's target times; mesh adaptation at its cadence with
     * solution transfer; and checkpoints of the mesh and all states.
     *
     * The model supplies its physics through the hooks below: the finite
     * element (set_finite_element), the initial state, the residual and
     * Jacobian of a step, and its observables. Optional hooks limit a
     * Newton update (positivity), restore conserved amounts after a remesh
     * or a limited update, and add entries to checkpoints. Its CSV tables,
     * progress details, fields and summary are the Simulator's hooks.
     *
     * The equations of a step, for states u_{n+1-k} and BDF coefficients
     * a_k, are the model's residual R(u; a0 u + history) = 0 with
     * a0 = a_0 dt and history = sum_{k>0} a_k dt u_{n+1-k}, so that
     * dt du/dt = a0 u + history: a model multiplies its rate equations by
     * dt, which keeps the Jacobian's blocks of similar size for any step.
     */
    template <int dim>
    class ImplicitModel : public Simulator
    {
    public:
      using Vector = dealii::PETScWrappers::MPI::Vector;

      /**
       * Test aid: the Jacobian of the first step's system against central
       * differences of the residual, J v against (R(u + e v) - R(u - e v))
       * / 2e, in `n_directions` random directions v about the predicted
       * state plus a perturbation of relative size `perturbation` (so that
       * the state is not special). Builds the initial state. Returns the
       * largest |J v - difference| / |J v| (relative, 2-norm).
       */
      double
      jacobian_error(unsigned int n_directions = 3,
                     double       perturbation = 1e-3,
                     double       dt           = 0);

    protected:
      /// Parses Mesh, Time stepping, Solver, Output and Checkpointing.
      ImplicitModel(dealii::ParameterHandler &prm,
                    MPI_Comm                  comm,
                    const std::string        &checkpoint_name);

      /// @name Physics hooks
      /// @{

      /// After DoFs are distributed on a (new) mesh: the model's masks and
      /// time_error_mask.
      virtual void
      after_setup_dofs()
        = 0;
      /// The state at t = 0 (constraints are applied by the caller).
      virtual void
      initial_state(Vector &state) const = 0;
      /// Components whose gradients steer refinement.
      virtual std::vector<unsigned int>
      refinement_components() const = 0;
      /// Fill `residual` (and, if with_matrix, `jacobian`) of the step's
      /// system at `iterate`; `history` (ghosted) and `a0` as above, `t` the
      /// time at the end of the step.
      virtual void
      assemble(const Vector &iterate,
               const Vector &history,
               double        a0,
               double        dt,
               double        t,
               bool          with_matrix)
        = 0;
      /// Shorten a Newton update (or the predictor's change) so that the
      /// state stays admissible; return the smallest factor used and, if
      /// `removed` is given, the largest amount taken off an unknown.
      virtual double
      limit_update(const Vector &iterate,
                   Vector       &update,
                   double       *removed) const;
      /// Put back conserved amounts after a remesh or a limited update.
      virtual void
      restore_conserved(Vector &state) const;
      /// The size of a Newton update compared with Solver/Newton tolerance
      /// (default: the largest entry).
      virtual double
      newton_change(const Vector &update) const;
      /// One Newton iteration per step (linearly implicit) instead of
      /// Newton to convergence.
      virtual bool
      linearly_implicit() const
      {
        return false;
      }
      /// Solver/Linear solver = iterative: the weights sigma_i of the
      /// MixedBlockSolver's Laplace-type factors L_i = D + sigma_i B for a
      /// step with these a0 and dt (the model knows what its blocks hold).
      /// 0 (the default): the model has no block preconditioner, and the
      /// iterative solver is refused.
      virtual FactorWeights
      block_preconditioner_weight(double /*a0*/, double /*dt*/) const
      {
        return {};
      }
      /// Solver/Linear solver = automatic: whether the iterative solver is
      /// the faster one on a mesh with n_dofs unknowns (as measured for
      /// the model; false, the default: always the LU).
      virtual bool
      iterative_solver_pays(dealii::types::global_dof_index /*n_dofs*/) const
      {
        return false;
      }
      /// Solver/Linear solver = iterative for a model without a
      /// block_preconditioner_weight: the components whose block of the
      /// Jacobian is a lumped mass (diffusion potentials), eliminated by
      /// the SchurSplitSolver. Empty (the default): no iterative solver.
      virtual std::vector<unsigned int>
      eliminated_components() const
      {
        return {};
      }
      /// For each eliminated component, the kept one whose rows read a0 M
      /// x + K_L w + ... while the eliminated one's read M w - (H M + kappa
      /// K) x - ... (fractions and their potentials): the SchurSplitSolver
      /// then solves S in the two-factor form. Empty (the default): one
      /// V-cycle on S.
      virtual std::vector<unsigned int>
      eliminated_partners() const
      {
        return {};
      }
      /// Which components' equations involve which components (the
      /// Jacobian's nonzero blocks); empty (the default): all of them.
      virtual dealii::Table<2, dealii::DoFTools::Coupling>
      coupling() const
      {
        return {};
      }
      /// Pairs of components that couple only at a node (lumped mass
      /// terms, see setup_system()); empty (the default): none.
      virtual dealii::Table<2, bool>
      node_coupling() const
      {
        return {};
      }
      /// Evaluate the observables of `state` at time t as a candidate;
      /// return its free energy.
      virtual double
      observe(const Vector &state, double t)
        = 0;
      /// The last candidate becomes the current observables.
      virtual void
      keep_observation()
        = 0;
      /// How much the free energy may rise in a step from t to t + dt
      /// (infinity: not checked, e.g. while the temperature changes).
      virtual double
      allowed_energy_rise(double t, double dt) const = 0;
      /// Times steps must end on besides output and end times.
      virtual std::vector<double>
      extra_target_times() const
      {
        return {};
      }
      /// The model's own checkpoint entries and their restoration.
      virtual void
      save_physics(CheckpointState &) const
      {
      }
      virtual void
      load_physics(const CheckpointState &)
      {
      }
      /// @}

      /// The finite element: n_fields copies of `base` (set in the
      /// model's constructor).
      void
      set_finite_element(const dealii::FiniteElement<dim> &base,
                         unsigned int                      n_fields);
      /// A ghosted copy.
      Vector
      ghosted(const Vector &v) const;
      /// After the model changed time_error_mask between steps (a growing
      /// domain): the time error counts the unknowns of the new mask.
      void
      recount_time_error_unknowns();
      /// After the model changed its states between steps (material
      /// added): observe the current state again.
      void
      reobserve_current_state();
      /// Add one cell's contribution to the residual (and, with_matrix, to
      /// the Jacobian), applying the constraints.
      void
      add_cell_contribution(
        const dealii::FullMatrix<double>                   &cell_matrix,
        const dealii::Vector<double>                       &cell_residual,
        const std::vector<dealii::types::global_dof_index> &dof_indices,
        bool                                                with_matrix);
      /// After the last cell: exchange the contributions between ranks.
      void
      finish_assembly(bool with_matrix);
      /// A snapshot of the current state (fields named `names`, one per
      /// component) and the MPI rank owning each cell.
      void
      write_state_fields(const std::vector<std::string> &names);
      /// The same with the fields `physical` computes from the state (in
      /// physical units, named with their unit).
      void
      write_state_fields(const dealii::DataPostprocessor<dim> &physical);
      /// "dofs, cells, newton_iterations, factorizations,
      /// linear_iterations, rejected_steps, wall_time_s" and their values for
      /// the current step (linear_iterations: Krylov iterations per linear
      /// solve, FGMRES or GMRES with reused factors).
      static std::vector<std::string>
      solver_columns();
      std::vector<double>
      solver_values() const;
      /// "Newton 4  LU 1" (or "Newton 4  FGMRES 11.5") of the last step.
      std::string
      solver_progress() const;

      // Simulator hooks this class implements.
      void
      start_new_run() override;
      double
      advance() override;
      void
      after_step() override;
      unsigned long long
      n_unknowns() const override;
      void
      save_entries(CheckpointState &state) const override;
      void
      write_checkpoint_data(const CheckpointState &state) const override;
      CheckpointState
      read_checkpoint_data() override;
      void
      load_entries(const CheckpointState &state) override;

      MeshParameters   mesh_prm;
      SolverParameters solver_prm;

      ParallelMesh<dim>                        triangulation;
      std::unique_ptr<dealii::FESystem<dim>>   fe;
      dealii::DoFHandler<dim>                  dof_handler;
      dealii::IndexSet                         owned_dofs;
      dealii::IndexSet                         relevant_dofs;
      dealii::AffineConstraints<double>        constraints;
      dealii::PETScWrappers::MPI::SparseMatrix jacobian;
      Vector                                   residual;
      /// 1 on the unknowns whose change the time error measures.
      Vector time_error_mask;

      /// states[k]: the fields at t_{n-k}; steps[k] = t_{n-k} - t_{n-k-1}.
      std::vector<Vector> states;
      std::vector<double> steps;
      StepStatistics      statistics;
      TimeStepController  controller;

      /// What the step that stands took.
      struct StepCost
      {
        unsigned int newton_iterations = 0;
        unsigned int factorizations    = 0;
        unsigned int linear_solves     = 0;
        unsigned int linear_iterations = 0;
        void
        add_linear(const StepCost &other)
        {
          factorizations += other.factorizations;
          linear_solves += other.linear_solves;
          linear_iterations += other.linear_iterations;
        }
      } last_step_cost;

    private:
      struct StepAttempt
      {
        bool     converged = false;
        StepCost cost;
        double   error          = 0;
        double   error_exponent = 0.5;
        double   free_energy    = 0;
      };

      void
      setup_dofs();
      void
      interpolate_initial_state();
      StepAttempt
      try_step(double t0, double dt, Vector &new_state);
      bool
      estimate_first_step(double        t0,
                          double        dt,
                          const Vector &full_step,
                          StepAttempt  &attempt);
      /// RMS of (a - b) over the unknowns of time_error_mask.
      double
      rms_difference(const Vector &a, const Vector &b) const;
      /// Returns whether the mesh changed.
      bool
      adapt_mesh();

      /// Solve J du = R for a step with these a0 and dt; false if the
      /// linear solver failed.
      bool
      solve_linear(Vector &update, double a0, double dt, StepCost &cost);
      /// The LU's part of solve_linear.
      void
      solve_direct(Vector &update, StepCost &cost);
      /// Create or re-point the iterative solver for the current DoFs.
      void
      set_up_iterative_solver();
      /// Free the iterative solver's matrices while the LU solves.
      void
      forget_iterative_solver();

      /// Solver/Linear solver: the LU (direct or automatic with a direct
      /// solver in the build) and the model's iterative solver, and which
      /// of them solves on the current mesh.
      std::unique_ptr<DirectSolver>     direct_solver;
      std::unique_ptr<MixedBlockSolver> block_solver;
      std::unique_ptr<SchurSplitSolver> split_solver;
      bool                              iterative           = false;
      double                            free_energy         = 0;
      double                            n_error_unknowns    = 1;
      bool                              checking_first_step = false;
    };
  } // namespace fem
} // namespace vitrum

#endif
