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

TEST(GrowthFront, ProfileSlopeIsTheGradientOfTheProfile)
{
  const GrowthFront front{1.7, 0.8};
  const double      h = 1e-5;
  for (const double s : {-3., -0.5, 0., 1.2, 4.})
    {
      const double d1 = (front.profile(s + h) - front.profile(s - h)) / (2 * h);
      const double e  = front.profile(s);
      EXPECT_NEAR(front.profile_slope(e), -d1, 1e-9) << s;
      const double fd
        = (front.profile_slope(e + h) - front.profile_slope(e - h)) / (2 * h);
      EXPECT_NEAR(front.profile_slope_derivative(e), fd, 1e-8) << s;
    }
  // by hand: g(1/2) = 1/(4 l), g'(1/4) = 1/(2 l)
  EXPECT_NEAR(front.profile_slope(0.5), 0.25 / 1.7, 1e-15);
  EXPECT_NEAR(front.profile_slope_derivative(0.25), 0.5 / 1.7, 1e-15);
}

TEST(GrowthFront, Normal)
{
  const GrowthFront    front{1.0, 0.8};
  dealii::Tensor<1, 3> g;
  g[0] = 0.03, g[1] = -0.2, g[2] = 0.11;
  const auto n = front.normal(g);
  // along the gradient, |n| = |g| / sqrt(|g|^2 + eps^2), eps = 2.5e-4 / l
  EXPECT_NEAR(n.norm(), std::sqrt(0.053 / (0.053 + 6.25e-8)), 1e-12);
  EXPECT_NEAR(n[1] / n[0], -0.2 / 0.03, 1e-12);
  EXPECT_NEAR(n[2] / n[0], 0.11 / 0.03, 1e-12);
  // bounded in the flat glass: n -> 0 with the gradient
  EXPECT_EQ(front.normal(dealii::Tensor<1, 3>()).norm(), 0.);
}

namespace
{
  /// d eta/dt of the curvature-free equation, by finite differences, for
  /// the profile of a crystal of radius R centred at the origin (the point
  /// p at distance rho from the centre, on the first axis).
  template <int dim>
  double
  curvature_free_rate(const GrowthFront &front,
                      const double       U,
                      const double       R,
                      const double       rho,
                      const bool         counter = true)
  {
    const double h   = 1e-3;
    const auto   eta = [&](const dealii::Tensor<1, dim> &x) {
      return front.profile(x.norm() - R);
    };
    const auto gradient = [&](const dealii::Tensor<1, dim> &x) {
      dealii::Tensor<1, dim> g;
      for (int d = 0; d < dim; ++d)
        {
          dealii::Tensor<1, dim> up = x, down = x;
          up[d] += h;
          down[d] -= h;
          g[d] = (eta(up) - eta(down)) / (2 * h);
        }
      return g;
    };
    dealii::Tensor<1, dim> p;
    p[0]             = rho;
    double laplacian = 0, div_n = 0;
    for (int d = 0; d < dim; ++d)
      {
        dealii::Tensor<1, dim> up = p, down = p;
        up[d] += h;
        down[d] -= h;
        laplacian += (eta(up) - 2 * eta(p) + eta(down)) / (h * h);
        div_n
          += (front.normal(gradient(up))[d] - front.normal(gradient(down))[d])
             / (2 * h);
      }
    const double e = eta(p);
    return U / front.width
           * (front.diffusivity()
                * (laplacian - (counter ? front.profile_slope(e) * div_n : 0.))
              + front.reaction(e));
  }
} // namespace

TEST(GrowthFront, CounterTermMovesCurvedFrontsAtU)
{
  // A crystal profile eta(|x| - R - U t): d eta/dt = -U eta'(s) = U g(eta).
  // Plain Allen-Cahn is slower by U D (d - 1) g / rho (the slow-down
  // (d - 1) l / (r R) of the front); the counter term removes it, but for
  // the regularisation of n, which leaves 1 - |n| of it: 5e-7 at the
  // front's centre, 3e-6 two widths out.
  const GrowthFront front{1.0, 0.8};
  const double      U = 1.5;
  for (const double R : {2., 4., 10.})
    for (const double s : {-1.5, 0., 0.7, 2.})
      {
        const double e     = front.profile(s);
        const double exact = U * front.profile_slope(e);
        const double slow_down[2]
          = {exact - curvature_free_rate<2>(front, U, R, R + s, false),
             exact - curvature_free_rate<3>(front, U, R, R + s, false)};
        EXPECT_NEAR(slow_down[0],
                    U * front.diffusivity() * front.profile_slope(e) / (R + s),
                    1e-5);
        EXPECT_NEAR(curvature_free_rate<2>(front, U, R, R + s),
                    exact,
                    1e-3 * slow_down[0] + 2e-5)
          << R << " " << s;
        EXPECT_NEAR(curvature_free_rate<3>(front, U, R, R + s),
                    exact,
                    1e-3 * slow_down[1] + 2e-5)
          << R << " " << s;
      }
}
