#include <vitrum/base/exceptions.h>
#include <vitrum/fem/time_stepping.h>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace vitrum::fem;

namespace
{
  // A cubic whose third derivative is 1: y = t^3 / 6 (+ lower terms).
  double
  cubic(const double t)
  {
    return t * t * t / 6.0 + 0.3 * t * t - t + 2.0;
  }
  double
  cubic_rate(const double t)
  {
    return t * t / 2.0 + 0.6 * t - 1.0;
  }
} // namespace

TEST(Bdf, CoefficientsAreConsistent)
{
  for (const double w : {0.3, 1.0, 2.0})
    {
      const auto a = bdf::coefficients(2, w * 0.1, {0.1});
      EXPECT_NEAR(a[0] + a[1] + a[2], 0.0, 1e-12);
      // exact for a linear function: derivative of t is 1
      const double h = w * 0.1;
      EXPECT_NEAR(a[0] * h + a[1] * 0.0 + a[2] * (-0.1), 1.0, 1e-12);
    }
  const auto be = bdf::coefficients(1, 0.5, {0.1});
  EXPECT_DOUBLE_EQ(be[0], 2.0);
  EXPECT_DOUBLE_EQ(be[1], -2.0);
  // Constant step BDF2: (3/2, -2, 1/2) / h
  const auto a = bdf::coefficients(2, 0.1, {0.1});
  EXPECT_NEAR(a[0], 15.0, 1e-12);
  EXPECT_NEAR(a[1], -20.0, 1e-12);
  EXPECT_NEAR(a[2], 5.0, 1e-12);
}

TEST(Bdf, ExtrapolationIsExactForQuadratics)
{
  const auto   y = [](double t) { return 1.0 - 2.0 * t + 3.0 * t * t; };
  const double h = 0.3, h1 = 0.2, h2 = 0.45;
  const auto   w = bdf::extrapolation_weights(3, h, {h1, h2});
  EXPECT_NEAR(w[0] * y(0) + w[1] * y(-h1) + w[2] * y(-h1 - h2), y(h), 1e-12);
  const auto w1 = bdf::extrapolation_weights(2, h, {h1, h2});
  EXPECT_NEAR(w1[0] * (1 - 2 * 0.0) + w1[1] * (1 - 2 * -h1), 1 - 2 * h, 1e-12);
  const auto w0 = bdf::extrapolation_weights(1, h, {h1, h2});
  EXPECT_DOUBLE_EQ(w0[0], 1.0);
}

// For y' = g(t) (no dependence on y) BDF2 gives y_{n+1} explicitly; on a
// cubic the error estimate from Milne's device must equal the true error.
TEST(Bdf, ErrorEstimateIsExactOnCubics)
{
  for (const double w : {0.5, 1.0, 1.7})
    {
      const double h1 = 0.2, h2 = 0.15, h = w * h1;
      const double t0 = 1.0;
      const auto   a  = bdf::coefficients(2, h, {h1});
      const double y_bdf
        = (cubic_rate(t0 + h) - a[1] * cubic(t0) - a[2] * cubic(t0 - h1))
          / a[0];
      const auto   e = bdf::extrapolation_weights(3, h, {h1, h2});
      const double y_pred
        = e[0] * cubic(t0) + e[1] * cubic(t0 - h1) + e[2] * cubic(t0 - h1 - h2);
      const auto   model      = bdf::error_model(2, 3, h, {h1, h2});
      const double true_error = y_bdf - cubic(t0 + h);
      EXPECT_NEAR(model.factor * (y_bdf - y_pred), true_error, 1e-12)
        << "w=" << w;
      EXPECT_DOUBLE_EQ(model.exponent, 1.0 / 3.0);
    }
  // Constant step: the classic factor 2/11 (C = 2/9 h^3 vs 1 h^3).
  EXPECT_NEAR(bdf::error_model(2, 3, 1.0, {1.0, 1.0}).factor,
              2.0 / 11.0,
              1e-14);
}

TEST(Bdf, BackwardEulerErrorEstimateIsExactOnQuadratics)
{
  const auto   y  = [](double t) { return 0.5 * t * t + t; };
  const auto   dy = [](double t) { return t + 1.0; };
  const double h = 0.3, h1 = 0.2;
  const double y_be   = y(0) + h * dy(h);
  const auto   e      = bdf::extrapolation_weights(2, h, {h1});
  const double y_pred = e[0] * y(0) + e[1] * y(-h1);
  const auto   model  = bdf::error_model(1, 2, h, {h1});
  EXPECT_NEAR(model.factor * (y_be - y_pred), y_be - y(h), 1e-12);
  EXPECT_DOUBLE_EQ(model.exponent, 0.5);
}

namespace
{
  // A quartic whose fourth derivative is 1.
  double
  quartic(const double t)
  {
    return t * t * t * t / 24.0 - 0.2 * t * t * t + t * t - t + 1.0;
  }
  double
  quartic_rate(const double t)
  {
    return t * t * t / 6.0 - 0.6 * t * t + 2.0 * t - 1.0;
  }
} // namespace

// Variable-step BDF3 differentiates cubics exactly, and its constant-step
// coefficients are the textbook (11/6, -3, 3/2, -1/3) / h.
TEST(Bdf, ThirdOrderIsExactForCubics)
{
  const double h = 0.25, h1 = 0.2, h2 = 0.3, h3 = 0.15;
  const auto   a = bdf::coefficients(3, h, {h1, h2, h3});
  ASSERT_EQ(a.size(), 4u);
  const double t0         = 1.0;
  const double times[4]   = {t0 + h, t0, t0 - h1, t0 - h1 - h2};
  double       derivative = 0;
  for (unsigned int j = 0; j < 4; ++j)
    derivative += a[j] * cubic(times[j]);
  EXPECT_NEAR(derivative, cubic_rate(t0 + h), 1e-11);

  const auto c = bdf::coefficients(3, 0.5, {0.5, 0.5});
  EXPECT_NEAR(c[0], 11.0 / 3.0, 1e-12);
  EXPECT_NEAR(c[1], -6.0, 1e-12);
  EXPECT_NEAR(c[2], 3.0, 1e-12);
  EXPECT_NEAR(c[3], -2.0 / 3.0, 1e-12);

  const auto w = bdf::extrapolation_weights(4, h, {h1, h2, h3});
  ASSERT_EQ(w.size(), 4u);
  double predicted = 0;
  for (unsigned int j = 0; j < 4; ++j)
    predicted += w[j]
                 * cubic(j == 0   ? t0
                         : j == 1 ? t0 - h1
                         : j == 2 ? t0 - h1 - h2
                                  : t0 - h1 - h2 - h3);
  EXPECT_NEAR(predicted, cubic(t0 + h), 1e-11);
}

// Milne's device for BDF3 with the cubic predictor: on a quartic with
// y' = g(t) the estimate equals the true error, for any step ratios; at
// constant steps the factor is (3/22) / (3/22 + 1) = 3/25.
TEST(Bdf, ThirdOrderErrorEstimateIsExactOnQuartics)
{
  for (const double w : {0.6, 1.0, 1.5})
    {
      const double h1 = 0.2, h2 = 0.25, h3 = 0.15, h = w * h1, t0 = 1.0;
      const std::vector<double> past = {h1, h2, h3};
      const double times[4] = {t0, t0 - h1, t0 - h1 - h2, t0 - h1 - h2 - h3};
      const auto   a        = bdf::coefficients(3, h, past);
      double       history  = 0;
      for (unsigned int j = 1; j < 4; ++j)
        history += a[j] * quartic(times[j - 1]);
      const double y_bdf  = (quartic_rate(t0 + h) - history) / a[0];
      const auto   e      = bdf::extrapolation_weights(4, h, past);
      double       y_pred = 0;
      for (unsigned int j = 0; j < 4; ++j)
        y_pred += e[j] * quartic(times[j]);
      const auto model = bdf::error_model(3, 4, h, past);
      EXPECT_NEAR(model.factor * (y_bdf - y_pred),
                  y_bdf - quartic(t0 + h),
                  1e-12)
        << "w=" << w;
      EXPECT_DOUBLE_EQ(model.exponent, 0.25);
    }
  EXPECT_NEAR(bdf::error_model(3, 4, 1.0, {1.0, 1.0, 1.0}).factor,
              3.0 / 25.0,
              1e-14);
}

TEST(TimeStepController, LandsOnTargetsWithoutSlivers)
{
  TimeSteppingParameters p;
  p.initial_time_step = 0.4;
  TimeStepController c(p);
  c.set_target_times({1.0, 0.5});
  // 0.5 left before 0.5 is between one and two proposals: halves
  EXPECT_NEAR(c.step_from(0.0), 0.25, 1e-15);
  // 0.3 left before 0.5 < proposal: land exactly
  EXPECT_NEAR(c.step_from(0.2), 0.3, 1e-15);
  // 0.5 left before 1.0 is between one and two proposals: split in halves
  EXPECT_NEAR(c.step_from(0.5), 0.25, 1e-15);
  // beyond the last target: the proposal
  EXPECT_DOUBLE_EQ(c.step_from(1.0), 0.4);
}

TEST(TimeStepController, GrowsOnSmallErrorShrinksOnLargeError)
{
  TimeSteppingParameters p;
  p.initial_time_step = 1.0;
  p.tolerance         = 1e-3;
  p.maximum_growth    = 2.0;
  p.maximum_time_step = 10.0;
  TimeStepController c(p);
  EXPECT_TRUE(c.accept_or_reject(1.0, 0.0, 1.0 / 3));
  EXPECT_DOUBLE_EQ(c.proposed_step(), 2.0); // capped by the growth limit
  EXPECT_FALSE(c.accept_or_reject(2.0, 8e-3, 1.0 / 3));
  EXPECT_NEAR(c.proposed_step(), 2.0 * 0.9 * 0.5, 1e-12);
  EXPECT_TRUE(c.accept_or_reject(8.0, 1e-9, 1.0 / 3));
  EXPECT_DOUBLE_EQ(c.proposed_step(), 10.0); // capped by the maximum
  c.shrink_after_failure(1e-12, 0.25);
  EXPECT_TRUE(c.below_minimum());
}


// The rules for an attempted step: Newton failure quarters the step, too
// large an error lets the controller shrink it, an energy rise halves it;
// right after a remesh the error is not judged; each rejection is counted.
TEST(JudgeStep, AppliesTheRulesAndCountsRejections)
{
  TimeSteppingParameters parameters;
  parameters.tolerance         = 1e-3;
  parameters.minimum_time_step = 1e-6;
  TimeStepController controller(parameters);
  StepStatistics     statistics;
  statistics.steps_since_remesh = 5;

  EXPECT_FALSE(
    judge_step(controller, statistics, 1.0, {false, 0, 0.5, false}, 0, ""));
  EXPECT_DOUBLE_EQ(controller.proposed_step(), 0.25);
  EXPECT_EQ(statistics.rejected_by_newton, 1u);

  EXPECT_FALSE(
    judge_step(controller, statistics, 1.0, {true, 4e-3, 0.5, false}, 0, ""));
  EXPECT_NEAR(controller.proposed_step(), 0.9 * 0.5, 1e-14); // 0.9 (1/4)^(1/2)
  EXPECT_EQ(statistics.rejected_by_error, 1u);

  EXPECT_FALSE(
    judge_step(controller, statistics, 1.0, {true, 1e-4, 0.5, true}, 0, ""));
  EXPECT_DOUBLE_EQ(controller.proposed_step(), 0.5);
  EXPECT_EQ(statistics.rejected_by_energy, 1u);

  EXPECT_TRUE(
    judge_step(controller, statistics, 1.0, {true, 1e-4, 0.5, false}, 0, ""));
  EXPECT_EQ(statistics.rejected, 3u);

  // Within two steps of a remesh a large error does not reject the step,
  // and the proposal stays.
  statistics.steps_since_remesh = 1;
  controller.set_proposed_step(0.7);
  EXPECT_TRUE(
    judge_step(controller, statistics, 0.7, {true, 1.0, 0.5, false}, 0, ""));
  EXPECT_DOUBLE_EQ(controller.proposed_step(), 0.7);
  EXPECT_EQ(statistics.rejected, 3u);
}


TEST(JudgeStep, RefusesToGoBelowTheMinimumStep)
{
  TimeSteppingParameters parameters;
  parameters.minimum_time_step = 0.1;
  TimeStepController controller(parameters);
  StepStatistics     statistics;
  EXPECT_THROW(
    judge_step(controller, statistics, 0.2, {false, 0, 0.5, false}, 3.0, " s"),
    vitrum::SolverError);
}
