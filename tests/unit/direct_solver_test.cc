#include <deal.II/base/index_set.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/direct_solver.h>

#include <gtest/gtest.h>

namespace
{
  constexpr unsigned int size = 3;

  /// A diagonal matrix with the given entries, on one rank.
  void
  set_diagonal(dealii::PETScWrappers::MPI::SparseMatrix &A,
               const double (&diagonal)[size])
  {
    A = 0;
    for (unsigned int i = 0; i < size; ++i)
      A.set(i, i, diagonal[i]);
    A.compress(dealii::VectorOperation::insert);
  }
} // namespace

// A Newton method that meets a singular Jacobian retries with a shorter step,
// and so a new matrix: the failed factorization must not make that one fail
// too (PETSc's MUMPS interface skipped every later factorization).
TEST(DirectSolver, RecoversAfterASingularMatrix)
{
  const MPI_Comm   comm = MPI_COMM_SELF;
  dealii::IndexSet all(size);
  all.add_range(0, size);
  dealii::DynamicSparsityPattern pattern(size, size);
  for (unsigned int i = 0; i < size; ++i)
    pattern.add(i, i);
  dealii::PETScWrappers::MPI::SparseMatrix A;
  A.reinit(all, all, pattern, comm);
  dealii::PETScWrappers::MPI::Vector b(all, comm), x(all, comm);
  b = 1;

  vitrum::fem::DirectSolver solver(comm);
  set_diagonal(A, {1, 0, 1});
  EXPECT_THROW(solver.solve(A, x, b), vitrum::SolverError);

  set_diagonal(A, {2, 4, 8});
  ASSERT_NO_THROW(solver.solve(A, x, b));
  EXPECT_DOUBLE_EQ(x(0), 0.5);
  EXPECT_DOUBLE_EQ(x(1), 0.25);
  EXPECT_DOUBLE_EQ(x(2), 0.125);
}
