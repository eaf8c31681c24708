#include <deal.II/base/mpi.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/direct_solver.h>

#include <petsc/private/petscimpl.h> // PetscObjectStateGet

#include <string>

namespace vitrum
{
  namespace fem
  {
    void
    SolverParameters::declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Solver");
      prm.declare_entry("Newton tolerance",
                        "1e-6",
                        dealii::Patterns::Double(0),
                        "Newton stops when the largest change of any nodal "
                        "value in one iteration, or the error left as "
                        "estimated from the rate of contraction, is below "
                        "this (units of the fields).");
      prm.declare_entry("Maximum Newton iterations",
                        "10",
                        dealii::Patterns::Integer(1, 100),
                        "A step whose Newton iteration has not converged "
                        "after this many iterations is retried with a "
                        "quarter of the step size.");
      prm.declare_entry(
        "Direct solver",
        "PETSc MUMPS",
        dealii::Patterns::Selection("PETSc MUMPS|MUMPS|MUMPS single precision"),
        "Sparse LU package. PETSc MUMPS: MUMPS through PETSc (its own "
        "ordering; settings through PETSC_OPTIONS). MUMPS: MUMPS called "
        "directly with METIS' nested-dissection ordering (on PFHub 1a 11 % "
        "faster than through PETSc, less memory). MUMPS single precision: "
        "the same with single-precision factors (20 % less memory), each "
        "solve refined in double precision to the same accuracy; a matrix "
        "too ill-conditioned for that is factorized again in double.");
      prm.leave_subsection();
    }


    void
    SolverParameters::parse_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Solver");
      newton_tolerance          = prm.get_double("Newton tolerance");
      maximum_newton_iterations = prm.get_integer("Maximum Newton iterations");
      direct_solver             = prm.get("Direct solver");
      prm.leave_subsection();
      if (!(newton_tolerance > 0))
        throw InputError("Solver/Newton tolerance: must be > 0");
    }


    namespace
    {
      void
      check(const PetscErrorCode code, const char *what)
      {
        if (code != 0)
          throw SolverError(std::string("PETSc/MUMPS failed in ") + what
                            + " (error code " + std::to_string(code) + ")");
      }
    } // namespace


    DirectSolver::DirectSolver(MPI_Comm comm, const std::string &package)
        : comm(comm)
    {
      if (package == "MUMPS")
        mumps = std::make_unique<MumpsSolver>(comm,
                                              MumpsSolver::Precision::double_);
      else if (package == "MUMPS single precision")
        mumps
          = std::make_unique<MumpsSolver>(comm, MumpsSolver::Precision::single);
    }


    DirectSolver::~DirectSolver()
    {
      reset();
    }


    void
    DirectSolver::reset()
    {
      if (ksp != nullptr)
        KSPDestroy(&ksp);
      ksp = nullptr;
      if (mumps)
        mumps->reset();
      factorized = false;
    }


    void
    DirectSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                        dealii::PETScWrappers::MPI::Vector             &x,
                        const dealii::PETScWrappers::MPI::Vector       &b)
    {
      const Mat &mat = A;
      if (mumps)
        {
          // Factorize only when the entries changed since the last solve.
          // (PETSc object ids are never reused; the state counts changes.)
          PetscObjectId    matrix_id;
          PetscObjectState state;
          PetscObjectGetId(reinterpret_cast<PetscObject>(mat), &matrix_id);
          PetscObjectStateGet(reinterpret_cast<PetscObject>(mat), &state);
          if (!factorized || matrix_id != factorized_id
              || state != factorized_state)
            {
              factorized = false;
              mumps->factorize(A);
              factorized       = true;
              factorized_id    = matrix_id;
              factorized_state = state;
            }
          mumps->solve(A, x, b);
          return;
        }
      if (ksp == nullptr)
        {
          PC pc;
          check(KSPCreate(comm, &ksp), "KSPCreate");
          check(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
          check(KSPGetPC(ksp, &pc), "KSPGetPC");
          check(PCSetType(pc, PCLU), "PCSetType");
          check(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
                "PCFactorSetMatSolverType");
          // A failed factorization comes back as a negative converged
          // reason (checked below), not as a PETSc error and its traceback:
          // Newton retries with a shorter step, an expected event.
          // Expert users may pick another package or MUMPS settings through
          // PETSC_OPTIONS, e.g. "-pc_factor_mat_solver_type superlu_dist".
          check(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        }
      // PETSc refactors only if the entries of A changed since the last
      // factorization, and redoes the symbolic part only if its pattern did.
      KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
      try
        {
          check(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
          check(KSPSolve(ksp, b, x), "KSPSolve");
          check(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
      if (dealii::Utilities::MPI::min(int(reason), comm) < 0)
        {
          // A failed factorization must not outlive this call: PETSc's
          // MUMPS interface keeps MUMPS' error code (INFOG(1) < 0) and then
          // skips the numeric factorization of every later matrix, so each
          // retry with a smaller step would fail as well.
          reset();
          throw SolverError("the LU factorization failed (singular or "
                            "non-finite matrix; KSP reason "
                            + std::to_string(int(reason)) + ")");
        }
    }
  } // namespace fem
} // namespace vitrum
