#include <deal.II/base/mpi.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/block_solver.h>
#include <vitrum/fem/petsc_check.h>


#include <algorithm>
#include <cmath>
#include <string>

namespace vitrum
{
  namespace fem
  {
    namespace
    {


      template <typename Object, typename Destroy>
      void
      destroy(Object &object, Destroy destroy_function)
      {
        if (object != nullptr)
          destroy_function(&object);
        object = nullptr;
      }
    } // namespace


    FactorWeights
    schur_factor_weights(const double b, const double c)
    {
      if (b * b < 4 * c)
        return {std::sqrt(c), std::sqrt(c)};
      // The larger root directly, the smaller from the product (no
      // cancellation when b^2 >> 4c).
      const double first = 0.5 * (b + std::sqrt(b * b - 4 * c));
      return {first, c / first};
    }


    MixedBlockSolver::MixedBlockSolver(MPI_Comm           comm,
                                       const double       tolerance,
                                       const unsigned int max_iterations,
                                       const double       hierarchy_reuse_ratio)
        : comm(comm)
        , tolerance(tolerance)
        , max_iterations(max_iterations)
        , hierarchy_reuse_ratio(hierarchy_reuse_ratio)
    {
      AssertThrow(hierarchy_reuse_ratio >= 1,
                  dealii::ExcMessage("the hierarchy reuse ratio is >= 1"));
    }


    MixedBlockSolver::~MixedBlockSolver()
    {
      reset();
      destroy(c_set, ISDestroy);
      destroy(mu_set, ISDestroy);
    }


    void
    MixedBlockSolver::set_fields(
      const std::vector<dealii::types::global_dof_index> &c,
      const std::vector<dealii::types::global_dof_index> &mu)
    {
      AssertThrow(c.size() == mu.size(),
                  dealii::ExcMessage("c and mu must be given in pairs"));
      reset();
      destroy(c_set, ISDestroy);
      destroy(mu_set, ISDestroy);
      c_set  = make_index_set(comm, c);
      mu_set = make_index_set(comm, mu);
    }


    void
    MixedBlockSolver::destroy_blocks()
    {
      destroy(A, MatDestroy);
      destroy(B, MatDestroy);
      destroy(D, MatDestroy);
      destroy(t1, VecDestroy);
      destroy(t2, VecDestroy);
      destroy(t3, VecDestroy);
      destroy(to_c, VecScatterDestroy);
      destroy(to_mu, VecScatterDestroy);
      for (Vec *v : {&r_c, &r_mu, &y_c, &y_mu})
        destroy(*v, VecDestroy);
    }


    void
    MixedBlockSolver::reset()
    {
      destroy(ksp, KSPDestroy);
      destroy(mass_ksp, KSPDestroy);
      destroy_factor(first);
      destroy_factor(second);
      destroy_blocks();
      ready = false;
    }


    void
    MixedBlockSolver::destroy_factor(Factor &factor)
    {
      destroy(factor.amg, PCDestroy);
      destroy(factor.L, MatDestroy);
      factor.built_weight = 0;
    }


    void
    MixedBlockSolver::update_factor(Factor      &factor,
                                    const double sigma,
                                    const double b_norm)
    {
      const double weight = sigma * b_norm;
      if (factor.amg != nullptr && weight > 0 && factor.built_weight > 0
          && std::max(weight / factor.built_weight,
                      factor.built_weight / weight)
               <= hierarchy_reuse_ratio)
        return;
      // L = M + eps K = D + sigma B (B = tau K, D = M in the same numbering).
      if (factor.L == nullptr)
        check_petsc(MatDuplicate(D, MAT_COPY_VALUES, &factor.L),
                    "MatDuplicate");
      else
        check_petsc(MatCopy(D, factor.L, SAME_NONZERO_PATTERN), "MatCopy");
      check_petsc(MatAXPY(factor.L, sigma, B, UNKNOWN_NONZERO_PATTERN),
                  "MatAXPY");
      if (factor.amg == nullptr)
        {
          check_petsc(PCCreate(comm, &factor.amg), "PCCreate");
          check_petsc(PCSetType(factor.amg, PCHYPRE), "PCSetType");
          check_petsc(PCHYPRESetType(factor.amg, "boomeramg"),
                      "PCHYPRESetType");
          check_petsc(PCSetOptionsPrefix(factor.amg, "vitrum_schur_"),
                      "prefix");
          check_petsc(PCSetFromOptions(factor.amg), "PCSetFromOptions");
        }
      check_petsc(PCSetOperators(factor.amg, factor.L, factor.L),
                  "PCSetOperators");
      check_petsc(PCSetUp(factor.amg), "BoomerAMG setup");
      factor.built_weight = weight;
      ++n_hierarchy_setups;
    }


    void
    MixedBlockSolver::setup(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            const FactorWeights &sigma)
    {
      const Mat          &mat         = J;
      const MatrixVersion version     = matrix_version(mat);
      const bool          same_matrix = ready && version.id == built_from.id;
      if (same_matrix && version.state == built_from.state
          && sigma.first == used_sigma.first
          && sigma.second == used_sigma.second)
        return;
      if (!same_matrix)
        reset();
      ready = false;

      const MatReuse reuse
        = A == nullptr ? MAT_INITIAL_MATRIX : MAT_REUSE_MATRIX;
      check_petsc(MatCreateSubMatrix(mat, c_set, c_set, reuse, &A),
                  "sub-matrix A");
      check_petsc(MatCreateSubMatrix(mat, c_set, mu_set, reuse, &B),
                  "sub-matrix B");
      check_petsc(MatCreateSubMatrix(mat, mu_set, mu_set, reuse, &D),
                  "sub-matrix D");
      if (t1 == nullptr)
        {
          check_petsc(MatCreateVecs(D, &t1, &t2), "MatCreateVecs");
          check_petsc(MatCreateVecs(A, &t3, nullptr), "MatCreateVecs");
          Vec whole;
          check_petsc(MatCreateVecs(mat, &whole, nullptr), "MatCreateVecs");
          check_petsc(VecDuplicate(t3, &r_c), "VecDuplicate");
          check_petsc(VecDuplicate(t3, &y_c), "VecDuplicate");
          check_petsc(VecDuplicate(t1, &r_mu), "VecDuplicate");
          check_petsc(VecDuplicate(t1, &y_mu), "VecDuplicate");
          check_petsc(VecScatterCreate(whole, c_set, r_c, nullptr, &to_c),
                      "VecScatterCreate");
          check_petsc(VecScatterCreate(whole, mu_set, r_mu, nullptr, &to_mu),
                      "VecScatterCreate");
          VecDestroy(&whole);
        }

      PetscReal b_norm;
      check_petsc(MatNorm(B, NORM_FROBENIUS, &b_norm), "MatNorm");
      update_factor(first, sigma.first, b_norm);
      // Equal factors (short steps): one hierarchy serves both.
      if (sigma.second != sigma.first)
        update_factor(second, sigma.second, b_norm);
      else
        destroy_factor(second);

      if (mass_ksp == nullptr)
        {
          // The mass matrix is well conditioned after diagonal scaling: a
          // few CG iterations (FGMRES allows a preconditioner that varies).
          PC jacobi;
          check_petsc(KSPCreate(comm, &mass_ksp), "KSPCreate");
          check_petsc(KSPSetType(mass_ksp, KSPCG), "KSPSetType");
          check_petsc(KSPGetPC(mass_ksp, &jacobi), "KSPGetPC");
          check_petsc(PCSetType(jacobi, PCJACOBI), "PCSetType");
          check_petsc(KSPSetTolerances(mass_ksp, 1e-4, 0, PETSC_DEFAULT, 20),
                      "KSPSetTolerances");
          check_petsc(KSPSetOptionsPrefix(mass_ksp, "vitrum_mass_"), "prefix");
          check_petsc(KSPSetFromOptions(mass_ksp), "KSPSetFromOptions");
        }
      check_petsc(KSPSetOperators(mass_ksp, A, A), "KSPSetOperators");

      if (ksp == nullptr)
        {
          PC shell;
          check_petsc(KSPCreate(comm, &ksp), "KSPCreate");
          check_petsc(KSPSetType(ksp, KSPFGMRES), "KSPSetType");
          check_petsc(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
          check_petsc(KSPGetPC(ksp, &shell), "KSPGetPC");
          check_petsc(PCSetType(shell, PCSHELL), "PCSetType");
          check_petsc(PCShellSetContext(shell, this), "PCShellSetContext");
          check_petsc(PCShellSetApply(shell, &MixedBlockSolver::apply_shell),
                      "PCShellSetApply");
          check_petsc(KSPSetTolerances(ksp,
                                       tolerance,
                                       1e-300,
                                       PETSC_DEFAULT,
                                       max_iterations),
                      "KSPSetTolerances");
          check_petsc(KSPSetOptionsPrefix(ksp, "vitrum_"), "prefix");
          check_petsc(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        }
      check_petsc(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");

      built_from = version;
      used_sigma = sigma;
      ready      = true;
    }


    unsigned int
    MixedBlockSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            dealii::PETScWrappers::MPI::Vector             &x,
                            const dealii::PETScWrappers::MPI::Vector       &b,
                            const FactorWeights &sigma)
    {
      try
        {
          setup(J, sigma);
          check_petsc(KSPSolve(ksp, b, x), "KSPSolve");
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
      return converged_iterations(ksp, "FGMRES");
    }


    PetscErrorCode
    MixedBlockSolver::apply_shell(PC pc, Vec r, Vec y)
    {
      void *context;
      PCShellGetContext(pc, &context);
      try
        {
          static_cast<const MixedBlockSolver *>(context)->apply(r, y);
        }
      catch (const SolverError &)
        {
          return PETSC_ERR_LIB;
        }
      return 0;
    }


    void
    MixedBlockSolver::apply_preconditioner(
      const dealii::PETScWrappers::MPI::Vector &r,
      dealii::PETScWrappers::MPI::Vector       &y) const
    {
      apply(r, y);
    }


    void
    MixedBlockSolver::apply(Vec r, Vec y) const
    {
      const auto scatter = [](VecScatter s, Vec from, Vec to, ScatterMode m) {
        check_petsc(VecScatterBegin(s, from, to, INSERT_VALUES, m),
                    "VecScatter");
        check_petsc(VecScatterEnd(s, from, to, INSERT_VALUES, m), "VecScatter");
      };
      scatter(to_c, r, r_c, SCATTER_FORWARD);
      scatter(to_mu, r, r_mu, SCATTER_FORWARD);
      // y_mu = L1^-1 M L2^-1 r_mu. The Laplace-like factor (the larger
      // weight) last: its V-cycle leaves a smooth error, which B = tau K
      // below does not amplify (the other order took 108 instead of 11
      // iterations on a long convex step, unit test).
      check_petsc(PCApply(second.amg != nullptr ? second.amg : first.amg,
                          r_mu,
                          t1),
                  "BoomerAMG");
      check_petsc(MatMult(D, t1, t2), "MatMult");
      check_petsc(PCApply(first.amg, t2, y_mu), "BoomerAMG");
      // y_c = A^-1 (r_c - B y_mu)
      check_petsc(MatMult(B, y_mu, t3), "MatMult");
      check_petsc(VecAYPX(t3, -1.0, r_c), "VecAYPX");
      check_petsc(KSPSolve(mass_ksp, t3, y_c), "mass solve");
      scatter(to_c, y_c, y, SCATTER_REVERSE);
      scatter(to_mu, y_mu, y, SCATTER_REVERSE);
    }
  } // namespace fem
} // namespace vitrum
