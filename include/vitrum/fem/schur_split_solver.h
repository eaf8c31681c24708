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
     * The node matrix Ĥ of the two-factor split (SchurSplitSolver) and its
     * inverse (row-major, 2 n^2 entries: Ĥ first), from the node's
     * Hessian H, its block K_L of the mobility Laplacian, kappa K_ii and
     * a0. In each eigendirection v of H (symmetric part) with eigenvalue
     * lambda and mobility l = v K_L v, ĥ is the binary system's factor
     * weight (schur_factor_weights) for b = |lambda|, c = a0 kappa K_ii /
     * l: the larger root of ĥ^2 - b ĥ + c on long steps (ĥ -> |lambda|,
     * where the split is exact for a constant H), sqrt(c) on short ones
     * (the least overestimate of the second-order part). |lambda| keeps an
     * indefinite (spinodal) H positive; ĥ is at least 1e-8 of the largest
     * |lambda|. All zeros for a zero H.
     */
    std::vector<double>
    factor_hessian(const std::vector<double> &H,
                   const std::vector<double> &K_L,
                   double                     kappa_K,
                   double                     a0,
                   unsigned int               n);


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
     * Two-factor S solve (`set_partners`, the default when partners are
     * given): each eliminated potential w_a has a kept partner x_a at its
     * node, and the potentials' rows read M w - G x - ... with G = H M +
     * kappa K (H the node's n x n Hessian, symmetric; K a Laplacian, whose
     * rows sum to zero), the partners' rows a0 M x + K_L w + ... (K_L the
     * mobility-weighted Laplacian). Their block of S is then
     *
     *     S_xx = a0 M + K_L H + kappa K_L M^-1 K
     *          ~ (a0 M Ĥ^-1 + K_L) M^-1 (Ĥ M + kappa K)
     *          = a0 M + K_L Ĥ + a0 kappa Ĥ^-1 K + kappa K_L M^-1 K
     *
     * for any symmetric positive definite node matrix Ĥ (M and Ĥ commute
     * node by node): exact in the mass and fourth-order parts, and Ĥ
     * (factor_hessian, the multi-component form of the Cahn-Hilliard
     * solver's factor weights) makes the second-order part K_L Ĥ + a0
     * kappa Ĥ^-1 K as close to K_L H as positive factors allow -- equal
     * for a constant H on long steps. Both factors are symmetric positive
     * definite second-order operators, each solved by one BoomerAMG
     * V-cycle with nodal coarsening and block relaxation (n unknowns per
     * node), so that the iterations do not grow with the step as they do
     * with one V-cycle on the fourth-order S. K_L is J's partner-potential
     * block, G minus J's potential-partner block; H M is the node's row
     * sums of G (the Laplacian's rows sum to zero), kappa K_ii the rest of
     * G's diagonal. The other kept unknowns (the phase field, whose rows
     * hold no potential, so that their rows of S are those of J) follow
     * by block Gauss-Seidel with their own block of J: z_o = J_oo^-1 (y_o
     * - J_ox z_x), one V-cycle. The mobilities' derivatives in J_xx (first
     * order) and S_xo are left to FGMRES.
     *
     * PETSc options: the Krylov method has the prefix `vitrum_split_`
     * (e.g. `-vitrum_split_ksp_monitor`), the S solve `vitrum_split_kept_`
     * (e.g. `-vitrum_split_kept_pc_hypre_boomeramg_strong_threshold 0.5`,
     * or `-vitrum_split_kept_pc_type lu` for an exact S solve); in the
     * two-factor form the factors `vitrum_split_diffusion_` and
     * `vitrum_split_gradient_`, the other unknowns `vitrum_split_other_`;
     * `-vitrum_split_factored 0` goes back to one V-cycle on S.
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

      /// The kept partner of each eliminated unknown (same order as
      /// `eliminated`, grouped by node, `per_node` to a node) and the kept
      /// unknowns without one: switches to the two-factor S solve.
      void
      set_partners(const std::vector<dealii::types::global_dof_index> &partners,
                   const std::vector<dealii::types::global_dof_index> &others,
                   unsigned int per_node);

      /// Forget the preconditioner (the matrix was re-created).
      void
      reset();

      /// Solve J x = b to the relative residual tolerance; returns the
      /// Krylov iterations. S is rebuilt unless it was built for the same
      /// matrix object and the same `step_key` (e.g. a0/dt: the Newton
      /// iterations of one step). Throws SolverError if it does not
      /// converge.
      /// `mass_weight` is a0 of the partners' rows a0 M x + ... (used by
      /// the two-factor S solve only).
      unsigned int
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b,
            double                                          step_key    = 0,
            double                                          mass_weight = 1);

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
      /// The blocks of J the preconditioner multiplies with (A_pw, A_wp,
      /// A_ox), taken from the current J, and their work vectors.
      void
      update_coupling_blocks(Mat J);
      /// S = A_pp - A_pw D^-1 A_wp over the kept unknowns (their order in
      /// `kept_set`), as a sparse matrix.
      Mat
      schur_complement(Mat J) const;
      /// Form S and set up its solver.
      void
      build_schur_solver(Mat J);
      /// Form the two factors and J_oo and set up their V-cycles.
      void
      build_factored_solver(Mat J, double mass_weight);
      /// Whether the two-factor S solve is on.
      bool
      factored() const;
      /// S^-1 y_p in the two-factor form: z_x, then z_o (y and z full
      /// vectors; z zero on entry).
      PetscErrorCode
      apply_factored(Vec y, Vec z);
      void
      create_krylov_solver();
      /// The preconditioner (PCSHELL apply).
      static PetscErrorCode
      apply(PC pc, Vec r, Vec z);

      MPI_Comm     comm;
      double       tolerance;
      unsigned int max_iterations;
      unsigned int kept_per_node     = 1;
      IS           eliminated_set    = nullptr;
      IS           kept_set          = nullptr;
      KSP          ksp               = nullptr;
      KSP          schur_ksp         = nullptr; ///< the S solve
      IS           partner_set       = nullptr; ///< ordered as eliminated_set
      IS           other_set         = nullptr;
      unsigned int partners_per_node = 0;
      KSP          diffusion_ksp     = nullptr; ///< a0 M Ĥ^-1 + K_L
      KSP          gradient_ksp      = nullptr; ///< Ĥ M + kappa K
      KSP          other_ksp         = nullptr; ///< J_oo
      Vec          partner_mass      = nullptr; ///< M on the partners
      Vec          partner_work      = nullptr;
      Vec          inverse_diagonal  = nullptr;
      Vec          work              = nullptr;
      Vec          work2             = nullptr;
      // Products with these blocks instead of J: in 3D a partitioning row
      // of J has 13 x 27 entries, A_pw's 6 x 27 (0 in the phase field's).
      Mat coupling_pw = nullptr; ///< kept rows, eliminated columns
      Mat coupling_wp = nullptr; ///< eliminated rows, kept columns
      Mat coupling_ox = nullptr; ///< other rows, partner columns
      Vec eliminated_inverse_diagonal = nullptr; ///< D^-1 on the eliminated
      Vec eliminated_work             = nullptr;
      Vec kept_work                   = nullptr;
      Vec other_work                  = nullptr;
      MatrixVersion built_from;
      double        built_for_key    = 0;
      unsigned int  fresh_iterations = 0; ///< of the solve right after a build
      unsigned int  last_iterations  = 0;
      unsigned int  n_setups         = 0;
    };
  } // namespace fem
} // namespace vitrum

#endif
