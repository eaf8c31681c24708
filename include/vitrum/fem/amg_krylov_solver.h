#ifndef vitrum_fem_amg_krylov_solver_h
#define vitrum_fem_amg_krylov_solver_h

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/fem/petsc_check.h>

#include <petscksp.h>

namespace vitrum
{
  namespace fem
  {
    /**
     * GMRES preconditioned with one hypre BoomerAMG V-cycle per iteration,
     * for a scalar Jacobian of reaction-diffusion type, such as that of the
     * Allen–Cahn step of the crystallization field,
     *
     *     J = M / dt + theta (U/l) (D K - N) [+ curvature counter term],
     *     N = (phi_i f'(eta) phi_j),
     *
     * whose cost grows about linearly with the number of unknowns (a
     * Jacobi-preconditioned Krylov method needs twice the iterations for
     * every halving of h once D K dominates M / dt).
     *
     * GMRES and not CG, because J is not symmetric positive definite for
     * every state and setting the model allows: (1) Curvature-free growth
     * (the default) adds the counter term (phi_i n.grad phi_j + phi_j
     * n.grad phi_i) times a node's own g'(eta_j), which is not symmetric;
     * (2) a composition history makes the mobility U/l vary from node to
     * node, and it scales whole rows; (3) f'(eta) reaches 1/(2r) at eta =
     * 1/2, so the reaction mass term 1/dt - theta (U/l) f'(eta) turns
     * negative once theta dt U/l > 2r, which the Courant number (up to 2)
     * and Relaxation ratio (down to 0.05) allow. GMRES needs neither
     * symmetry nor definiteness; for the symmetric, mass-dominated cases it
     * costs little more than CG at the few iterations these take. The
     * preconditioner is applied on the right, so the tolerance is on the
     * true residual ||b - A x|| / ||b||.
     *
     * The multigrid hierarchy is rebuilt only when the matrix's entries
     * changed since the last solve (PETSc's object state), as the LU of
     * DirectSolver. PETSc options with the prefix `vitrum_amg_` tune both
     * (for example -vitrum_amg_pc_hypre_boomeramg_strong_threshold 0.5,
     * -vitrum_amg_ksp_monitor).
     */
    class AmgKrylovSolver
    {
    public:
      /// `tolerance`: relative residual reduction; a solve that has not
      /// reached it after `max_iterations` fails.
      AmgKrylovSolver(MPI_Comm     comm,
                      double       tolerance      = 1e-10,
                      unsigned int max_iterations = 200);
      ~AmgKrylovSolver();
      AmgKrylovSolver(const AmgKrylovSolver &) = delete;
      AmgKrylovSolver &
      operator=(const AmgKrylovSolver &)
        = delete;

      /// Forget the multigrid hierarchy: call when the matrix was
      /// re-created (it is also noticed from the matrix's identity).
      void
      reset();

      /// Solve A x = b from x = 0. Returns the GMRES iterations. Throws
      /// SolverError if GMRES does not converge (or the system is not
      /// finite) and then forgets the hierarchy.
      unsigned int
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b);

      /// Multigrid hierarchies built so far.
      unsigned int
      setups() const
      {
        return n_setups;
      }
      /// Solves so far (converged or not).
      unsigned int
      solves() const
      {
        return n_solves;
      }
      /// GMRES iterations of all solves so far.
      unsigned int
      iterations() const
      {
        return n_iterations;
      }

    private:
      MPI_Comm     comm;
      double       tolerance;
      unsigned int max_iterations;
      KSP          ksp = nullptr;
      // The matrix the hierarchy was built for.
      bool          ready = false;
      MatrixVersion built_from;
      unsigned int  n_setups     = 0;
      unsigned int  n_solves     = 0;
      unsigned int  n_iterations = 0;
    };
  } // namespace fem
} // namespace vitrum

#endif
