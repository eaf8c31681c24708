#ifndef vitrum_fem_direct_solver_h
#define vitrum_fem_direct_solver_h

#include <deal.II/base/parameter_handler.h>

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/fem/mumps_solver.h>

#include <petscksp.h>

#include <memory>
#include <string>

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

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };


    /**
     * Parallel sparse LU (MUMPS through PETSc). It factorizes a matrix only
     * when its entries changed since the last solve (PETSc tracks this) and
     * keeps the symbolic factorization while the sparsity pattern stays
     * the same, so a Newton method that keeps its Jacobian for a few
     * iterations pays only for triangular solves.
     */
    class DirectSolver
    {
    public:
      /// `package` is SolverParameters::direct_solver.
      DirectSolver(MPI_Comm comm, const std::string &package = "PETSc MUMPS");
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

    private:
      MPI_Comm comm;
      KSP      ksp = nullptr;
      // Set when MUMPS is called directly rather than through PETSc.
      std::unique_ptr<MumpsSolver> mumps;
      bool                         factorized       = false;
      PetscObjectId                factorized_id    = 0;
      PetscObjectState             factorized_state = 0;
    };
  } // namespace fem
} // namespace vitrum

#endif
