#include <vitrum/thermo/temperature_function.h>

#include <gtest/gtest.h>

#include <cmath>

using vitrum::thermo::frozen_below;
using vitrum::thermo::TemperatureFunction;

namespace
{
  using Term = TemperatureFunction::Term;

  /// f(T) = 3 + 2 T - 0.5 T ln T + 4e5 / T + 1e-3 T^2 - 1.5e-21 T^7.
  TemperatureFunction
  sample()
  {
    return TemperatureFunction({298.15, 6000.},
                               {{{3., 0, false},
                                 {2., 1, false},
                                 {-0.5, 1, true},
                                 {4e5, -1, false},
                                 {1e-3, 2, false},
                                 {-1.5e-21, 7, false}}});
  }

  double
  sample_by_hand(const double T)
  {
    return 3. + 2. * T - 0.5 * T * std::log(T) + 4e5 / T + 1e-3 * T * T
           - 1.5e-21 * std::pow(T, 7);
  }
} // namespace


TEST(TemperatureFunction, ValueAndDerivativesByHand)
{
  const TemperatureFunction f = sample();
  for (const double T : {300., 933.47, 1500., 2500.})
    {
      EXPECT_NEAR(f.value(T), sample_by_hand(T), 1e-12 * std::abs(f.value(T)));
      const double df = 2. - 0.5 * (std::log(T) + 1.) - 4e5 / (T * T) + 2e-3 * T
                        - 7. * 1.5e-21 * std::pow(T, 6);
      const double d2f
        = -0.5 / T + 8e5 / (T * T * T) + 2e-3 - 42. * 1.5e-21 * std::pow(T, 5);
      EXPECT_NEAR(f.derivative(T), df, 1e-12 * std::abs(df) + 1e-14);
      EXPECT_NEAR(f.second_derivative(T), d2f, 1e-12 * std::abs(d2f) + 1e-16);
      // And central differences of the function itself.
      const double h = 1e-5 * T;
      EXPECT_NEAR(f.derivative(T),
                  (f.value(T + h) - f.value(T - h)) / (2 * h),
                  1e-6 * std::abs(df) + 1e-8);
      EXPECT_NEAR(f.second_derivative(T),
                  (f.derivative(T + h) - f.derivative(T - h)) / (2 * h),
                  1e-6 * std::abs(d2f) + 1e-10);
    }
  // T ln T with other powers: T^2 ln T and T^-1 ln T against differences.
  const TemperatureFunction g({100., 2000.},
                              {{{0.3, 2, true}, {-7., -1, true}}});
  for (const double T : {150., 800.})
    {
      const double h = 1e-4 * T;
      EXPECT_NEAR(g.value(T),
                  0.3 * T * T * std::log(T) - 7. * std::log(T) / T,
                  1e-10);
      EXPECT_NEAR(g.derivative(T),
                  (g.value(T + h) - g.value(T - h)) / (2 * h),
                  1e-6 * std::abs(g.derivative(T)));
      EXPECT_NEAR(g.second_derivative(T),
                  (g.derivative(T + h) - g.derivative(T - h)) / (2 * h),
                  1e-6 * std::abs(g.second_derivative(T)));
    }
}


TEST(TemperatureFunction, PiecesAndExtrapolationWithTheNearestRange)
{
  // 1 + T on [300, 700), 5 - T on [700, 1000).
  const TemperatureFunction f({300., 700., 1000.},
                              {{{1., 0, false}, {1., 1, false}},
                               {{5., 0, false}, {-1., 1, false}}});
  EXPECT_DOUBLE_EQ(f.value(500.), 501.);
  EXPECT_DOUBLE_EQ(f.value(700.), -695.); // the upper range owns its start
  EXPECT_DOUBLE_EQ(f.value(999.), -994.);
  EXPECT_DOUBLE_EQ(f.value(100.), 101.);    // first range extrapolated
  EXPECT_DOUBLE_EQ(f.value(2000.), -1995.); // last range extrapolated
  EXPECT_DOUBLE_EQ(f.derivative(2000.), -1.);
  EXPECT_TRUE(TemperatureFunction().is_zero());
  EXPECT_EQ(TemperatureFunction().value(500.), 0.);
}


TEST(TemperatureFunction, SumsMergeBreakpoints)
{
  const TemperatureFunction a({300., 700., 1000.},
                              {{{1., 0, false}, {1., 1, false}},
                               {{5., 0, false}, {-1., 1, false}}});
  const TemperatureFunction b({298.15, 933.47, 2900.},
                              {{{2., 2, false}}, {{-3., 1, true}}});
  const TemperatureFunction s
    = 0.75 * a + 0.25 * b - TemperatureFunction::linear(47381.);
  EXPECT_EQ(
    s.breakpoints(),
    (std::vector<double>{0., 298.15, 300., 700., 933.47, 1000., 2900., 1e6}));
  for (double T = 50.; T < 4000.; T += 37.3)
    EXPECT_NEAR(s.value(T),
                0.75 * a.value(T) + 0.25 * b.value(T) - 47381.,
                1e-9 * (1. + std::abs(s.value(T))))
      << "T = " << T;
  // Terms of the same kind are added up.
  const TemperatureFunction twice = a + a;
  EXPECT_EQ(twice.terms(0).size(), 2u);
  EXPECT_DOUBLE_EQ(twice.value(400.), 2. * a.value(400.));
  EXPECT_TRUE((a - a).is_zero());
}


TEST(TemperatureFunction, FrozenBelowTheGlassTransition)
{
  const TemperatureFunction f  = sample();
  const double              Tg = 650.;
  const TemperatureFunction g  = frozen_below(f, Tg);
  for (const double T : {Tg, 700., 1500., 7000.})
    EXPECT_NEAR(g.value(T), f.value(T), 1e-10 * std::abs(f.value(T)));
  for (const double T : {100., 400., 649.})
    {
      EXPECT_NEAR(g.value(T),
                  f.value(Tg) + (T - Tg) * f.derivative(Tg),
                  1e-10 * std::abs(f.value(Tg)));
      EXPECT_NEAR(g.derivative(T), f.derivative(Tg), 1e-12);
      EXPECT_EQ(g.second_derivative(T), 0.);
    }
  // Continuous with its slope at Tg.
  EXPECT_NEAR(g.value(Tg - 1e-9), g.value(Tg), 1e-6);
  EXPECT_NEAR(g.derivative(Tg - 1e-9), g.derivative(Tg), 1e-9);
  // Tg below the first range: still the tangent below Tg.
  const TemperatureFunction low = frozen_below(f, 200.);
  EXPECT_NEAR(low.value(100.),
              f.value(200.) - 100. * f.derivative(200.),
              1e-9 * std::abs(f.value(200.)));
  EXPECT_NEAR(low.value(250.), f.value(250.), 1e-9 * std::abs(f.value(250.)));
}
