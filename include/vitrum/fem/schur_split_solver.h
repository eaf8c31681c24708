#ifndef vitrum_fem_schur_split_solver_h
#define vitrum_fem_schur_split_solver_h

#include <deal.II/base/types.h>

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/fem/petsc_check.h>

#include <petscksp.h>

#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * Iterative solve of a Newton system whose unknowns split into fields
     * with a (nearly) diagonal block of their own -- the diffusion
     * potentials w of a multi-component Cahn-Hilliard system with lumped
     * mass, whose rows read M w - (H M + kappa K) x = r -- and the rest
     * (the fractions x and the phase field):
     *
     *     J = [ A_ww  A_wp ]      S = A_pp - A_pw D^-1 A_wp ,  D = diag(A_ww).
     *         [ A_pw  A_pp ]
     *
     * FGMRES on J, preconditioned by the block factorization with D for
     * A_ww: z_w = D^-1 r_w, solve S z_p = r_p - A_pw z_w, then
     * z_w = D^-1 (r_w - A_wp z_p). With a lumped mass A_ww = D and the
     * factorization is exact up to the S solve (with hanging nodes D is an
     * approximation the outer Krylov method corrects). The products with
     * A_pw and A_wp are products with J itself, so no block of J is copied.
     *
     * S (a coupled, nonsymmetric fourth-order-in-space diffusion operator
     * over all fractions and the phase field at once, 2-ring stencil) is
     * formed once as J_p B with J_p the kept rows of J and B = [I; -D^-1
     * A_wp] (one sparse product, no intermediate sum), handed to hypre and
     * freed, and solved by one BoomerAMG V-cycle with the nodal (systems)
     * coarsening that keeps the unknowns of one node together.
     *
     * S and its AMG are kept for the later Newton iterations of the same
     * step (`step_key` unchanged, same matrix object): the elimination
     * always uses the current J, so only the S solve is from an older
     * Jacobian, which FGMRES absorbs in a few iterations; forming S and the
     * AMG set-up are most of a solve's time in 3D.
     *
     * PETSc options: the Krylov method has the prefix `vitrum_split_`
     * (e.g. `-vitrum_split_ksp_monitor`), the S solve `vitrum_split_kept_`
     * (e.g. `-vitrum_split_kept_pc_hypre_boomeramg_strong_threshold 0.5`,
     * or `-vitrum_split_kept_pc_type lu` for an exact S solve).
     */
    class SchurSplitSolver
    {
    public:
      SchurSplitSolver(MPI_Comm     comm,
                       double       tolerance,
                       unsigned int max_iterations);
      ~SchurSplitSolver();
      SchurSplitSolver(const SchurSplitSolver &) = delete;
      SchurSplitSolver &
      operator=(const SchurSplitSolver &)
        = delete;

      /// The locally owned unknowns that are eliminated (potentials) and
      /// that are kept, and the number of kept unknowns per node (the
      /// systems size of the AMG). Forgets the preconditioner.
      void
      set_fields(const std::vector<dealii::types::global_dof_index> &eliminated,
                 const std::vector<dealii::types::global_dof_index> &kept,
                 unsigned int kept_per_node);

      /// Forget the preconditioner (the matrix was re-created).
      void
      reset();

      /// Solve J x = b to the relative residual tolerance; returns the
      /// Krylov iterations. S is rebuilt unless it was built for the same
      /// matrix object and the same `step_key` (e.g. a0/dt: the Newton
      /// iterations of one step). Throws SolverError if it does not
      /// converge.
      unsigned int
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b,
            double                                          step_key = 0);

      /// How often S and its AMG were built (for the benchmarks).
      unsigned int
      setups() const
      {
        return n_setups;
      }

    private:
      /// D^-1 on the eliminated rows, zero on the kept ones.
      void
      update_inverse_diagonal(Mat J);
      /// S = A_pp - A_pw D^-1 A_wp over the kept unknowns (their order in
      /// `kept_set`), as a sparse matrix.
      Mat
      schur_complement(Mat J) const;
      /// Form S and set up its solver.
      void
      build_schur_solver(Mat J);
      void
      create_krylov_solver();
      /// The preconditioner (PCSHELL apply).
      static PetscErrorCode
      apply(PC pc, Vec r, Vec z);

      MPI_Comm      comm;
      double        tolerance;
      unsigned int  max_iterations;
      unsigned int  kept_per_node    = 1;
      IS            eliminated_set   = nullptr;
      IS            kept_set         = nullptr;
      KSP           ksp              = nullptr;
      KSP           schur_ksp        = nullptr; ///< the S solve
      Mat           operator_matrix  = nullptr; ///< J of the current solve
      Vec           inverse_diagonal = nullptr;
      Vec           work             = nullptr;
      Vec           work2            = nullptr;
      MatrixVersion built_from;
      double        built_for_key    = 0;
      unsigned int  fresh_iterations = 0; ///< of the solve right after a build
      unsigned int  last_iterations  = 0;
      unsigned int  n_setups         = 0;
    };
  } // namespace fem
} // namespace vitrum

#endif
