#include <vitrum/kinetics/growth_front.h>

#include <gtest/gtest.h>

using vitrum::kinetics::GrowthFront;

TEST(GrowthFront, ReactionHandComputed)
{
  const GrowthFront front{2.0, 0.5};
  // eta = 0.25: e = 0.1875; f = 0.1875 (1 - 0.5 / 0.5) = 0
  EXPECT_NEAR(front.reaction(0.25), 0., 1e-15);
  // eta = 0.5: f = 0.25; f' = 0 - (1 - 3 + 1.5) / 0.5 = 1
  EXPECT_NEAR(front.reaction(0.5), 0.25, 1e-15);
  EXPECT_NEAR(front.reaction_derivative(0.5), 1., 1e-15);
  // glass and crystal are fixed points; glass is stable: f'(0) = 1 - 1/r
  EXPECT_EQ(front.reaction(0.), 0.);
  EXPECT_EQ(front.reaction(1.), 0.);
  EXPECT_NEAR(front.reaction_derivative(0.), -1., 1e-15);
  EXPECT_NEAR(front.diffusivity(), 8., 1e-15);
  EXPECT_NEAR(front.critical_radius(3), 8., 1e-15);
}

TEST(GrowthFront, DerivativeMatchesFiniteDifferences)
{
  const GrowthFront front{1.5, 0.8};
  for (const double eta : {0.01, 0.2, 0.5, 0.77, 0.99})
    {
      const double h = 1e-6;
      const double fd
        = (front.reaction(eta + h) - front.reaction(eta - h)) / (2 * h);
      EXPECT_NEAR(front.reaction_derivative(eta), fd, 1e-8) << eta;
    }
}

TEST(GrowthFront, ProfileIsATravellingWaveAtSpeedU)
{
  // eta(s - U t): d eta/dt = -U eta'(s) must equal
  // (U / l) [ (l^2 / r) eta''(s) + f(eta) ] at every s.
  const GrowthFront front{1.3, 0.7};
  const double      U = 2.5, l = front.width, h = 1e-4;
  for (const double s : {-4., -1., 0., 0.3, 2., 5.})
    {
      const double e  = front.profile(s);
      const double d1 = (front.profile(s + h) - front.profile(s - h)) / (2 * h);
      const double d2
        = (front.profile(s + h) - 2 * e + front.profile(s - h)) / (h * h);
      const double lhs = -U * d1;
      const double rhs = U / l * (front.diffusivity() * d2 + front.reaction(e));
      EXPECT_NEAR(lhs, rhs, 1e-6) << s;
    }
}
