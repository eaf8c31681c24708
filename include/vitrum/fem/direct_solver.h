#ifndef vitrum_fem_direct_solver_h
#define vitrum_fem_direct_solver_h

#include <deal.II/base/parameter_handler.h>

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/fem/mumps_solver.h>

#include <vitrum/fem/petsc_check.h>

#include <petscksp.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * Newton solver settings (subsection "Solver").
     */
    struct SolverParameters
    {
      double       newton_tolerance          = 1e-6;
      unsigned int maximum_newton_iterations = 10;
      /// "PETSc MUMPS", "MUMPS" or "MUMPS single precision".
      std::string direct_solver = "PETSc MUMPS";
      /// "automatic" (the model's choice per mesh), "direct" (sparse LU)
      /// or "iterative" (FGMRES with the model's block preconditioner).
      std::string linear_solver = "automatic";
      /// Relative residual reduction the iterative solver must reach.
      double linear_tolerance = 1e-10;
      /// Iterations after which it gives up (and the step is retried).
      unsigned int maximum_linear_iterations = 200;
      /// Ratio of a multigrid factor's weight to the one its hierarchy was
      /// built for within which the hierarchy is kept (1: never kept).
      double multigrid_reuse_ratio = 2;
      /// GMRES iterations allowed with the factors of an earlier matrix
      /// before a changed matrix is factorized (0: always factorize).
      unsigned int factor_reuse_iterations = 0;
      /// Relative accuracy of the solution those iterations must reach.
      double factor_reuse_tolerance = 1e-10;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };


    /// The Solver/Direct solver packages this build provides (PETSc MUMPS
    /// if PETSc has MUMPS; MUMPS and MUMPS single precision if vitrum was
    /// built with VITRUM_WITH_MUMPS).
    std::vector<std::string>
    available_direct_solvers();

    /// Throws InputError naming Solver/Direct solver and the available
    /// choices unless `package` is one of them.
    void
    check_direct_solver(const std::string &package);


    /**
     * Parallel sparse LU (MUMPS through PETSc, or directly). It factorizes a
     * matrix only when its entries changed since the last solve (PETSc
     * tracks this) and keeps the symbolic factorization while the sparsity
     * pattern stays the same, so a Newton method that keeps its Jacobian
     * for a few iterations pays only for triangular solves.
     *
     * With factor reuse on, a matrix whose entries changed but which is
     * still the same matrix object (the same mesh) is first solved by GMRES
     * preconditioned with the factors of the earlier matrix: from one time
     * step to the next the matrix changes little, and a few triangular
     * solves cost less than a factorization. Only if GMRES does not reach
     * the tolerance within the allowed iterations is the matrix factorized.
     */
    class DirectSolver
    {
    public:
      /// `package` is SolverParameters::direct_solver; factor reuse off.
      /// Throws InputError if this build lacks it.
      DirectSolver(MPI_Comm comm, const std::string &package = "PETSc MUMPS");
      /// Package and factor reuse as in `prm`.
      DirectSolver(MPI_Comm comm, const SolverParameters &prm);
      ~DirectSolver();
      DirectSolver(const DirectSolver &) = delete;
      DirectSolver &
      operator=(const DirectSolver &)
        = delete;

      /// Forget the factorization: call when the matrix was re-created.
      void
      reset();

      /// Solve A x = b. Throws SolverError if the factorization fails (a
      /// singular or non-finite A) and then forgets it, so that the next
      /// call factorizes afresh.
      void
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b);

      /// LU factorizations so far.
      unsigned int
      factorizations() const
      {
        return n_factorizations;
      }
      /// GMRES iterations with earlier factors so far.
      unsigned int
      reuse_iterations() const
      {
        return n_reuse_iterations;
      }

    private:
      /// Factorize A and solve.
      void
      factorize_and_solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                          dealii::PETScWrappers::MPI::Vector             &x,
                          const dealii::PETScWrappers::MPI::Vector       &b);
      /// Solve with the factors as they are (of this or an earlier matrix).
      void
      apply_factors(dealii::PETScWrappers::MPI::Vector       &x,
                    const dealii::PETScWrappers::MPI::Vector &b);
      /// GMRES on A preconditioned with the current (older) factors;
      /// false if it did not converge within the allowed iterations.
      bool
      solve_with_old_factors(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                             dealii::PETScWrappers::MPI::Vector             &x,
                             const dealii::PETScWrappers::MPI::Vector       &b);

      MPI_Comm     comm;
      unsigned int max_reuse_iterations = 0;
      double       reuse_tolerance      = 1e-10;
      // The last GMRES needed more than half its iterations: factorize the
      // next changed matrix at once.
      bool         factorize_next     = false;
      unsigned int n_factorizations   = 0;
      unsigned int n_reuse_iterations = 0;
      KSP          ksp                = nullptr;
      // Set when MUMPS is called directly rather than through PETSc.
      std::unique_ptr<MumpsSolver> mumps;
      bool                         factorized = false;
      MatrixVersion                factorized_from;
    };
  } // namespace fem
} // namespace vitrum

#endif
