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
    /// The weights of the two second-order factors of a Schur
    /// complement approximation S~ = L1 M^-1 L2, L_i = M + weight_i K.
    struct FactorWeights
    {
      double first  = 0;
      double second = 0;
    };


    /// eps1, eps2 for S = M + b K + c K M^-1 K (b >= 0, c > 0): the roots'
    /// pair with eps1 eps2 = c, eps1 + eps2 = b if b^2 >= 4c, else
    /// eps1 = eps2 = sqrt(c).
    FactorWeights
    schur_factor_weights(double b, double c);


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
     * With N = f'' M for a representative f'' >= 0 (the curvature of the
     * bulk phases), S = M + b K + c K M^-1 K, b = tau f'' / a0, c = tau
     * kappa / a0, and it is approximated by two second-order factors
     * (Bosch, Stoll & Benner 2014; Boyanova & Neytcheva),
     *
     *     S~ = (M + eps1 K) M^-1 (M + eps2 K),  eps1 eps2 = c,
     *
     * eps1 + eps2 = b where b^2 >= 4c (long steps: exact for a constant
     * f''), else eps1 = eps2 = sqrt(c) (which differs from S by at most
     * (2 sqrt(c) - b) K), uniformly in h and dt (schur_factor_weights).
     * The preconditioner is the block upper triangle
     *
     *     P = [ A  B  ]     P^-1 r:  y_mu = L1^-1 M L2^-1 r_mu,
     *         [ 0  S~ ]              y_c  = A^-1 (r_c - B y_mu),
     *
     * L_i = M + eps_i K, with one BoomerAMG V-cycle for each L_i^-1 and a
     * few Jacobi-preconditioned CG iterations for the mass matrix A^-1.
     * With exact blocks J P^-1 would need two Krylov iterations; the counts
     * grow where f'' differs much from the representative value (the
     * interfaces) on long steps.
     *
     * L_i is formed from the Jacobian's blocks as D + sigma_i B, sigma_i =
     * eps_i / tau, so the model gives only the sigmas. The unknowns are
     * split by the index sets of the two fields, given in pairs that belong
     * to the same node (so that the blocks act on the same numbering).
     * Sub-matrices are re-taken only when the Jacobian's entries changed
     * (PETSc's object state), as the LU of DirectSolver. A factor's
     * multigrid hierarchy is kept across solves with the same matrix object
     * (one mesh) while its weight eps_i stays within a factor
     * `hierarchy_reuse_ratio` of the one it was built for: a factor built
     * for eps' preconditions M + eps K with eigenvalues between 1 and
     * eps/eps', so a moderate ratio costs fewer iterations than an AMG
     * set-up (eps_i = sigma_i |B|, B = tau K, measured by its Frobenius norm
     * so that the solver needs no tau).
     */
    class MixedBlockSolver
    {
    public:
      /// `hierarchy_reuse_ratio` 1 rebuilds the hierarchies at every
      /// change of the weights.
      MixedBlockSolver(MPI_Comm     comm,
                       double       tolerance,
                       unsigned int max_iterations,
                       double       hierarchy_reuse_ratio = 1);
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

      /// Solve J x = b to the relative residual tolerance with L_i = D +
      /// sigma_i B. Returns the FGMRES iterations. Throws SolverError if it
      /// does not converge (or the system is not finite).
      unsigned int
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b,
            const FactorWeights                            &sigma);

      /// How many BoomerAMG hierarchies were set up (for tests and
      /// benchmarks).
      unsigned int
      hierarchy_setups() const
      {
        return n_hierarchy_setups;
      }

      /// Apply P^-1 (after a solve set it up): for tests.
      void
      apply_preconditioner(const dealii::PETScWrappers::MPI::Vector &r,
                           dealii::PETScWrappers::MPI::Vector       &y) const;

    private:
      /// Extract blocks, form the L_i and set up the inner solvers for J.
      void
      setup(const dealii::PETScWrappers::MPI::SparseMatrix &J,
            const FactorWeights                            &sigma);
      /// A factor L = D + sigma B, its BoomerAMG and the weight sigma |B|
      /// the hierarchy was built for.
      struct Factor
      {
        Mat    L            = nullptr;
        PC     amg          = nullptr;
        double built_weight = 0;
      };
      /// Set up `factor` for sigma unless its hierarchy may be kept.
      void
      update_factor(Factor &factor, double sigma, double b_norm);
      void
      destroy_factor(Factor &factor);
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
      Mat          A = nullptr, B = nullptr, D = nullptr;
      double       hierarchy_reuse_ratio;
      Factor       first, second; ///< L1, L2 (second unused if equal)
      KSP          ksp                = nullptr; ///< outer FGMRES
      KSP          mass_ksp           = nullptr; ///< A^-1
      unsigned int n_hierarchy_setups = 0;
      Vec          t1 = nullptr, t2 = nullptr, t3 = nullptr;
      // The fields' parts of a whole vector (scatters made once per mesh:
      // VecGetSubVector would make one at every application).
      VecScatter to_c = nullptr, to_mu = nullptr;
      Vec        r_c = nullptr, r_mu = nullptr, y_c = nullptr, y_mu = nullptr;
      bool       ready = false;
      FactorWeights used_sigma;
      // The Jacobian the blocks were taken from.
      MatrixVersion built_from;
    };
  } // namespace fem
} // namespace vitrum

#endif
