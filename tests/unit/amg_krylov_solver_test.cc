#include <deal.II/base/index_set.h>
#include <deal.II/base/quadrature_lib.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>

#include <deal.II/numerics/matrix_creator.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/amg_krylov_solver.h>
#include <vitrum/fem/direct_solver.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <vector>

namespace
{
  /**
   * a M + K on a uniform Q1 mesh of the unit square with n x n cells (no
   * boundary conditions), and a right-hand side: the Jacobian of an
   * Allen-Cahn step with a Laplace-dominated operator when a is small
   * (a = l^2 / (theta dt D) in the units of the field's step).
   */
  struct ReactionDiffusionSystem
  {
    dealii::IndexSet                         all;
    dealii::PETScWrappers::MPI::SparseMatrix A;
    dealii::PETScWrappers::MPI::Vector       b;

    ReactionDiffusionSystem(const unsigned int n, const double a)
    {
      dealii::Triangulation<2> mesh;
      dealii::GridGenerator::subdivided_hyper_cube(mesh, n);
      dealii::FE_Q<2>       fe(1);
      dealii::DoFHandler<2> dofs(mesh);
      dofs.distribute_dofs(fe);
      dealii::DynamicSparsityPattern dsp(dofs.n_dofs());
      dealii::DoFTools::make_sparsity_pattern(dofs, dsp);
      dealii::SparsityPattern pattern;
      pattern.copy_from(dsp);
      dealii::SparseMatrix<double> M(pattern), K(pattern);
      dealii::MatrixCreator::create_mass_matrix(dofs, dealii::QGauss<2>(2), M);
      dealii::MatrixCreator::create_laplace_matrix(dofs,
                                                   dealii::QGauss<2>(2),
                                                   K);
      all = dealii::complete_index_set(dofs.n_dofs());
      A.reinit(all, all, dsp, MPI_COMM_SELF);
      for (unsigned int i = 0; i < dofs.n_dofs(); ++i)
        for (auto it = pattern.begin(i); it != pattern.end(i); ++it)
          A.set(i,
                it->column(),
                a * M.el(i, it->column()) + K.el(i, it->column()));
      A.compress(dealii::VectorOperation::insert);
      b.reinit(all, MPI_COMM_SELF);
      for (unsigned int i = 0; i < dofs.n_dofs(); ++i)
        b(i) = std::sin(0.37 * i) + 0.1;
      b.compress(dealii::VectorOperation::insert);
    }
  };
} // namespace


// One BoomerAMG V-cycle per GMRES iteration: the LU solution to 1e-9 with a
// number of iterations that does not grow as h is halved twice, for a
// mass-dominated and a Laplace-dominated operator.
TEST(AmgKrylovSolver, SolvesLaplacePlusMassIndependentlyOfMesh)
{
  if (vitrum::fem::available_direct_solvers().empty())
    GTEST_SKIP() << "no direct solver to compare with";
  for (const double a : {1e4, 1.0})
    {
      std::vector<unsigned int> counts;
      for (const unsigned int n : {16u, 32u, 64u})
        {
          ReactionDiffusionSystem            system(n, a);
          dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF),
            exact(system.all, MPI_COMM_SELF);
          vitrum::fem::AmgKrylovSolver solver(MPI_COMM_SELF, 1e-12, 200);
          const unsigned int iterations = solver.solve(system.A, x, system.b);
          vitrum::fem::DirectSolver lu(
            MPI_COMM_SELF,
            vitrum::fem::available_direct_solvers().front());
          lu.solve(system.A, exact, system.b);
          x -= exact;
          const double error = x.l2_norm() / exact.l2_norm();
          std::cout << "a M + K, a = " << a << ", h = 1/" << n << ": "
                    << iterations << " GMRES iterations, relative "
                    << "difference from LU " << error << std::endl;
          EXPECT_LT(error, 1e-9) << "a " << a << ", n " << n;
          EXPECT_EQ(solver.iterations(), iterations);
          EXPECT_EQ(solver.setups(), 1u);
          counts.push_back(iterations);
        }
      // With a = 1e4, a M dominates on the coarse meshes (a h^2 >> 1),
      // where one V-cycle is a poorer approximation (10 iterations at h =
      // 1/16, 3 at 1/64): what matters is that refining adds (almost) none.
      for (unsigned int k = 1; k < counts.size(); ++k)
        EXPECT_LE(counts[k], counts[k - 1] + 2) << "a " << a << ", level " << k;
      EXPECT_LE(*std::max_element(counts.begin(), counts.end()), 20u)
        << "a " << a;
    }
}


// The hierarchy is kept while the matrix's entries stay, rebuilt when they
// change, and a matrix created anew is noticed.
TEST(AmgKrylovSolver, RebuildsTheHierarchyOnlyWhenTheMatrixChanged)
{
  ReactionDiffusionSystem            system(16, 1.0);
  dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF);
  vitrum::fem::AmgKrylovSolver       solver(MPI_COMM_SELF, 1e-10, 200);
  solver.solve(system.A, x, system.b);
  solver.solve(system.A, x, system.b);
  EXPECT_EQ(solver.setups(), 1u);
  system.A.add(0, 0, 1.0);
  system.A.compress(dealii::VectorOperation::add);
  solver.solve(system.A, x, system.b);
  EXPECT_EQ(solver.setups(), 2u);
  ReactionDiffusionSystem other(16, 2.0);
  solver.solve(other.A, x, other.b);
  EXPECT_EQ(solver.setups(), 3u);
  EXPECT_EQ(solver.solves(), 4u);
}


// A solve that cannot reach the tolerance fails with SolverError.
TEST(AmgKrylovSolver, FailsCleanlyWithinTheIterationLimit)
{
  ReactionDiffusionSystem            system(32, 1e-6);
  dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF);
  vitrum::fem::AmgKrylovSolver       solver(MPI_COMM_SELF, 1e-14, 1);
  EXPECT_THROW(solver.solve(system.A, x, system.b), vitrum::SolverError);
  EXPECT_EQ(solver.setups(), 1u);
}
