#include <deal.II/base/mpi.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/block_solver.h>

#include <petsc/private/petscimpl.h> // PetscObjectStateGet

#include <string>

namespace vitrum
{
  namespace fem
  {
    namespace
    {
      void
      check(const PetscErrorCode code, const char *what)
      {
        if (code != 0)
          throw SolverError(std::string("PETSc failed in ") + what
                            + " (error code " + std::to_string(code) + ")");
      }


      IS
      make_index_set(MPI_Comm                                            comm,
                     const std::vector<dealii::types::global_dof_index> &dofs)
      {
        std::vector<PetscInt> indices(dofs.begin(), dofs.end());
        IS                    set;
        check(ISCreateGeneral(comm,
                              PetscInt(indices.size()),
                              indices.data(),
                              PETSC_COPY_VALUES,
                              &set),
              "ISCreateGeneral");
        return set;
      }


      template <typename Object, typename Destroy>
      void
      destroy(Object &object, Destroy destroy_function)
      {
        if (object != nullptr)
          destroy_function(&object);
        object = nullptr;
      }
    } // namespace


    MixedBlockSolver::MixedBlockSolver(MPI_Comm           comm,
                                       const double       tolerance,
                                       const unsigned int max_iterations)
        : comm(comm)
        , tolerance(tolerance)
        , max_iterations(max_iterations)
    {
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
      destroy(L, MatDestroy);
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
      destroy(amg, PCDestroy);
      destroy_blocks();
      ready = false;
    }


    void
    MixedBlockSolver::setup(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            const double sigma)
    {
      const Mat       &mat = J;
      PetscObjectId    id;
      PetscObjectState state;
      PetscObjectGetId(reinterpret_cast<PetscObject>(mat), &id);
      PetscObjectStateGet(reinterpret_cast<PetscObject>(mat), &state);
      const bool same_matrix = ready && id == matrix_id;
      if (same_matrix && state == matrix_state && sigma == used_sigma)
        return;
      if (!same_matrix)
        reset();
      ready = false;

      const MatReuse reuse
        = A == nullptr ? MAT_INITIAL_MATRIX : MAT_REUSE_MATRIX;
      check(MatCreateSubMatrix(mat, c_set, c_set, reuse, &A), "sub-matrix A");
      check(MatCreateSubMatrix(mat, c_set, mu_set, reuse, &B), "sub-matrix B");
      check(MatCreateSubMatrix(mat, mu_set, mu_set, reuse, &D), "sub-matrix D");
      // L = M + eps K = D + sigma B (B = tau K, D = M in the same numbering).
      if (L == nullptr)
        check(MatDuplicate(D, MAT_COPY_VALUES, &L), "MatDuplicate");
      else
        check(MatCopy(D, L, SAME_NONZERO_PATTERN), "MatCopy");
      check(MatAXPY(L, sigma, B, UNKNOWN_NONZERO_PATTERN), "MatAXPY");
      if (t1 == nullptr)
        {
          check(MatCreateVecs(D, &t1, &t2), "MatCreateVecs");
          check(MatCreateVecs(A, &t3, nullptr), "MatCreateVecs");
          Vec whole;
          check(MatCreateVecs(mat, &whole, nullptr), "MatCreateVecs");
          check(VecDuplicate(t3, &r_c), "VecDuplicate");
          check(VecDuplicate(t3, &y_c), "VecDuplicate");
          check(VecDuplicate(t1, &r_mu), "VecDuplicate");
          check(VecDuplicate(t1, &y_mu), "VecDuplicate");
          check(VecScatterCreate(whole, c_set, r_c, nullptr, &to_c),
                "VecScatterCreate");
          check(VecScatterCreate(whole, mu_set, r_mu, nullptr, &to_mu),
                "VecScatterCreate");
          VecDestroy(&whole);
        }

      if (amg == nullptr)
        {
          check(PCCreate(comm, &amg), "PCCreate");
          check(PCSetType(amg, PCHYPRE), "PCSetType");
          check(PCHYPRESetType(amg, "boomeramg"), "PCHYPRESetType");
          check(PCSetOptionsPrefix(amg, "vitrum_schur_"), "prefix");
          check(PCSetFromOptions(amg), "PCSetFromOptions");
        }
      check(PCSetOperators(amg, L, L), "PCSetOperators");
      check(PCSetUp(amg), "BoomerAMG setup");

      if (mass_ksp == nullptr)
        {
          // The mass matrix is well conditioned after diagonal scaling: a
          // few CG iterations (FGMRES allows a preconditioner that varies).
          PC jacobi;
          check(KSPCreate(comm, &mass_ksp), "KSPCreate");
          check(KSPSetType(mass_ksp, KSPCG), "KSPSetType");
          check(KSPGetPC(mass_ksp, &jacobi), "KSPGetPC");
          check(PCSetType(jacobi, PCJACOBI), "PCSetType");
          check(KSPSetTolerances(mass_ksp, 1e-4, 0, PETSC_DEFAULT, 20),
                "KSPSetTolerances");
          check(KSPSetOptionsPrefix(mass_ksp, "vitrum_mass_"), "prefix");
          check(KSPSetFromOptions(mass_ksp), "KSPSetFromOptions");
        }
      check(KSPSetOperators(mass_ksp, A, A), "KSPSetOperators");

      if (ksp == nullptr)
        {
          PC shell;
          check(KSPCreate(comm, &ksp), "KSPCreate");
          check(KSPSetType(ksp, KSPFGMRES), "KSPSetType");
          check(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
          check(KSPGetPC(ksp, &shell), "KSPGetPC");
          check(PCSetType(shell, PCSHELL), "PCSetType");
          check(PCShellSetContext(shell, this), "PCShellSetContext");
          check(PCShellSetApply(shell, &MixedBlockSolver::apply_shell),
                "PCShellSetApply");
          check(KSPSetTolerances(ksp,
                                 tolerance,
                                 1e-300,
                                 PETSC_DEFAULT,
                                 max_iterations),
                "KSPSetTolerances");
          check(KSPSetOptionsPrefix(ksp, "vitrum_"), "prefix");
          check(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        }
      check(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");

      matrix_id    = id;
      matrix_state = state;
      used_sigma   = sigma;
      ready        = true;
    }


    unsigned int
    MixedBlockSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            dealii::PETScWrappers::MPI::Vector             &x,
                            const dealii::PETScWrappers::MPI::Vector       &b,
                            const double sigma)
    {
      try
        {
          setup(J, sigma);
          check(KSPSolve(ksp, b, x), "KSPSolve");
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
      KSPConvergedReason reason;
      PetscInt           iterations;
      check(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
      check(KSPGetIterationNumber(ksp, &iterations), "KSPGetIterationNumber");
      if (reason < 0)
        throw SolverError("FGMRES did not converge (KSP reason "
                          + std::to_string(int(reason)) + " after "
                          + std::to_string(iterations) + " iterations)");
      return iterations;
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
        check(VecScatterBegin(s, from, to, INSERT_VALUES, m), "VecScatter");
        check(VecScatterEnd(s, from, to, INSERT_VALUES, m), "VecScatter");
      };
      scatter(to_c, r, r_c, SCATTER_FORWARD);
      scatter(to_mu, r, r_mu, SCATTER_FORWARD);
      // y_mu = L^-1 M L^-1 r_mu
      check(PCApply(amg, r_mu, t1), "BoomerAMG");
      check(MatMult(D, t1, t2), "MatMult");
      check(PCApply(amg, t2, y_mu), "BoomerAMG");
      // y_c = A^-1 (r_c - B y_mu)
      check(MatMult(B, y_mu, t3), "MatMult");
      check(VecAYPX(t3, -1.0, r_c), "VecAYPX");
      check(KSPSolve(mass_ksp, t3, y_c), "mass solve");
      scatter(to_c, y_c, y, SCATTER_REVERSE);
      scatter(to_mu, y_mu, y, SCATTER_REVERSE);
    }
  } // namespace fem
} // namespace vitrum
