#include <vitrum/base/exceptions.h>
#include <vitrum/fem/amg_krylov_solver.h>
#include <vitrum/fem/petsc_check.h>

#include <string>

namespace vitrum
{
  namespace fem
  {
    AmgKrylovSolver::AmgKrylovSolver(MPI_Comm           comm,
                                     const double       tolerance,
                                     const unsigned int max_iterations)
        : comm(comm)
        , tolerance(tolerance)
        , max_iterations(max_iterations)
    {
    }


    AmgKrylovSolver::~AmgKrylovSolver()
    {
      reset();
    }


    void
    AmgKrylovSolver::reset()
    {
      if (ksp != nullptr)
        KSPDestroy(&ksp);
      ksp   = nullptr;
      ready = false;
    }


    unsigned int
    AmgKrylovSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                           dealii::PETScWrappers::MPI::Vector             &x,
                           const dealii::PETScWrappers::MPI::Vector       &b)
    {
      const Mat          &mat     = A;
      const MatrixVersion version = matrix_version(mat);
      if (ready && version.id != built_from.id)
        reset();
      ++n_solves;
      PetscInt iterations = 0;
      try
        {
          if (ksp == nullptr)
            {
              PC amg;
              check_petsc(KSPCreate(comm, &ksp), "KSPCreate");
              check_petsc(KSPSetType(ksp, KSPGMRES), "KSPSetType");
              check_petsc(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
              check_petsc(KSPSetPCSide(ksp, PC_RIGHT), "KSPSetPCSide");
              check_petsc(KSPGetPC(ksp, &amg), "KSPGetPC");
              check_petsc(PCSetType(amg, PCHYPRE), "PCSetType");
              check_petsc(PCHYPRESetType(amg, "boomeramg"), "PCHYPRESetType");
              check_petsc(KSPSetTolerances(ksp,
                                           tolerance,
                                           1e-300,
                                           PETSC_DEFAULT,
                                           PetscInt(max_iterations)),
                          "KSPSetTolerances");
              check_petsc(KSPSetOptionsPrefix(ksp, "vitrum_amg_"), "prefix");
              check_petsc(KSPSetFromOptions(ksp), "KSPSetFromOptions");
            }
          if (!ready || version.state != built_from.state)
            {
              check_petsc(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
              check_petsc(KSPSetUp(ksp), "BoomerAMG setup");
              ++n_setups;
              built_from = version;
              ready      = true;
            }
          check_petsc(KSPSolve(ksp, b, x), "KSPSolve");
          check_petsc(KSPGetIterationNumber(ksp, &iterations),
                      "KSPGetIterationNumber");
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
      n_iterations += iterations;
      KSPConvergedReason reason;
      check_petsc(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
      if (reason < 0)
        {
          reset();
          throw SolverError("AMG-preconditioned GMRES did not converge (KSP "
                            "reason "
                            + std::to_string(int(reason)) + " after "
                            + std::to_string(iterations) + " iterations)");
        }
      return iterations;
    }
  } // namespace fem
} // namespace vitrum
