#ifndef vitrum_fem_mumps_solver_h
#define vitrum_fem_mumps_solver_h

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <memory>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    namespace internal
    {
      class MumpsFactors;
    }

    /**
     * Sparse LU by MUMPS, called directly rather than through PETSc: with
     * METIS' ordering (PETSc's MUMPS has only PORD here) and optionally
     * with the factors in single precision. Single-precision solutions are
     * refined in double precision (residuals with the double-precision
     * matrix) until they are as accurate as a double LU would give; if the
     * refinement stalls, the matrix is factorized again in double
     * precision. On 2D systems of 10^5 unknowns the saving in the
     * factorization is about what the extra refinement solve costs; the
     * factors take half the memory.
     *
     * The symbolic analysis is redone only when the sparsity pattern
     * changes (after a remesh), which is detected by comparing patterns.
     * The fill-reducing ordering is METIS' nested dissection of the
     * matrix graph, computed on rank 0.
     */
    class MumpsSolver
    {
    public:
      enum class Precision
      {
        single,
        double_
      };

      MumpsSolver(MPI_Comm comm, Precision precision);
      ~MumpsSolver();
      MumpsSolver(const MumpsSolver &) = delete;
      MumpsSolver &
      operator=(const MumpsSolver &)
        = delete;

      /// Factorize A. Throws SolverError if it is singular or not finite.
      void
      factorize(const dealii::PETScWrappers::MPI::SparseMatrix &A);

      /// Solve A x = b with the last factors.
      void
      solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
            dealii::PETScWrappers::MPI::Vector             &x,
            const dealii::PETScWrappers::MPI::Vector       &b);

      /// x = the last factors applied to b, without refinement (as a
      /// preconditioner for a matrix close to the factorized one).
      void
      apply_factors(const dealii::PETScWrappers::MPI::Vector &b,
                    dealii::PETScWrappers::MPI::Vector       &x) const;

      /// Forget factors and analysis.
      void
      reset();

    private:
      /// Create and analyse the factors of the current precision if
      /// needed, and factorize `values` (forgetting everything on failure).
      void
      factorize_active(int n);
      void
      read_matrix(const dealii::PETScWrappers::MPI::SparseMatrix &A);
      std::vector<double>
      gather(const dealii::PETScWrappers::MPI::Vector &v) const;
      void
      scatter(const std::vector<double>          &global,
              dealii::PETScWrappers::MPI::Vector &v) const;

      MPI_Comm                                comm;
      Precision                               precision;
      std::unique_ptr<internal::MumpsFactors> factors;
      std::unique_ptr<internal::MumpsFactors> double_factors;
      // The matrix in MUMPS' distributed coordinate format (1-based).
      std::vector<int>    rows, columns;
      std::vector<double> values;
      // Pivot position of each unknown (rank 0; empty: MUMPS chooses).
      std::vector<int> ordering;
      bool             pattern_changed = true;
      bool             use_double      = false;
      /// VITRUM_MUMPS_VERBOSE is set: print the refinement residuals.
      bool verbose;
    };
  } // namespace fem
} // namespace vitrum

#endif
