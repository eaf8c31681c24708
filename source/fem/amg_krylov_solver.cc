#include <vitrum/base/exceptions.h>
#include <vitrum/fem/amg_krylov_solver.h>

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
    } // namespace


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
      // PETSc object ids are never reused; the state counts changes of the
      // entries.
      const Mat       &mat = A;
      PetscObjectId    id;
      PetscObjectState state;
      PetscObjectGetId(reinterpret_cast<PetscObject>(mat), &id);
      PetscObjectStateGet(reinterpret_cast<PetscObject>(mat), &state);
      if (ready && id != matrix_id)
        reset();
      ++n_solves;
      PetscInt iterations = 0;
      try
        {
          if (ksp == nullptr)
            {
              PC amg;
              check(KSPCreate(comm, &ksp), "KSPCreate");
              check(KSPSetType(ksp, KSPGMRES), "KSPSetType");
              check(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
              check(KSPSetPCSide(ksp, PC_RIGHT), "KSPSetPCSide");
              check(KSPGetPC(ksp, &amg), "KSPGetPC");
              check(PCSetType(amg, PCHYPRE), "PCSetType");
              check(PCHYPRESetType(amg, "boomeramg"), "PCHYPRESetType");
              check(KSPSetTolerances(ksp,
                                     tolerance,
                                     1e-300,
                                     PETSC_DEFAULT,
                                     PetscInt(max_iterations)),
                    "KSPSetTolerances");
              check(KSPSetOptionsPrefix(ksp, "vitrum_amg_"), "prefix");
              check(KSPSetFromOptions(ksp), "KSPSetFromOptions");
            }
          if (!ready || state != matrix_state)
            {
              check(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
              check(KSPSetUp(ksp), "BoomerAMG setup");
              ++n_setups;
              matrix_id    = id;
              matrix_state = state;
              ready        = true;
            }
          check(KSPSolve(ksp, b, x), "KSPSolve");
          check(KSPGetIterationNumber(ksp, &iterations),
                "KSPGetIterationNumber");
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
      n_iterations += iterations;
      KSPConvergedReason reason;
      check(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
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
