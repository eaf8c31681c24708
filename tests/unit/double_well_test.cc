#include <vitrum/thermo/double_well.h>

#include <gtest/gtest.h>

using vitrum::thermo::DoubleWell;

TEST(DoubleWell, HandComputedValues)
{
  const DoubleWell well{5.0, 0.3, 0.7};
  // c = 0.5: 5 * 0.2^2 * 0.2^2 = 0.008; f' = 0 by symmetry;
  // f'' = 2*5*(0.04 - 4*0.04 + 0.04) = -0.8
  EXPECT_NEAR(well.f(0.5), 0.008, 1e-15);
  EXPECT_NEAR(well.df(0.5), 0.0, 1e-15);
  EXPECT_NEAR(well.d2f(0.5), -0.8, 1e-14);
  // minima: f = f' = 0, f'' = 2 rho (c_beta - c_alpha)^2 = 1.6
  for (const double c : {0.3, 0.7})
    {
      EXPECT_NEAR(well.f(c), 0.0, 1e-15);
      EXPECT_NEAR(well.df(c), 0.0, 1e-15);
      EXPECT_NEAR(well.d2f(c), 1.6, 1e-14);
    }
  // c = 0.4: a = 0.1, b = 0.3: f = 5*0.01*0.09 = 0.0045,
  // f' = 2*5*0.1*0.3*0.2 = 0.06
  EXPECT_NEAR(well.f(0.4), 0.0045, 1e-15);
  EXPECT_NEAR(well.df(0.4), 0.06, 1e-15);
}

TEST(DoubleWell, DerivativesMatchFiniteDifferences)
{
  const DoubleWell well{3.0, 0.1, 0.8};
  const double     h = 1e-5;
  for (double c = -0.2; c <= 1.2; c += 0.05)
    {
      const double fd1 = (well.f(c + h) - well.f(c - h)) / (2 * h);
      const double fd2 = (well.df(c + h) - well.df(c - h)) / (2 * h);
      EXPECT_NEAR(well.df(c), fd1, 1e-8 * (1 + std::abs(fd1))) << "c=" << c;
      EXPECT_NEAR(well.d2f(c), fd2, 1e-8 * (1 + std::abs(fd2))) << "c=" << c;
    }
}
