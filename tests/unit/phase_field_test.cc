// FE-free kernels split out of the models: the phase-field interpolation
// functions and the counter-based random numbers of stochastic nucleation.

#include <vitrum/kinetics/stochastic.h>
#include <vitrum/thermo/phase_field.h>

#include <gtest/gtest.h>

#include <cmath>

using vitrum::thermo::PhaseFunctions;

TEST(PhaseFunctions, HandValuesAndDifferences)
{
  const PhaseFunctions half(0.5);
  EXPECT_DOUBLE_EQ(half.h, 0.5);
  EXPECT_DOUBLE_EQ(half.g, 1. / 16);
  EXPECT_DOUBLE_EQ(half.dg, 0.);
  EXPECT_DOUBLE_EQ(PhaseFunctions(0).h, 0.);
  EXPECT_DOUBLE_EQ(PhaseFunctions(1).h, 1.);
  EXPECT_DOUBLE_EQ(PhaseFunctions(1).dh, 0.);
  const double e = 1e-6;
  for (const double p : {0.1, 0.37, 0.8})
    {
      const PhaseFunctions f(p), up(p + e), down(p - e);
      EXPECT_NEAR(f.dh, (up.h - down.h) / (2 * e), 1e-8);
      EXPECT_NEAR(f.d2h, (up.dh - down.dh) / (2 * e), 1e-8);
      EXPECT_NEAR(f.dg, (up.g - down.g) / (2 * e), 1e-8);
      EXPECT_NEAR(f.d2g, (up.dg - down.dg) / (2 * e), 1e-8);
    }
}


TEST(StochasticNucleation, UniformNumbersAndPoissonCounts)
{
  using namespace vitrum::kinetics;
  // Deterministic in the key, in [0, 1), and uniform on average.
  EXPECT_EQ(uniform_from(42), uniform_from(42));
  EXPECT_NE(uniform_from(42), uniform_from(43));
  EXPECT_NE(mix_keys(1, 2, 3), mix_keys(1, 3, 2));
  EXPECT_EQ(hash_text("cell 1", 7), hash_text("cell 1", 7));
  double             mean = 0, count_mean = 0, count_square = 0;
  const unsigned int n      = 200000;
  const double       lambda = 0.7;
  for (unsigned int i = 0; i < n; ++i)
    {
      const double u = uniform_from(mix_keys(hash_text("test", 1), i, 0));
      ASSERT_GE(u, 0.);
      ASSERT_LT(u, 1.);
      mean += u / n;
      const double k = poisson_count(lambda, u);
      count_mean += k / n;
      count_square += k * k / n;
    }
  EXPECT_NEAR(mean, 0.5, 3e-3);
  // Poisson: mean and variance lambda.
  EXPECT_NEAR(count_mean, lambda, 5e-3);
  EXPECT_NEAR(count_square - count_mean * count_mean, lambda, 1e-2);
  // The CDF inverted by hand: P(0) = e^-lambda.
  EXPECT_EQ(poisson_count(lambda, std::exp(-lambda) * 0.999), 0u);
  EXPECT_EQ(poisson_count(lambda, std::exp(-lambda) * 1.001), 1u);
  EXPECT_EQ(poisson_count(0, 0.9), 0u);
}
