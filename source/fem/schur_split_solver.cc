#include <vitrum/base/exceptions.h>
#include <vitrum/fem/schur_split_solver.h>

#include <string>

namespace vitrum
{
  namespace fem
  {
    namespace
    {


      /// Set a PETSc option unless the user set it (PETSC_OPTIONS or the
      /// command line): the defaults here, the last word with the user.
      void
      default_option(const std::string &name, const std::string &value)
      {
        PetscBool set = PETSC_FALSE;
        check_petsc(PetscOptionsHasName(nullptr, nullptr, name.c_str(), &set),
                    "PetscOptionsHasName");
        if (!set)
          check_petsc(PetscOptionsSetValue(nullptr,
                                           name.c_str(),
                                           value.c_str()),
                      "PetscOptionsSetValue");
      }
    } // namespace


    SchurSplitSolver::SchurSplitSolver(MPI_Comm           comm,
                                       const double       tolerance,
                                       const unsigned int max_iterations)
        : comm(comm)
        , tolerance(tolerance)
        , max_iterations(max_iterations)
    {
      const std::string p = "-vitrum_split_fieldsplit_";
      default_option(p + "elim_ksp_type", "preonly");
      default_option(p + "elim_pc_type", "jacobi");
      default_option(p + "kept_ksp_type", "preonly");
      default_option(p + "kept_pc_type", "hypre");
      default_option(p + "kept_pc_hypre_type", "boomeramg");
      // The fourth-order part of S has positive off-diagonal entries: a
      // high strength threshold keeps them out of the coarsening (the
      // default job at dt = 50 s: 93 iterations against 230 at 0.25).
      default_option(p + "kept_pc_hypre_boomeramg_strong_threshold", "0.7");
    }


    SchurSplitSolver::~SchurSplitSolver()
    {
      reset();
      if (eliminated_set != nullptr)
        ISDestroy(&eliminated_set);
      if (kept_set != nullptr)
        ISDestroy(&kept_set);
    }


    void
    SchurSplitSolver::set_fields(
      const std::vector<dealii::types::global_dof_index> &eliminated,
      const std::vector<dealii::types::global_dof_index> &kept,
      const unsigned int                                  kept_per_node)
    {
      reset();
      if (eliminated_set != nullptr)
        ISDestroy(&eliminated_set);
      if (kept_set != nullptr)
        ISDestroy(&kept_set);
      eliminated_set      = make_index_set(comm, eliminated);
      kept_set            = make_index_set(comm, kept);
      this->kept_per_node = kept_per_node;
      check_petsc(ISSetBlockSize(kept_set, PetscInt(kept_per_node)),
                  "ISSetBlockSize");
    }


    void
    SchurSplitSolver::reset()
    {
      if (ksp != nullptr)
        KSPDestroy(&ksp);
      ksp   = nullptr;
      ready = false;
    }


    void
    SchurSplitSolver::setup(const dealii::PETScWrappers::MPI::SparseMatrix &J)
    {
      const Mat          &mat     = J;
      const MatrixVersion version = matrix_version(mat);
      if (ready && version.id == built_from.id
          && version.state == built_from.state)
        return;
      if (ready && version.id != built_from.id)
        reset();
      if (ksp == nullptr)
        {
          PC pc;
          check_petsc(KSPCreate(comm, &ksp), "KSPCreate");
          // (Before the splits: they take their prefixes from it.)
          check_petsc(KSPSetOptionsPrefix(ksp, "vitrum_split_"), "prefix");
          check_petsc(KSPSetType(ksp, KSPFGMRES), "KSPSetType");
          check_petsc(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
          check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
          check_petsc(PCSetType(pc, PCFIELDSPLIT), "PCSetType");
          check_petsc(PCFieldSplitSetIS(pc, "elim", eliminated_set),
                      "PCFieldSplitSetIS");
          check_petsc(PCFieldSplitSetIS(pc, "kept", kept_set),
                      "PCFieldSplitSetIS");
          check_petsc(PCFieldSplitSetType(pc, PC_COMPOSITE_SCHUR),
                      "PCFieldSplitSetType");
          check_petsc(
            PCFieldSplitSetSchurFactType(pc, PC_FIELDSPLIT_SCHUR_FACT_FULL),
            "PCFieldSplitSetSchurFactType");
          check_petsc(PCFieldSplitSetSchurPre(pc,
                                              PC_FIELDSPLIT_SCHUR_PRE_SELFP,
                                              nullptr),
                      "PCFieldSplitSetSchurPre");
          check_petsc(KSPSetTolerances(ksp,
                                       tolerance,
                                       1e-300,
                                       PETSC_DEFAULT,
                                       max_iterations),
                      "KSPSetTolerances");
          check_petsc(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        }
      check_petsc(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
      check_petsc(KSPSetUp(ksp), "KSPSetUp (Schur split)");
      built_from = version;
      ready      = true;
    }


    unsigned int
    SchurSplitSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            dealii::PETScWrappers::MPI::Vector             &x,
                            const dealii::PETScWrappers::MPI::Vector       &b)
    {
      try
        {
          setup(J);
          check_petsc(KSPSolve(ksp, b, x), "KSPSolve");
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
      return converged_iterations(ksp, "FGMRES with the Schur split");
    }
  } // namespace fem
} // namespace vitrum
