#include <deal.II/base/index_set.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/direct_solver.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

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

namespace
{
  /// An unsymmetric tridiagonal matrix (1D convection-diffusion) whose
  /// condition number grows with `stiffness`, and b = A x_exact.
  struct TestSystem
  {
    dealii::IndexSet                         all;
    dealii::PETScWrappers::MPI::SparseMatrix A;
    dealii::PETScWrappers::MPI::Vector       exact, b;

    TestSystem(const unsigned int n, const double stiffness)
        : all(n)
    {
      const MPI_Comm comm = MPI_COMM_SELF;
      all.add_range(0, n);
      dealii::DynamicSparsityPattern pattern(n, n);
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = (i > 0 ? i - 1 : 0); j < std::min(n, i + 2); ++j)
          pattern.add(i, j);
      A.reinit(all, all, pattern, comm);
      fill(stiffness, 0.3);
      exact.reinit(all, comm);
      b.reinit(all, comm);
      for (unsigned int i = 0; i < n; ++i)
        exact(i) = std::sin(0.1 * i) + 0.01 * i;
      exact.compress(dealii::VectorOperation::insert);
      A.vmult(b, exact);
    }

    void
    fill(const double stiffness, const double convection)
    {
      A                    = 0;
      const unsigned int n = all.size();
      for (unsigned int i = 0; i < n; ++i)
        {
          A.set(i, i, 1 + 2 * stiffness);
          if (i > 0)
            A.set(i, i - 1, -stiffness - convection);
          if (i + 1 < n)
            A.set(i, i + 1, -stiffness + convection);
        }
      A.compress(dealii::VectorOperation::insert);
    }

    double
    relative_error(const dealii::PETScWrappers::MPI::Vector &x) const
    {
      dealii::PETScWrappers::MPI::Vector d(x);
      d -= exact;
      return d.l2_norm() / exact.l2_norm();
    }
  };


  /// Each package this build has (the others are skipped).
  class EveryPackage : public ::testing::TestWithParam<const char *>
  {
  protected:
    void
    SetUp() override
    {
      const auto available = vitrum::fem::available_direct_solvers();
      if (std::find(available.begin(), available.end(), GetParam())
          == available.end())
        GTEST_SKIP() << GetParam() << " is not in this build";
    }
  };
} // namespace


// Every package solves an unsymmetric system as accurately as double
// precision allows, also a badly conditioned one (single-precision factors
// are refined in double precision).
TEST_P(EveryPackage, SolvesToDoublePrecisionAccuracy)
{
  for (const double stiffness : {1.0, 1e6})
    {
      TestSystem                         system(400, stiffness);
      dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF);
      vitrum::fem::DirectSolver          solver(MPI_COMM_SELF, GetParam());
      solver.solve(system.A, x, system.b);
      EXPECT_LT(system.relative_error(x), stiffness > 1 ? 1e-8 : 1e-12)
        << "stiffness " << stiffness;
    }
}


// New entries in the same matrix are factorized again.
TEST_P(EveryPackage, RefactorizesChangedEntries)
{
  TestSystem                         system(50, 1.0);
  dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF);
  vitrum::fem::DirectSolver          solver(MPI_COMM_SELF, GetParam());
  solver.solve(system.A, x, system.b);
  EXPECT_LT(system.relative_error(x), 1e-12);

  system.fill(3.0, -0.2);
  system.A.vmult(system.b, system.exact);
  solver.solve(system.A, x, system.b);
  EXPECT_LT(system.relative_error(x), 1e-12);
  solver.solve(system.A, x, system.b); // same factors
  EXPECT_LT(system.relative_error(x), 1e-12);
}


// With factor reuse, a slightly changed matrix is solved to the tolerance by
// GMRES with the old factors, without a factorization; a matrix far from
// the factorized one, or a new matrix object, is factorized.
TEST_P(EveryPackage, ReusesFactorsOfAnEarlierMatrix)
{
  TestSystem                         system(200, 10.0);
  dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF);
  vitrum::fem::SolverParameters      prm;
  prm.direct_solver           = GetParam();
  prm.factor_reuse_iterations = 12;
  prm.factor_reuse_tolerance  = 1e-10;
  vitrum::fem::DirectSolver solver(MPI_COMM_SELF, prm);
  solver.solve(system.A, x, system.b);
  EXPECT_EQ(solver.factorizations(), 1u);

  system.fill(10.5, 0.25); // 5 % stiffer
  system.A.vmult(system.b, system.exact);
  solver.solve(system.A, x, system.b);
  EXPECT_EQ(solver.factorizations(), 1u);
  EXPECT_GT(solver.reuse_iterations(), 0u);
  EXPECT_LE(solver.reuse_iterations(), 6u);
  // Single-precision factors apply with single-precision rounding.
  const bool single = std::string(GetParam()) == "MUMPS single precision";
  EXPECT_LT(system.relative_error(x), single ? 1e-6 : 1e-9);

  system.fill(1000.0, -5.0); // far away: GMRES gives up, LU
  system.A.vmult(system.b, system.exact);
  solver.solve(system.A, x, system.b);
  EXPECT_EQ(solver.factorizations(), 2u);
  EXPECT_LT(system.relative_error(x), 1e-12);

  TestSystem other(200, 10.0); // another matrix object: always LU
  solver.solve(other.A, x, other.b);
  EXPECT_EQ(solver.factorizations(), 3u);
  EXPECT_LT(other.relative_error(x), 1e-12);
}


// A Newton method that meets a singular Jacobian retries with a shorter
// step, and so a new matrix: the failed factorization must not make that one
// fail too (PETSc's MUMPS interface skipped every later factorization).
TEST_P(EveryPackage, RecoversAfterASingularMatrix)
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

  vitrum::fem::DirectSolver solver(comm, GetParam());
  set_diagonal(A, {1, 0, 1});
  EXPECT_THROW(solver.solve(A, x, b), vitrum::SolverError);

  set_diagonal(A, {2, 4, 8});
  ASSERT_NO_THROW(solver.solve(A, x, b));
  EXPECT_DOUBLE_EQ(x(0), 0.5);
  EXPECT_DOUBLE_EQ(x(1), 0.25);
  EXPECT_DOUBLE_EQ(x(2), 0.125);
}


INSTANTIATE_TEST_SUITE_P(DirectSolver,
                         EveryPackage,
                         ::testing::Values("PETSc MUMPS",
                                           "MUMPS",
                                           "MUMPS single precision"));


// A package this build lacks is refused with one message naming the entry
// and the packages it has.
TEST(DirectSolverChoice, UnavailablePackageNamesEntryAndChoices)
{
  const auto available = vitrum::fem::available_direct_solvers();
#ifdef VITRUM_WITH_MUMPS
  EXPECT_NE(std::find(available.begin(), available.end(), "MUMPS"),
            available.end());
#else
  EXPECT_EQ(std::find(available.begin(), available.end(), "MUMPS"),
            available.end());
#endif
  for (const char *package : {"SuperLU", "MUMPS", "MUMPS single precision"})
    {
      if (std::find(available.begin(), available.end(), package)
          != available.end())
        continue;
      try
        {
          vitrum::fem::DirectSolver solver(MPI_COMM_SELF, package);
          ADD_FAILURE() << package << " was accepted";
        }
      catch (const vitrum::InputError &e)
        {
          const std::string message = e.what();
          EXPECT_NE(message.find("Solver/Direct solver"), std::string::npos)
            << message;
          EXPECT_NE(message.find(package), std::string::npos) << message;
          for (const auto &choice : available)
            EXPECT_NE(message.find(choice), std::string::npos) << message;
        }
    }
}
