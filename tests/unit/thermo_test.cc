#include <vitrum/thermo/solution_phase.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using vitrum::thermo::Arrhenius;
using vitrum::thermo::gas_constant;
using vitrum::thermo::Interaction;
using vitrum::thermo::SolutionPhase;

namespace
{
  /// K random fractions >= x_min that sum to one.
  std::vector<double>
  random_composition(std::mt19937 &rng, const unsigned int K, double x_min)
  {
    std::uniform_real_distribution<double> u(0., 1.);
    std::vector<double>                    x(K);
    double                                 sum = 0;
    for (double &xi : x)
      sum += (xi = u(rng));
    for (double &xi : x)
      xi = x_min + (1. - K * x_min) * xi / sum;
    return x;
  }


  /// A K-component phase with random G0 and Redlich–Kister terms of
  /// orders 0..2 for every pair.
  SolutionPhase
  random_phase(std::mt19937 &rng, const unsigned int K)
  {
    std::uniform_real_distribution<double> energy(-30000., 30000.);
    std::uniform_real_distribution<double> entropy(-10., 10.);
    std::vector<double>                    a(K), b(K);
    for (unsigned int i = 0; i < K; ++i)
      {
        a[i] = energy(rng);
        b[i] = entropy(rng);
      }
    std::vector<Interaction> pairs;
    for (unsigned int i = 0; i < K; ++i)
      for (unsigned int j = i + 1; j < K; ++j)
        {
          Interaction p;
          p.i = i;
          p.j = j;
          for (unsigned int k = 0; k < 3; ++k)
            {
              p.a.push_back(energy(rng));
              p.b.push_back(entropy(rng));
            }
          pairs.push_back(p);
        }
    return SolutionPhase(a, b, pairs);
  }


  double
  max_abs(const std::vector<double> &v)
  {
    double m = 0;
    for (const double x : v)
      m = std::max(m, std::abs(x));
    return m;
  }


  /// G of the K - 1 independent fractions y, x_K = 1 - sum y.
  double
  reduced_gibbs_energy(const SolutionPhase       &phase,
                       const std::vector<double> &y,
                       const double               T)
  {
    std::vector<double> x(y);
    double              sum = 0;
    for (const double yi : y)
      sum += yi;
    x.push_back(1. - sum);
    return phase.gibbs_energy(x.data(), T);
  }


  /// Diffusion potentials as a function of the independent fractions.
  std::vector<double>
  reduced_gradient(const SolutionPhase       &phase,
                   const std::vector<double> &y,
                   const double               T)
  {
    std::vector<double> x(y);
    double              sum = 0;
    for (const double yi : y)
      sum += yi;
    x.push_back(1. - sum);
    std::vector<double> g(x.size()), out(y.size());
    phase.gradient(x.data(), T, g.data());
    vitrum::thermo::diffusion_potentials(g.data(), x.size(), out.data());
    return out;
  }


  /// The full K x K Onsager matrix straight from its definition.
  std::vector<double>
  full_onsager(const std::vector<double> &x, const std::vector<double> &M)
  {
    const unsigned int  K = x.size();
    std::vector<double> L(K * K, 0.);
    for (unsigned int i = 0; i < K; ++i)
      for (unsigned int j = 0; j < K; ++j)
        for (unsigned int k = 0; k < K; ++k)
          L[i * K + j] += ((i == k) - x[i]) * ((j == k) - x[j]) * x[k] * M[k];
    return L;
  }


  std::vector<double>
  reduced_onsager(const std::vector<double> &y, const std::vector<double> &M)
  {
    std::vector<double> x(y);
    double              sum = 0;
    for (const double yi : y)
      sum += yi;
    x.push_back(1. - sum);
    std::vector<double> L(y.size() * y.size());
    vitrum::thermo::onsager_mobility(x.data(), M.data(), x.size(), L.data());
    return L;
  }
} // namespace


TEST(SolutionPhase, BinaryRegularSolutionHandValue)
{
  // G0_A = 1000 - 2 T, G0_B = -500 + 3 T, L0 = 12000 J/mol.
  const SolutionPhase phase({1000., -500.},
                            {-2., 3.},
                            {{0, 1, {12000.}, {0.}}});
  const double        x[] = {0.3, 0.7};
  const double        T   = 800;
  // 0.3 (-600) + 0.7 (1900) + R 800 (0.3 ln 0.3 + 0.7 ln 0.7) + 0.21 * 12000
  const double hand
    = 0.3 * -600. + 0.7 * 1900.
      + gas_constant * 800. * (0.3 * std::log(0.3) + 0.7 * std::log(0.7))
      + 0.21 * 12000.;
  EXPECT_NEAR(hand, -393.20672328485807, 1e-9);
  EXPECT_NEAR(phase.gibbs_energy(x, T), hand, 1e-9);
  EXPECT_EQ(phase.n_components(), 2u);
}


TEST(SolutionPhase, TernaryRedlichKisterHandValue)
{
  // A-B: L = (10000 - 2 T) + (4000 + T)(x_A - x_B); B-C: L = -8000.
  const std::vector<Interaction> pairs
    = {{0, 1, {10000., 4000.}, {-2., 1.}}, {1, 2, {-8000.}, {0.}}};
  const SolutionPhase phase({1500., 0., -2000.}, {-1., 0., 0.5}, pairs);
  const double        x[] = {0.2, 0.5, 0.3};
  const double        T   = 700;
  // G0: 0.2 * 800 + 0.3 * (-1650) = -335
  // A-B: 0.1 * (8600 + 4700 * (-0.3)) = 719;  B-C: 0.15 * (-8000) = -1200
  const double hand
    = -335. + 719. - 1200.
      + gas_constant * 700.
          * (0.2 * std::log(0.2) + 0.5 * std::log(0.5) + 0.3 * std::log(0.3));
  EXPECT_NEAR(hand, -6808.708046465648, 1e-9);
  EXPECT_NEAR(phase.gibbs_energy(x, T), hand, 1e-9);

  // The same pair given as (B, A): the odd-order term changes sign.
  const SolutionPhase swapped({1500., 0., -2000.},
                              {-1., 0., 0.5},
                              {{1, 0, {10000., -4000.}, {-2., -1.}},
                               {2, 1, {-8000.}, {0.}}});
  EXPECT_NEAR(swapped.gibbs_energy(x, T), hand, 1e-9);
}


TEST(SolutionPhase, ZeroFractionsGiveFiniteValues)
{
  const SolutionPhase phase({-100., 200., 50.},
                            {1., 0., -1.},
                            {{0, 1, {-20000.}, {0.}}});
  const double        x[] = {0., 1., 0.};
  const double        T   = 600;
  // pure B: G = G0_B exactly (0 ln 0 = 0)
  EXPECT_DOUBLE_EQ(phase.gibbs_energy(x, T), 200.);
  double g[3], H[9], mu[3];
  phase.gradient(x, T, g);
  phase.hessian(x, T, H);
  phase.chemical_potentials(x, T, mu);
  for (unsigned int i = 0; i < 3; ++i)
    {
      EXPECT_TRUE(std::isfinite(g[i]));
      EXPECT_TRUE(std::isfinite(mu[i]));
    }
  for (const double h : H)
    EXPECT_TRUE(std::isfinite(h));
  EXPECT_NEAR(H[0], gas_constant * T / SolutionPhase::minimum_fraction, 1e-3);
}


TEST(SolutionPhase, GradientAndHessianMatchFiniteDifferences)
{
  std::mt19937       rng(42);
  const unsigned int K = 7;
  const double       T = 900, h = 1e-5;
  for (unsigned int trial = 0; trial < 5; ++trial)
    {
      const SolutionPhase phase = random_phase(rng, K);
      std::vector<double> x     = random_composition(rng, K, 0.05);
      std::vector<double> g(K), H(K * K), gp(K), gm(K);
      phase.gradient(x.data(), T, g.data());
      phase.hessian(x.data(), T, H.data());
      const double g_scale = max_abs(g), H_scale = max_abs(H);
      for (unsigned int j = 0; j < K; ++j)
        {
          std::vector<double> xp(x), xm(x);
          xp[j] += h;
          xm[j] -= h;
          const double fd = (phase.gibbs_energy(xp.data(), T)
                             - phase.gibbs_energy(xm.data(), T))
                            / (2 * h);
          EXPECT_NEAR(g[j], fd, 1e-6 * g_scale) << "trial " << trial;
          phase.gradient(xp.data(), T, gp.data());
          phase.gradient(xm.data(), T, gm.data());
          for (unsigned int i = 0; i < K; ++i)
            EXPECT_NEAR(H[i * K + j], (gp[i] - gm[i]) / (2 * h), 1e-6 * H_scale)
              << "trial " << trial << " H(" << i << "," << j << ")";
        }
      for (unsigned int i = 0; i < K; ++i)
        for (unsigned int j = 0; j < K; ++j)
          EXPECT_EQ(H[i * K + j], H[j * K + i]);
    }
}


TEST(SolutionPhase, ChemicalPotentialsSumToGAndObeyGibbsDuhem)
{
  std::mt19937       rng(7);
  const unsigned int K = 7;
  const double       T = 650, h = 1e-6;
  for (unsigned int trial = 0; trial < 5; ++trial)
    {
      const SolutionPhase phase = random_phase(rng, K);
      std::vector<double> x     = random_composition(rng, K, 0.05);
      std::vector<double> mu(K);
      phase.chemical_potentials(x.data(), T, mu.data());
      const double G   = phase.gibbs_energy(x.data(), T);
      double       xmu = 0;
      for (unsigned int i = 0; i < K; ++i)
        xmu += x[i] * mu[i];
      EXPECT_NEAR(xmu, G, 1e-10 * max_abs(mu));

      // A random direction in the simplex (sum v = 0).
      std::normal_distribution<double> n(0., 1.);
      std::vector<double>              v(K);
      double                           mean = 0;
      for (double &vi : v)
        mean += (vi = n(rng)) / K;
      for (double &vi : v)
        vi -= mean;
      std::vector<double> xp(x), xm(x), mup(K), mum(K);
      for (unsigned int i = 0; i < K; ++i)
        {
          xp[i] += h * v[i];
          xm[i] -= h * v[i];
        }
      phase.chemical_potentials(xp.data(), T, mup.data());
      phase.chemical_potentials(xm.data(), T, mum.data());
      double gibbs_duhem = 0, scale = 0;
      for (unsigned int i = 0; i < K; ++i)
        {
          const double dmu = (mup[i] - mum[i]) / (2 * h);
          gibbs_duhem += x[i] * dmu;
          scale = std::max(scale, std::abs(x[i] * dmu));
        }
      EXPECT_GT(scale, 1e3);
      EXPECT_NEAR(gibbs_duhem, 0., 1e-6 * scale) << "trial " << trial;
    }
}


TEST(SolutionPhase, DiffusionPotentialsAndReducedHessianMatchFiniteDifferences)
{
  std::mt19937       rng(3);
  const unsigned int K = 7, n = K - 1;
  const double       T = 800, h = 1e-5;
  for (unsigned int trial = 0; trial < 5; ++trial)
    {
      const SolutionPhase phase = random_phase(rng, K);
      std::vector<double> x     = random_composition(rng, K, 0.05);
      std::vector<double> g(K), H(K * K), mu(K), dp(n), RH(n * n);
      phase.gradient(x.data(), T, g.data());
      phase.hessian(x.data(), T, H.data());
      phase.chemical_potentials(x.data(), T, mu.data());
      vitrum::thermo::diffusion_potentials(g.data(), K, dp.data());
      vitrum::thermo::reduced_hessian(H.data(), K, RH.data());
      const std::vector<double> y(x.begin(), x.end() - 1);
      const double              dp_scale = max_abs(dp), RH_scale = max_abs(RH);
      for (unsigned int j = 0; j < n; ++j)
        {
          // mu_j - mu_K equals the diffusion potential
          EXPECT_NEAR(dp[j], mu[j] - mu[K - 1], 1e-10 * max_abs(mu));
          std::vector<double> yp(y), ym(y);
          yp[j] += h;
          ym[j] -= h;
          const double fd = (reduced_gibbs_energy(phase, yp, T)
                             - reduced_gibbs_energy(phase, ym, T))
                            / (2 * h);
          EXPECT_NEAR(dp[j], fd, 1e-6 * dp_scale) << "trial " << trial;
          const std::vector<double> dpp = reduced_gradient(phase, yp, T);
          const std::vector<double> dpm = reduced_gradient(phase, ym, T);
          for (unsigned int i = 0; i < n; ++i)
            EXPECT_NEAR(RH[i * n + j],
                        (dpp[i] - dpm[i]) / (2 * h),
                        1e-6 * RH_scale)
              << "trial " << trial << " (" << i << "," << j << ")";
        }
    }
}


TEST(SolutionPhase, CommonTangentMatchesAnalyticBinodal)
{
  // Regular solution L = 2.5 R T: a symmetric miscibility gap. The linear
  // G0 terms shift both diffusion potentials equally and do not matter.
  const double        T = 700, L = 2.5 * gas_constant * T;
  const SolutionPhase phase({1000., -2000.}, {0., 0.}, {{0, 1, {L}, {0.}}});

  const auto potential = [&](const double c, double &dp, double &d2G) {
    const double x[] = {c, 1. - c};
    double       g[2], H[4];
    phase.gradient(x, T, g);
    phase.hessian(x, T, H);
    vitrum::thermo::diffusion_potentials(g, 2, &dp);
    vitrum::thermo::reduced_hessian(H, 2, &d2G);
    return phase.gibbs_energy(x, T);
  };

  // Newton on equal diffusion potential and equal grand potential
  // G - c dG/dc in the two phases a and b.
  double a = 0.1, b = 0.9;
  for (unsigned int it = 0; it < 50; ++it)
    {
      double       dpa, Ha, dpb, Hb;
      const double Ga = potential(a, dpa, Ha);
      const double Gb = potential(b, dpb, Hb);
      const double F1 = dpa - dpb;
      const double F2 = (Ga - a * dpa) - (Gb - b * dpb);
      // d(G - c dp)/dc = -c H
      const double J11 = Ha, J12 = -Hb, J21 = -a * Ha, J22 = b * Hb;
      const double det = J11 * J22 - J12 * J21;
      const double da  = (F1 * J22 - F2 * J12) / det;
      const double db  = (J11 * F2 - J21 * F1) / det;
      a -= da;
      b -= db;
      if (std::abs(da) + std::abs(db) < 1e-15)
        break;
    }

  // Analytic binodal: ln(c / (1 - c)) = (L / RT)(2c - 1), c < 1/2.
  const auto f = [&](const double c) {
    return std::log(c / (1 - c)) - L / (gas_constant * T) * (2 * c - 1);
  };
  double lo = 1e-6, hi = 0.4;
  ASSERT_LT(f(lo), 0.);
  ASSERT_GT(f(hi), 0.);
  for (unsigned int it = 0; it < 200 && hi - lo > 1e-16; ++it)
    {
      const double mid       = 0.5 * (lo + hi);
      (f(mid) < 0 ? lo : hi) = mid;
    }
  const double binodal = 0.5 * (lo + hi);
  EXPECT_GT(binodal, 0.1);
  EXPECT_LT(binodal, 0.2);
  EXPECT_NEAR(a, binodal, 1e-8);
  EXPECT_NEAR(b, 1. - binodal, 1e-8);
}


TEST(Onsager, SymmetricRowsSumToZeroAndPositiveSemidefinite)
{
  std::mt19937                           rng(11);
  std::uniform_real_distribution<double> logM(-2., 2.);
  std::normal_distribution<double>       n(0., 1.);
  const unsigned int                     K = 7, r = K - 1;
  for (unsigned int trial = 0; trial < 10; ++trial)
    {
      const std::vector<double> x = random_composition(rng, K, 0.01);
      std::vector<double>       M(K), L(r * r);
      for (double &m : M)
        m = std::pow(10., logM(rng));
      vitrum::thermo::onsager_mobility(x.data(), M.data(), K, L.data());
      const std::vector<double> full  = full_onsager(x, M);
      const double              scale = max_abs(full);
      for (unsigned int i = 0; i < K; ++i)
        {
          double row = 0;
          for (unsigned int j = 0; j < K; ++j)
            row += full[i * K + j];
          EXPECT_NEAR(row, 0., 1e-14 * K * scale);
        }
      for (unsigned int i = 0; i < r; ++i)
        {
          double row = 0;
          for (unsigned int j = 0; j < r; ++j)
            {
              EXPECT_EQ(L[i * r + j], L[j * r + i]);
              EXPECT_NEAR(L[i * r + j], full[i * K + j], 1e-14 * scale);
              row += L[i * r + j];
            }
          // the reduced block determines the last column: L_iK = -sum L_ij
          EXPECT_NEAR(-row, full[i * K + r], 1e-13 * scale);
        }
      for (unsigned int s = 0; s < 20; ++s)
        {
          std::vector<double> v(r);
          for (double &vi : v)
            vi = n(rng);
          double vLv = 0, vv = 0;
          for (unsigned int i = 0; i < r; ++i)
            {
              vv += v[i] * v[i];
              for (unsigned int j = 0; j < r; ++j)
                vLv += v[i] * L[i * r + j] * v[j];
            }
          EXPECT_GE(vLv, -1e-14 * scale * vv);
        }
    }
}


TEST(Onsager, BinaryLimit)
{
  const double x[] = {0.3, 0.7}, M[] = {2., 5.};
  double       L;
  vitrum::thermo::onsager_mobility(x, M, 2, &L);
  // x1 x2 (x2 M1 + x1 M2) = 0.21 * (1.4 + 1.5)
  EXPECT_NEAR(L, 0.21 * 2.9, 1e-15);
}


TEST(Onsager, DerivativeMatchesFiniteDifferences)
{
  std::mt19937                           rng(5);
  std::uniform_real_distribution<double> uM(0.1, 10.);
  const unsigned int                     K = 7, r = K - 1;
  const double                           h = 1e-6;
  for (unsigned int trial = 0; trial < 5; ++trial)
    {
      const std::vector<double> x = random_composition(rng, K, 0.02);
      std::vector<double>       M(K), dL(r * r * r);
      for (double &m : M)
        m = uM(rng);
      vitrum::thermo::onsager_mobility_derivative(x.data(),
                                                  M.data(),
                                                  K,
                                                  dL.data());
      const std::vector<double> y(x.begin(), x.end() - 1);
      const double              scale = max_abs(dL);
      for (unsigned int m = 0; m < r; ++m)
        {
          std::vector<double> yp(y), ym(y);
          yp[m] += h;
          ym[m] -= h;
          const std::vector<double> Lp = reduced_onsager(yp, M);
          const std::vector<double> Lm = reduced_onsager(ym, M);
          for (unsigned int ij = 0; ij < r * r; ++ij)
            EXPECT_NEAR(dL[m * r * r + ij],
                        (Lp[ij] - Lm[ij]) / (2 * h),
                        1e-7 * scale)
              << "trial " << trial << " m " << m << " ij " << ij;
        }
    }
}


TEST(ThermoArrhenius, DiffusivityAndMobilityHandValues)
{
  const Arrhenius d{1e-4, 143.5e3};
  const double    T = 623;
  // 1e-4 exp(-143500 / (8.314462618 * 623))
  EXPECT_NEAR(d.diffusivity(T) / 9.303803595524649e-17, 1., 1e-12);
  EXPECT_NEAR(d.mobility(T) / 1.7961322139797034e-20, 1., 1e-12);
  EXPECT_NEAR(d.mobility(T), d.diffusivity(T) / (gas_constant * T), 1e-30);
  const Arrhenius no_barrier{2e-9, 0.};
  EXPECT_DOUBLE_EQ(no_barrier.diffusivity(300.), 2e-9);
}


TEST(LimitFractionUpdate, KeepsATenthOfEveryFractionAndClipsExhaustedOnes)
{
  using vitrum::thermo::limit_fraction_update;
  double removed = 0;
  // x = (0.2, 0.3), dependent 0.5. Lowering x0 by 0.4 may only go 90 % of
  // its 0.2: alpha = 0.45, 0.22 taken off.
  const double x[2]    = {0.2, 0.3};
  double       down[2] = {-0.4, 0.0};
  EXPECT_DOUBLE_EQ(limit_fraction_update(x, down, 2, removed), 0.45);
  EXPECT_DOUBLE_EQ(down[0], -0.18);
  EXPECT_NEAR(removed, 0.22, 1e-15);
  // Raising both by 0.5 lowers the dependent by 1: alpha = 0.9 * 0.5 / 1.
  double up[2] = {0.5, 0.5};
  EXPECT_DOUBLE_EQ(limit_fraction_update(x, up, 2, removed), 0.45);
  // Within the limits: untouched.
  double small[2] = {-0.01, 0.02};
  EXPECT_DOUBLE_EQ(limit_fraction_update(x, small, 2, removed), 1.0);
  EXPECT_EQ(removed, 0.0);
  // An exhausted fraction (here slightly negative) does not freeze its
  // node: the others move in full, it goes no lower, and the update counts
  // as limited.
  const double empty[2] = {-1e-13, 0.5};
  double       mixed[2] = {-1e-6, 0.1};
  const double alpha    = limit_fraction_update(empty, mixed, 2, removed);
  EXPECT_LT(alpha, 1.0);
  EXPECT_GT(alpha, 0.999);
  EXPECT_EQ(mixed[0], 0.0);
  EXPECT_DOUBLE_EQ(mixed[1], 0.1);
}
