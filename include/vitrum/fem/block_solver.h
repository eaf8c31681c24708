#ifndef vitrum_fem_block_solver_h
#define vitrum_fem_block_solver_h

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
     * FGMRES for the Jacobian of a mixed (c, mu) Cahn–Hilliard step,
     * preconditioned with a block factorization whose blocks are solved by
     * algebraic multigrid (hypre BoomerAMG), so that the cost of a solve
     * grows about linearly with the number of unknowns.
     *
     * With M the mass and K the stiffness (Laplace) matrix of one field,
     * the Jacobian is (c rows first; see CahnHilliard::assemble)
     *
     *     J = [ A  B ] = [ a0 M           tau K ]     tau = dt Mobility,
     *         [ C  D ]   [ -(N + kappa K)  M    ]     N = (phi_i f''(c) phi_j),
     *
     * and its Schur complement in mu is
     *
     *     S = D - C A^-1 B = M + (tau / a0) (N + kappa K) M^-1 K.
     *
     * Dropping N (Bosch, Stoll & Benner 2014; Boyanova & Neytcheva), S is
     * approximated by
     *
     *     S~ = (M + eps K) M^-1 (M + eps K),  eps = sqrt(tau kappa / a0),
     *
     * which differs from M + eps^2 K M^-1 K by 2 eps K only, uniformly in
     * h and dt. The preconditioner is the block upper triangle
     *
     *     P = [ A  B  ]     P^-1 r:  y_mu = L^-1 M L^-1 r_mu,  L = M + eps K,
     *         [ 0  S~ ]              y_c  = A^-1 (r_c - B y_mu),
     *
     * with one BoomerAMG V-cycle for each L^-1 and a few Jacobi-
     * preconditioned CG iterations for the mass matrix A^-1. With exact
     * blocks J P^-1 would need two Krylov iterations; the counts grow only
     * where f'' < 0 makes N matter (long steps in the spinodal region).
     *
     * L is formed from the Jacobian's blocks as D + sigma B, sigma = eps /
     * tau, so the model gives only sigma. The unknowns are split by the
     * index sets of the two fields, given in pairs that belong to the same
     * node (so that the blocks act on the same numbering). Sub-matrices and
     * the multigrid hierarchy are rebuilt only when the Jacobian's entries
     * changed (PETSc's object state), as the LU of DirectSolver.
     */
    class MixedBlockSolver
    {
    public:
      MixedBlockSolver(MPI_Comm     comm,
                       double       tolerance,
                       unsigned int max_iterations);
      ~MixedBlockSolver();
      MixedBlockSolver(const MixedBlockSolver &) = delete;
      MixedBlockSolver &
      operator=(const MixedBlockSolver &)
        = delete;

      /// The locally owned unknowns of c and of mu, c[k] and mu[k] of the
      /// same node. Forgets sub-matrices and preconditioner.
      void
      set_fields(const std::vector<dealii::types::global_dof_index> &c,
                 const std::vector<dealii::types::global_dof_index> &mu);

      /// Forget sub-matrices and preconditioner (the matrix was re-created).
      void
      reset();

      /// Solve J x = b to the relative residual tolerance with L = D +
      /// sigma B. Returns the FGMRES iterations. Throws SolverError if it
      /// does not converge (or the system is not finite).
      unsigned int
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b,
            double                                          sigma);

      /// Apply P^-1 (after a solve set it up): for tests.
      void
      apply_preconditioner(const dealii::PETScWrappers::MPI::Vector &r,
                           dealii::PETScWrappers::MPI::Vector       &y) const;

    private:
      /// Extract blocks, form L and set up the inner solvers for J.
      void
      setup(const dealii::PETScWrappers::MPI::SparseMatrix &J, double sigma);
      void
      destroy_blocks();
      static PetscErrorCode
      apply_shell(PC pc, Vec r, Vec y);
      void
      apply(Vec r, Vec y) const;

      MPI_Comm     comm;
      double       tolerance;
      unsigned int max_iterations;
      IS           c_set = nullptr, mu_set = nullptr;
      Mat          A = nullptr, B = nullptr, D = nullptr, L = nullptr;
      KSP          ksp      = nullptr; ///< outer FGMRES
      KSP          mass_ksp = nullptr; ///< A^-1
      PC           amg      = nullptr; ///< L^-1
      Vec          t1 = nullptr, t2 = nullptr, t3 = nullptr;
      // The fields' parts of a whole vector (scatters made once per mesh:
      // VecGetSubVector would make one at every application).
      VecScatter to_c = nullptr, to_mu = nullptr;
      Vec        r_c = nullptr, r_mu = nullptr, y_c = nullptr, y_mu = nullptr;
      bool       ready      = false;
      double     used_sigma = 0;
      // The Jacobian the blocks were taken from.
      MatrixVersion built_from;
    };
  } // namespace fem
} // namespace vitrum

#endif
