#include <deal.II/base/mpi.h>

#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/direct_solver.h>
#include <vitrum/fem/petsc_check.h>


#include <cmath>
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
        "ordering; settings through PETSC_OPTIONS); the same numbers from "
        "run to run. MUMPS: MUMPS called directly with METIS' "
        "nested-dissection ordering (on PFHub 1a 11 % faster than through "
        "PETSc, less memory; for partitioning and deposition with the "
        "node-local terms' neighbours left out of the matrix, 19 % fewer "
        "operations per LU in the default job); on more than one rank "
        "MUMPS' dynamic scheduling changes the last digits from run to run "
        "(1e-15 relative). MUMPS single precision: "
        "the same with single-precision factors (20 % less memory), each "
        "solve refined in double precision to the same accuracy; a matrix "
        "too ill-conditioned for that is factorized again in double.");
      prm.declare_entry(
        "Linear solver",
        "automatic",
        dealii::Patterns::Selection("automatic|direct|iterative"),
        "How each Newton update is solved. automatic: on each mesh the "
        "iterative solver where it was measured as fast as the LU or "
        "faster "
        "(Cahn-Hilliard from 5e4 unknowns, partitioning in 3D from 5e4) or "
        "where the build has no direct solver, else the LU; the "
        "crystallization field keeps its Jacobi-preconditioned Krylov "
        "solve. direct: sparse LU (Direct solver); the crystallization "
        "field has no LU and keeps its Jacobi-preconditioned CG/GMRES. "
        "iterative: Krylov iterations "
        "preconditioned by algebraic multigrid, whose cost grows about "
        "linearly with the number of unknowns: FGMRES with a block "
        "factorization for Cahn-Hilliard, GMRES with one BoomerAMG V-cycle "
        "for the crystallization field (phase field), FGMRES with the "
        "potentials eliminated and BoomerAMG on the Schur complement for "
        "partitioning (its iterations grow with the time step).");
      prm.declare_entry("Linear tolerance",
                        "1e-10",
                        dealii::Patterns::Double(1e-16, 1e-2),
                        "Iterative solver: the relative reduction of the "
                        "residual (2-norm) it must reach. Small enough that "
                        "the runs are those of the direct solver (and mass "
                        "is kept to it).");
      prm.declare_entry("Maximum linear iterations",
                        "200",
                        dealii::Patterns::Integer(1, 10000),
                        "Iterative solver: a solve that has not converged "
                        "after this many iterations fails, and the step is "
                        "retried with a shorter time step.");
      prm.declare_entry(
        "Multigrid reuse ratio",
        "2",
        dealii::Patterns::Double(1, 100),
        "Iterative Cahn-Hilliard solver: a factor's BoomerAMG hierarchy is "
        "kept on the same mesh while the factor's weight (which follows the "
        "time step) stays within this ratio of the one it was built for. 1: "
        "a new hierarchy at every change of the time step. PFHub 1a to t = "
        "30: 2 (and 1.5, 3) took 20 % less time in the linear solves than 1, "
        "with 0.1 more FGMRES iterations per solve.");
      prm.declare_entry(
        "Factor reuse iterations",
        "0",
        dealii::Patterns::Integer(0, 100),
        "0: every matrix whose entries changed is factorized. N > 0: a "
        "changed matrix on the same mesh is first solved by GMRES "
        "preconditioned with the factors of the last factorized matrix, for "
        "at most N iterations; it is factorized only if that does not reach "
        "Factor reuse tolerance, and the next one also if it needed more "
        "than N/2. Pays off when a factorization costs more than N "
        "triangular solves and the matrix changes little from step to "
        "step.");
      prm.declare_entry("Factor reuse tolerance",
                        "1e-10",
                        dealii::Patterns::Double(1e-16, 1e-2),
                        "Relative accuracy of the solution that GMRES with "
                        "earlier factors must reach (it reduces the "
                        "preconditioned residual, which estimates the error, "
                        "by this factor). For a linearly implicit step the "
                        "solution is the change over the step, and 1e-4 of it "
                        "is far below the time error; the Krylov vectors keep "
                        "conserved quantities exactly. Single-precision "
                        "factors give no better than about 1e-7.");
      prm.leave_subsection();
    }


    void
    SolverParameters::parse_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Solver");
      newton_tolerance          = prm.get_double("Newton tolerance");
      maximum_newton_iterations = prm.get_integer("Maximum Newton iterations");
      direct_solver             = prm.get("Direct solver");
      factor_reuse_iterations   = prm.get_integer("Factor reuse iterations");
      factor_reuse_tolerance    = prm.get_double("Factor reuse tolerance");
      linear_solver             = prm.get("Linear solver");
      linear_tolerance          = prm.get_double("Linear tolerance");
      maximum_linear_iterations = prm.get_integer("Maximum linear iterations");
      multigrid_reuse_ratio     = prm.get_double("Multigrid reuse ratio");
      prm.leave_subsection();
      if (!(newton_tolerance > 0))
        throw InputError("Solver/Newton tolerance: must be > 0");
      // automatic falls back on the iterative solver only in a build
      // without any direct solver; a package it lacks is an error.
      if (linear_solver == "direct"
          || (linear_solver == "automatic"
              && !available_direct_solvers().empty()))
        check_direct_solver(direct_solver);
    }


    std::vector<std::string>
    available_direct_solvers()
    {
      std::vector<std::string> packages;
#ifdef PETSC_HAVE_MUMPS
      packages.emplace_back("PETSc MUMPS");
#endif
#ifdef VITRUM_WITH_MUMPS
      packages.emplace_back("MUMPS");
      packages.emplace_back("MUMPS single precision");
#endif
      return packages;
    }


    void
    check_direct_solver(const std::string &package)
    {
      const auto available = available_direct_solvers();
      for (const auto &p : available)
        if (p == package)
          return;
      std::string choices;
      for (const auto &p : available)
        choices += (choices.empty() ? "" : ", ") + p;
      throw InputError(
        "Solver/Direct solver: '" + package
        + "' is not available in this build; "
        + (available.empty()
             ? "it has no direct solver (PETSc without MUMPS, vitrum built "
               "without VITRUM_WITH_MUMPS): use Solver/Linear solver = "
               "iterative"
             : "choose one of: " + choices));
    }


    DirectSolver::DirectSolver(MPI_Comm comm, const std::string &package)
        : comm(comm)
    {
      check_direct_solver(package);
      if (package == "MUMPS")
        mumps = std::make_unique<MumpsSolver>(comm,
                                              MumpsSolver::Precision::double_);
      else if (package == "MUMPS single precision")
        mumps
          = std::make_unique<MumpsSolver>(comm, MumpsSolver::Precision::single);
    }


    DirectSolver::DirectSolver(MPI_Comm comm, const SolverParameters &prm)
        : DirectSolver(comm, prm.direct_solver)
    {
      max_reuse_iterations = prm.factor_reuse_iterations;
      reuse_tolerance      = prm.factor_reuse_tolerance;
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
      factorized     = false;
      factorize_next = false;
    }


    void
    DirectSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                        dealii::PETScWrappers::MPI::Vector             &x,
                        const dealii::PETScWrappers::MPI::Vector       &b)
    {
      const MatrixVersion version = matrix_version(A);
      const bool same_matrix = factorized && version.id == factorized_from.id;
      if (same_matrix && version.state == factorized_from.state)
        {
          if (mumps)
            mumps->solve(A, x, b); // refines single-precision factors
          else
            apply_factors(x, b);
        }
      else if (!(same_matrix && max_reuse_iterations > 0 && !factorize_next
                 && solve_with_old_factors(A, x, b)))
        {
          factorize_and_solve(A, x, b);
          factorized_from = version;
        }
    }


    bool
    DirectSolver::solve_with_old_factors(
      const dealii::PETScWrappers::MPI::SparseMatrix &A,
      dealii::PETScWrappers::MPI::Vector             &x,
      const dealii::PETScWrappers::MPI::Vector       &b)
    {
      struct OldFactors
      {
        DirectSolver &solver;
        void
        vmult(dealii::PETScWrappers::MPI::Vector       &dst,
              const dealii::PETScWrappers::MPI::Vector &src) const
        {
          solver.apply_factors(dst, src);
        }
      };
      // Left preconditioning: with factors close to A, the preconditioned
      // residual is about the error of x, so the reduction asked for is the
      // relative accuracy of the solution. No restart within the allowed
      // iterations.
      dealii::ReductionControl control(max_reuse_iterations,
                                       0.0,
                                       reuse_tolerance,
                                       false,
                                       false);
      dealii::SolverGMRES<dealii::PETScWrappers::MPI::Vector>::AdditionalData
        gmres_data(max_reuse_iterations + 2);
      dealii::SolverGMRES<dealii::PETScWrappers::MPI::Vector> gmres(control,
                                                                    gmres_data);
      x              = 0;
      bool converged = true;
      try
        {
          gmres.solve(A, x, b, OldFactors{*this});
        }
      catch (const dealii::SolverControl::NoConvergence &)
        {
          converged = false;
        }
      n_reuse_iterations += control.last_step();
      factorize_next = 2 * control.last_step() > max_reuse_iterations;
      return converged && std::isfinite(x.l2_norm());
    }


    void
    DirectSolver::apply_factors(dealii::PETScWrappers::MPI::Vector       &x,
                                const dealii::PETScWrappers::MPI::Vector &b)
    {
      if (mumps)
        {
          mumps->apply_factors(b, x);
          return;
        }
      // Without this PETSc would factorize the changed matrix first.
      check_petsc(KSPSetReusePreconditioner(ksp, PETSC_TRUE),
                  "KSPSetReusePreconditioner");
      check_petsc(KSPSolve(ksp, b, x), "KSPSolve");
      check_petsc(KSPSetReusePreconditioner(ksp, PETSC_FALSE),
                  "KSPSetReusePreconditioner");
    }


    void
    DirectSolver::factorize_and_solve(
      const dealii::PETScWrappers::MPI::SparseMatrix &A,
      dealii::PETScWrappers::MPI::Vector             &x,
      const dealii::PETScWrappers::MPI::Vector       &b)
    {
      factorized     = false;
      factorize_next = false;
      ++n_factorizations;
      if (mumps)
        {
          mumps->factorize(A);
          factorized = true;
          mumps->solve(A, x, b);
          return;
        }
      const Mat &mat = A;
      if (ksp == nullptr)
        {
          PC pc;
          check_petsc(KSPCreate(comm, &ksp), "KSPCreate");
          check_petsc(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
          check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
          check_petsc(PCSetType(pc, PCLU), "PCSetType");
          check_petsc(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
                      "PCFactorSetMatSolverType");
          // A failed factorization comes back as a negative converged
          // reason (checked below), not as a PETSc error and its traceback:
          // Newton retries with a shorter step, an expected event.
          // Expert users may pick another package or MUMPS settings through
          // PETSC_OPTIONS, e.g. "-pc_factor_mat_solver_type superlu_dist".
          check_petsc(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        }
      // PETSc refactors only if the entries of A changed since the last
      // factorization, and redoes the symbolic part only if its pattern did.
      KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
      try
        {
          check_petsc(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
          check_petsc(KSPSolve(ksp, b, x), "KSPSolve");
          check_petsc(KSPGetConvergedReason(ksp, &reason),
                      "KSPGetConvergedReason");
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
      factorized = true;
    }
  } // namespace fem
} // namespace vitrum
