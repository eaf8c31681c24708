#include <deal.II/base/index_set.h>
#include <deal.II/base/quadrature_lib.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/fe/fe_q.h>

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/numerics/matrix_creator.h>

#include <vitrum/fem/block_solver.h>
#include <vitrum/fem/direct_solver.h>
#include <vitrum/fem/schur_split_solver.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

namespace
{
  /**
   * The Jacobian of a backward Euler Cahn-Hilliard step on a uniform Q1
   * mesh of the unit square with n x n cells, (c, mu) of node i at 2i and
   * 2i + 1 (as deal.II numbers an FESystem's unknowns):
   *   [ M           tau K ]
   *   [ -(N + kappa K)  M ],  N = f'' M with a constant f''.
   */
  struct CahnHilliardSystem
  {
    dealii::IndexSet                             all;
    dealii::PETScWrappers::MPI::SparseMatrix     J;
    dealii::PETScWrappers::MPI::Vector           b;
    std::vector<dealii::types::global_dof_index> c, mu;
    vitrum::fem::FactorWeights                   sigma;
    double                                       kappa, curvature;
    bool                                         lumped_mu_mass;
    bool                                         lumped_curvature;
    dealii::SparsityPattern                      pattern;
    dealii::SparseMatrix<double>                 M, K;

    CahnHilliardSystem(const unsigned int n,
                       const double       tau,
                       const double       kappa,
                       const double       curvature,
                       const bool         lumped_mu_mass   = false,
                       const bool         lumped_curvature = false)
        : kappa(kappa)
        , curvature(curvature)
        , lumped_mu_mass(lumped_mu_mass)
        , lumped_curvature(lumped_curvature)
    {
      dealii::Triangulation<2> mesh;
      dealii::GridGenerator::subdivided_hyper_cube(mesh, n);
      dealii::FE_Q<2>       fe(1);
      dealii::DoFHandler<2> dofs(mesh);
      dofs.distribute_dofs(fe);
      dealii::DynamicSparsityPattern scalar_pattern(dofs.n_dofs());
      dealii::DoFTools::make_sparsity_pattern(dofs, scalar_pattern);
      pattern.copy_from(scalar_pattern);
      M.reinit(pattern);
      K.reinit(pattern);
      dealii::MatrixCreator::create_mass_matrix(dofs, dealii::QGauss<2>(2), M);
      dealii::MatrixCreator::create_laplace_matrix(dofs,
                                                   dealii::QGauss<2>(2),
                                                   K);

      const unsigned int size = 2 * dofs.n_dofs();
      all.set_size(size);
      all.add_range(0, size);
      dealii::DynamicSparsityPattern block_pattern(size, size);
      for (unsigned int i = 0; i < dofs.n_dofs(); ++i)
        for (auto it = pattern.begin(i); it != pattern.end(i); ++it)
          for (unsigned int a = 0; a < 2; ++a)
            for (unsigned int b = 0; b < 2; ++b)
              block_pattern.add(2 * i + a, 2 * it->column() + b);
      J.reinit(all, all, block_pattern, MPI_COMM_SELF);
      set_step(tau);

      b.reinit(all, MPI_COMM_SELF);
      for (unsigned int i = 0; i < size; ++i)
        b(i) = std::sin(0.37 * i) + (i % 2 ? 0.0 : 0.1);
      b.compress(dealii::VectorOperation::insert);
      for (unsigned int i = 0; i < dofs.n_dofs(); ++i)
        {
          c.push_back(2 * i);
          mu.push_back(2 * i + 1);
        }
    }

    /// The entries of J and sigma for tau = dt Mobility (the same matrix
    /// object: the next step on the same mesh).
    void
    set_step(const double tau)
    {
      for (unsigned int i = 0; i < M.m(); ++i)
        for (auto it = pattern.begin(i); it != pattern.end(i); ++it)
          {
            const unsigned int j = it->column();
            const double       m = M.el(i, j), k = K.el(i, j);
            J.set(2 * i, 2 * j, m);
            J.set(2 * i, 2 * j + 1, tau * k);
            // (Vertex quadrature lumps the curvature's mass too.)
            const double curvature_mass
              = !lumped_curvature ? m : (i == j ? lumped(M, i) : 0.0);
            J.set(2 * i + 1, 2 * j, -(curvature * curvature_mass + kappa * k));
            if (!lumped_mu_mass)
              J.set(2 * i + 1, 2 * j + 1, m);
            else if (i == j)
              J.set(2 * i + 1, 2 * j + 1, lumped(M, i));
          }
      J.compress(dealii::VectorOperation::insert);
      // As CahnHilliard::block_preconditioner_weight with a0 = 1 (the bulk
      // curvature there is positive).
      const auto eps
        = vitrum::fem::schur_factor_weights(tau * std::max(curvature, 0.0),
                                            tau * kappa);
      sigma = {eps.first / tau, eps.second / tau};
    }

    static double
    lumped(const dealii::SparseMatrix<double> &M, const unsigned int i)
    {
      double sum = 0;
      for (auto it = M.begin(i); it != M.end(i); ++it)
        sum += it->value();
      return sum;
    }
  };


  /// FGMRES iterations and the relative difference from the LU solution.
  std::pair<unsigned int, double>
  solve(CahnHilliardSystem &system)
  {
    dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF),
      exact(system.all, MPI_COMM_SELF);
    vitrum::fem::MixedBlockSolver solver(MPI_COMM_SELF, 1e-10, 200);
    solver.set_fields(system.c, system.mu);
    const unsigned int iterations
      = solver.solve(system.J, x, system.b, system.sigma);
    vitrum::fem::DirectSolver lu(
      MPI_COMM_SELF,
      vitrum::fem::available_direct_solvers().front());
    lu.solve(system.J, exact, system.b);
    x -= exact;
    return {iterations, x.l2_norm() / exact.l2_norm()};
  }
} // namespace


// The block preconditioner makes FGMRES converge to the LU solution in a
// number of iterations that hardly depends on the mesh or the step: kappa =
// 1e-3 (on the unit square an interface of width 0.03); a convex f'' = 1
// with tau = dt Mobility from 1e-4 to 1e2, and a spinodal f'' = -0.5 with
// the steps that keep the backward Euler step stable (tau (f'')^2 / 4 kappa
// < 1, as the step control does). With f'' in the factors the convex steps
// are factored exactly up to the V-cycles (8-11 iterations even at tau =
// 1e2; with f'' dropped, 33 at tau = 1 and 43 at tau = 1e2); the spinodal
// ones drop f'' (the model puts in the bulk phases' f'' >= 0).
TEST(MixedBlockSolver, SolvesCahnHilliardStepsIndependentlyOfMeshAndStep)
{
  if (vitrum::fem::available_direct_solvers().empty())
    GTEST_SKIP() << "no direct solver to compare with";
  const std::vector<std::pair<double, std::vector<double>>> cases
    = {{1.0, {1e-4, 1e-2, 1.0, 1e2}}, {-0.5, {1e-5, 1e-4, 1e-3}}};
  for (const auto &[curvature, steps] : cases)
    for (const double tau : steps)
      {
        unsigned int fewest = 1000, most = 0;
        for (const unsigned int n : {16u, 32u, 64u})
          {
            CahnHilliardSystem system(n, tau, 1e-3, curvature);
            const auto [iterations, error] = solve(system);
            EXPECT_LT(error, 1e-7) << "n " << n << ", tau " << tau;
            fewest = std::min(fewest, iterations);
            most   = std::max(most, iterations);
          }
        EXPECT_LE(most, 50u) << "f'' " << curvature << ", tau " << tau;
        EXPECT_LE(most, fewest + 8) << "f'' " << curvature << ", tau " << tau;
        if (curvature > 0)
          {
            EXPECT_LE(most, 15u) << "f'' " << curvature << ", tau " << tau;
          }
        std::printf("f'' %g, tau %g: %u..%u iterations over h = 1/16..1/64\n",
                    curvature,
                    tau,
                    fewest,
                    most);
      }
}


// The steps on one mesh keep a factor's BoomerAMG hierarchy while its
// weight (which follows tau) stays within the reuse ratio, and still reach
// the LU's solution in a few more iterations; a step outside the ratio, or
// ratio 1, builds new hierarchies.
TEST(MixedBlockSolver, KeepsTheHierarchiesWhileTheStepChangesLittle)
{
  if (vitrum::fem::available_direct_solvers().empty())
    GTEST_SKIP() << "no direct solver to compare with";
  const auto solve_steps = [](const double               ratio,
                              const std::vector<double> &taus) {
    CahnHilliardSystem            system(32, taus.front(), 1e-3, 1.0);
    vitrum::fem::MixedBlockSolver solver(MPI_COMM_SELF, 1e-10, 200, ratio);
    solver.set_fields(system.c, system.mu);
    vitrum::fem::DirectSolver lu(
      MPI_COMM_SELF,
      vitrum::fem::available_direct_solvers().front());
    std::vector<unsigned int> iterations;
    for (const double tau : taus)
      {
        system.set_step(tau);
        dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF),
          exact(system.all, MPI_COMM_SELF);
        iterations.push_back(solver.solve(system.J, x, system.b, system.sigma));
        lu.solve(system.J, exact, system.b);
        x -= exact;
        EXPECT_LT(x.l2_norm() / exact.l2_norm(), 1e-7) << "tau " << tau;
      }
    return std::make_pair(solver.hierarchy_setups(), iterations);
  };
  // Long steps (two factors) growing by 1.2 per step, then one 3x longer.
  const std::vector<double> taus   = {1.0, 1.2, 1.44, 1.728, 5.184};
  const auto [kept_setups, kept]   = solve_steps(1.5, taus);
  const auto [fresh_setups, fresh] = solve_steps(1.0, taus);
  EXPECT_EQ(fresh_setups, 10u); // two factors per step
  // eps1 ~ tau, eps2 = tau kappa / eps1 ~ kappa: the second factor is
  // kept throughout, the first for 1.2 and 1.44 (ratio <= 1.5) and built
  // again at 1.728 and at 5.184.
  EXPECT_EQ(kept_setups, 4u);
  for (std::size_t k = 0; k < taus.size(); ++k)
    {
      EXPECT_LE(kept[k], fresh[k] + 4) << "tau " << taus[k];
      std::printf("tau %g: %u iterations with kept hierarchies, %u fresh\n",
                  taus[k],
                  kept[k],
                  fresh[k]);
    }
}


namespace
{
  // One solve by the Schur split (one V-cycle on S, or with `two_factor`
  // the two-factor form with c as mu's partner, mass weight 1) checked
  // against the LU to 1e-7; returns the split's iterations.
  unsigned int
  split_solve_against_lu(CahnHilliardSystem &system, const bool two_factor)
  {
    dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF),
      exact(system.all, MPI_COMM_SELF);
    vitrum::fem::SchurSplitSolver solver(MPI_COMM_SELF, 1e-10, 200);
    solver.set_fields(system.mu, system.c, 1);
    if (two_factor)
      solver.set_partners(system.c, {}, 1);
    const unsigned int iterations = solver.solve(system.J, x, system.b, 1., 1.);
    vitrum::fem::DirectSolver lu(
      MPI_COMM_SELF,
      vitrum::fem::available_direct_solvers().front());
    lu.solve(system.J, exact, system.b);
    x -= exact;
    EXPECT_LT(x.l2_norm() / exact.l2_norm(), 1e-7)
      << "h = 1/" << std::sqrt(system.c.size()) - 1;
    return iterations;
  }
} // namespace


// The Schur split (the partitioning model's iterative solver) on the binary
// system with a lumped mass in the potential's block, as vertex quadrature
// gives it: the potential is eliminated exactly and BoomerAMG works on
// S = M + tau K M_L^-1 (N + kappa K). The LU's solution to 1e-7; the
// iterations grow with the step (S is fourth order) but not with the mesh
// at a fixed step.
TEST(SchurSplitSolver, EliminatesALumpedPotentialAndMatchesTheLU)
{
  if (vitrum::fem::available_direct_solvers().empty())
    GTEST_SKIP() << "no direct solver to compare with";
  for (const double tau : {1e-4, 1e-3, 1e-2})
    {
      unsigned int fewest = 1000, most = 0;
      for (const unsigned int n : {16u, 32u, 64u})
        {
          CahnHilliardSystem system(n, tau, 1e-3, 1.0, true);
          const unsigned int iterations = split_solve_against_lu(system, false);
          fewest                        = std::min(fewest, iterations);
          most                          = std::max(most, iterations);
        }
      EXPECT_LE(most, 60u) << "tau " << tau;
      std::printf("tau %g: %u..%u iterations over h = 1/16..1/64\n",
                  tau,
                  fewest,
                  most);
    }
}


// The Newton iterations of one step (same step key) keep S and its AMG and
// still converge to the tolerance with the changed Jacobian; another step
// key, or too many iterations, rebuilds them.
TEST(SchurSplitSolver, KeepsSForTheNewtonIterationsOfAStep)
{
  if (vitrum::fem::available_direct_solvers().empty())
    GTEST_SKIP() << "no direct solver to compare with";
  CahnHilliardSystem                 system(32, 1e-3, 1e-3, 1.0, true);
  dealii::PETScWrappers::MPI::Vector x(system.all, MPI_COMM_SELF),
    exact(system.all, MPI_COMM_SELF);
  vitrum::fem::SchurSplitSolver solver(MPI_COMM_SELF, 1e-10, 200);
  solver.set_fields(system.mu, system.c, 1);
  const unsigned int fresh = solver.solve(system.J, x, system.b, 1000.);
  EXPECT_EQ(solver.setups(), 1u);

  // The "next Newton iteration": the diagonal of the kept block changes.
  std::vector<double> diagonal;
  for (const auto i : system.c)
    diagonal.push_back(system.J.diag_element(i));
  for (std::size_t k = 0; k < system.c.size(); ++k)
    system.J.add(system.c[k], system.c[k], 0.2 * diagonal[k]);
  system.J.compress(dealii::VectorOperation::add);
  x                        = 0;
  const unsigned int again = solver.solve(system.J, x, system.b, 1000.);
  EXPECT_EQ(solver.setups(), 1u) << "S rebuilt within a step";
  vitrum::fem::DirectSolver lu(MPI_COMM_SELF,
                               vitrum::fem::available_direct_solvers().front());
  lu.solve(system.J, exact, system.b);
  x -= exact;
  EXPECT_LT(x.l2_norm() / exact.l2_norm(), 1e-7);
  EXPECT_LE(again, 2 * fresh + 10);

  x = 0;
  solver.solve(system.J, x, system.b, 500.);
  EXPECT_EQ(solver.setups(), 2u) << "S kept across steps";
}


// The two-factor S solve (set_partners) on the binary system with vertex
// quadrature's lumped masses: the LU's solution to 1e-7 at every step, and
// iterations that stay flat over the mesh and over tau = 1e-4 ... 1 (one
// V-cycle on the fourth-order S, -vitrum_split_factored 0: 9-32 at tau = 1,
// no convergence in 200 at 1e2). At tau = 1e2 (tau / h^2 = 4e5) they reach
// ~105: FGMRES preconditions from the right, and the V-cycle error of the
// mass-like last factor is carried through the Laplace-like first one
// (with exact factor solves: 3; with left preconditioning: 8).
TEST(SchurSplitSolver, TwoFactorSplitIsRobustInTheStep)
{
  if (vitrum::fem::available_direct_solvers().empty())
    GTEST_SKIP() << "no direct solver to compare with";
  for (const double tau : {1e-4, 1e-2, 1.0, 1e2})
    {
      unsigned int fewest = 1000, most = 0;
      for (const unsigned int n : {16u, 32u, 64u})
        {
          CahnHilliardSystem system(n, tau, 1e-3, 1.0, true, true);
          const unsigned int iterations = split_solve_against_lu(system, true);
          fewest                        = std::min(fewest, iterations);
          most                          = std::max(most, iterations);
        }
      if (tau <= 1)
        {
          EXPECT_LE(most, 30u) << "tau " << tau;
        }
      std::printf("tau %g: %u..%u iterations over h = 1/16..1/64\n",
                  tau,
                  fewest,
                  most);
    }
}


// The node matrix of the two-factor split, by hand: in each eigendirection
// of H the larger root of h^2 - |lambda| h + a0 kappa K_ii / l on long
// steps, sqrt of the last term on short ones.
TEST(FactorHessian, HandComputedWeights)
{
  using vitrum::fem::factor_hessian;
  // b = 5, c = 2 * 2 / 1 = 4: roots 4 and 1, the larger is taken.
  auto f = factor_hessian({5.0}, {1.0}, 2.0, 2.0, 1);
  EXPECT_NEAR(f[0], 4.0, 1e-14);
  EXPECT_NEAR(f[1], 0.25, 1e-14);
  // b = 1, c = 2 / 1e-2 = 200 > b^2 / 4: sqrt(c).
  f = factor_hessian({1.0}, {1e-2}, 1.0, 2.0, 1);
  EXPECT_NEAR(f[0], std::sqrt(200.0), 1e-12);
  // Two directions with their own mobilities: diag(4, 20).
  f = factor_hessian({5.0, 0.0, 0.0, 1.0}, {1.0, 0.0, 0.0, 1e-2}, 2.0, 2.0, 2);
  const std::vector<double> expected = {4.0, 0.0, 0.0, 20.0};
  for (unsigned int k = 0; k < 4; ++k)
    EXPECT_NEAR(f[k], expected[k], 1e-12) << k;
  EXPECT_NEAR(f[4 + 3], 1.0 / 20.0, 1e-14);
}


// An indefinite (spinodal) Hessian on a long step gives |H|, positive
// definite, and the second half of the result is its inverse; a zero H
// (a constrained node) gives zeros.
TEST(FactorHessian, IndefiniteHessianGivesItsModulus)
{
  // Eigenvalues 3 and -1 (eigenvectors (1, 1) and (1, -1)): |H| has 3 and
  // 1, that is [[2, 1], [1, 2]].
  const auto f = vitrum::fem::factor_hessian({1.0, 2.0, 2.0, 1.0},
                                             {1e12, 0.0, 0.0, 1e12},
                                             1.0,
                                             1.0,
                                             2);
  const std::vector<double> modulus = {2.0, 1.0, 1.0, 2.0};
  for (unsigned int k = 0; k < 4; ++k)
    EXPECT_NEAR(f[k], modulus[k], 1e-9) << k;
  for (unsigned int a = 0; a < 2; ++a)
    for (unsigned int b = 0; b < 2; ++b)
      {
        double product = 0;
        for (unsigned int c = 0; c < 2; ++c)
          product += f[a * 2 + c] * f[4 + c * 2 + b];
        EXPECT_NEAR(product, a == b ? 1.0 : 0.0, 1e-12);
      }
  for (const double v : vitrum::fem::factor_hessian({0.0}, {1.0}, 1.0, 1.0, 1))
    EXPECT_EQ(v, 0.0);
}
