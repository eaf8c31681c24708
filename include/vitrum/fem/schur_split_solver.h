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
     *     J = [ A_ww  A_wp ]      S = A_pp - A_pw diag(A_ww)^-1 A_wp .
     *         [ A_pw  A_pp ]
     *
     * With a lumped mass A_ww is diagonal and S is the exact Schur
     * complement of the potentials, a sparse matrix over half the unknowns
     * that PETSc forms explicitly (PCFIELDSPLIT, Schur factorization,
     * `selfp`); with hanging nodes diag(A_ww) is an approximation and the
     * outer Krylov method corrects it. S (a coupled, nonsymmetric
     * fourth-order-in-space diffusion operator over all fractions and the
     * phase field at once) is solved by hypre BoomerAMG with the nodal
     * (systems) coarsening that keeps the unknowns of one node together.
     *
     * Everything can be changed through PETSc options with the prefix
     * `vitrum_split_` (e.g. `-vitrum_split_fieldsplit_kept_pc_type lu` for
     * an exact Schur solve, `-vitrum_split_ksp_monitor`).
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
      /// Krylov iterations. Throws SolverError if it does not converge.
      unsigned int
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b);

    private:
      void
      setup(const dealii::PETScWrappers::MPI::SparseMatrix &J);

      MPI_Comm      comm;
      double        tolerance;
      unsigned int  max_iterations;
      unsigned int  kept_per_node  = 1;
      IS            eliminated_set = nullptr;
      IS            kept_set       = nullptr;
      KSP           ksp            = nullptr;
      MatrixVersion built_from;
      bool          ready = false;
    };
  } // namespace fem
} // namespace vitrum

#endif
