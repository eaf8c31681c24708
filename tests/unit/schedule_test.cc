#include <vitrum/base/exceptions.h>
#include <vitrum/base/schedule.h>

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace
{
  using vitrum::InputError;
  using vitrum::base::Quantity;
  using vitrum::base::Schedule;

  constexpr double tol      = 1e-9;
  const double     infinity = std::numeric_limits<double>::infinity();

  /// 300 K, up at 100 K/s to 1000 K (0..7 s), hold 60 s (7..67 s), down at
  /// 10 K/min to 900 K (67..667 s).
  Schedule
  three_segments()
  {
    return Schedule::parse(
      "300 K; ramp 100 K/s to 1000 K; hold 60 s; ramp 10 K/min to 900 K",
      Quantity::temperature());
  }

  /// Checks that parsing @p text throws an InputError whose message quotes
  /// @p segment (the offending segment text) and contains each of
  /// @p fragments (what is wrong, what is allowed).
  void
  expect_input_error(const std::string                 &text,
                     const std::string                 &segment,
                     std::initializer_list<std::string> fragments = {},
                     const Quantity &quantity = Quantity::temperature())
  {
    EXPECT_THROW(Schedule::parse(text, quantity), InputError) << text;
    try
      {
        Schedule::parse(text, quantity);
      }
    catch (const InputError &error)
      {
        const std::string message = error.what();
        EXPECT_NE(message.find('"' + segment + '"'), std::string::npos)
          << "message: " << message;
        for (const std::string &fragment : fragments)
          EXPECT_NE(message.find(fragment), std::string::npos)
            << "missing \"" << fragment << "\" in message: " << message;
      }
  }
} // namespace


TEST(Schedule, ThreeSegmentValues)
{
  const Schedule s = three_segments();
  EXPECT_NEAR(s.value(-5.), 300., tol);
  EXPECT_NEAR(s.value(0.), 300., tol);
  EXPECT_NEAR(s.value(3.5), 650., tol);
  EXPECT_NEAR(s.value(7.), 1000., tol);
  EXPECT_NEAR(s.value(37.), 1000., tol);
  EXPECT_NEAR(s.value(67.), 1000., tol);
  EXPECT_NEAR(s.value(367.), 950., tol);
  EXPECT_NEAR(s.value(667.), 900., tol);
  EXPECT_NEAR(s.value(1e6), 900., tol);
}


TEST(Schedule, ThreeSegmentRates)
{
  const Schedule s = three_segments();
  EXPECT_DOUBLE_EQ(s.rate(-1.), 0.);
  EXPECT_DOUBLE_EQ(s.rate(0.), 100.);
  EXPECT_DOUBLE_EQ(s.rate(3.5), 100.);
  EXPECT_DOUBLE_EQ(s.rate(6.999), 100.);
  // Right-continuous: at a kink the rate of the segment starting there.
  EXPECT_DOUBLE_EQ(s.rate(7.), 0.);
  EXPECT_DOUBLE_EQ(s.rate(66.9), 0.);
  EXPECT_DOUBLE_EQ(s.rate(67.), -1. / 6.);
  EXPECT_DOUBLE_EQ(s.rate(400.), -1. / 6.);
  EXPECT_DOUBLE_EQ(s.rate(667.), 0.);
  EXPECT_DOUBLE_EQ(s.rate(1e6), 0.);
  // Round-off below a kink counts as the kink.
  EXPECT_DOUBLE_EQ(s.rate(67. - 1e-14), -1. / 6.);
}


TEST(Schedule, EndTimeAndBreakpoints)
{
  const Schedule s = three_segments();
  EXPECT_NEAR(s.end_time(), 667., tol);
  const std::vector<double> b = s.breakpoints();
  ASSERT_EQ(b.size(), 4u);
  EXPECT_DOUBLE_EQ(b[0], 0.);
  EXPECT_NEAR(b[1], 7., tol);
  EXPECT_NEAR(b[2], 67., tol);
  EXPECT_NEAR(b[3], 667., tol);
  EXPECT_FALSE(s.is_constant());
}


TEST(Schedule, NextBreakpointAfter)
{
  const Schedule s = three_segments();
  EXPECT_DOUBLE_EQ(s.next_breakpoint_after(-1.), 0.);
  EXPECT_NEAR(s.next_breakpoint_after(0.), 7., tol);
  EXPECT_NEAR(s.next_breakpoint_after(3.), 7., tol);
  EXPECT_NEAR(s.next_breakpoint_after(7.), 67., tol);
  EXPECT_NEAR(s.next_breakpoint_after(7. - 1e-13), 67., tol);
  EXPECT_NEAR(s.next_breakpoint_after(66.), 67., tol);
  EXPECT_EQ(s.next_breakpoint_after(667.), infinity);
  EXPECT_EQ(s.next_breakpoint_after(1e6), infinity);
}


TEST(Schedule, CelsiusValuesWithOffsetRatesWithout)
{
  const Schedule s
    = Schedule::parse("20 C; ramp 10 C/s to 120 degC", Quantity::temperature());
  EXPECT_NEAR(s.value(0.), 293.15, tol);
  EXPECT_NEAR(s.value(5.), 343.15, tol);
  EXPECT_NEAR(s.end_time(), 10., tol);
  EXPECT_NEAR(s.value(10.), 393.15, tol);
  EXPECT_DOUBLE_EQ(s.rate(5.), 10.);
}


TEST(Schedule, QuantityConversions)
{
  const Quantity t = Quantity::temperature();
  EXPECT_DOUBLE_EQ(t.to_si(25., "C"), 298.15);
  EXPECT_DOUBLE_EQ(t.to_si(25., "degC"), 298.15);
  EXPECT_DOUBLE_EQ(t.to_si(25., "K"), 25.);
  EXPECT_DOUBLE_EQ(t.difference_to_si(25., "C"), 25.);
  const Quantity p = Quantity::pressure();
  EXPECT_DOUBLE_EQ(p.to_si(2., "Pa"), 2.);
  EXPECT_DOUBLE_EQ(p.to_si(2., "kPa"), 2e3);
  EXPECT_DOUBLE_EQ(p.to_si(2., "MPa"), 2e6);
  EXPECT_DOUBLE_EQ(p.to_si(2., "GPa"), 2e9);
  EXPECT_THROW(p.to_si(1., "bar"), InputError);
  try
    {
      t.to_si(1., "F");
    }
  catch (const InputError &error)
    {
      EXPECT_NE(std::string(error.what()).find("K, C, degC"),
                std::string::npos);
    }
}


TEST(Schedule, PressureUnits)
{
  const Schedule s
    = Schedule::parse("100 kPa; ramp 1 MPa/min to 1.1 MPa; hold 2 h",
                      Quantity::pressure());
  EXPECT_NEAR(s.value(0.), 1e5, 1e-6);
  EXPECT_NEAR(s.value(30.), 6e5, 1e-6);
  EXPECT_NEAR(s.rate(30.), 1e6 / 60., 1e-6);
  EXPECT_NEAR(s.end_time(), 60. + 7200., tol);
  EXPECT_NEAR(s.value(1000.), 1.1e6, 1e-6);
  EXPECT_NEAR(Schedule::parse("1 GPa", Quantity::pressure()).value(0.),
              1e9,
              1e-6);
  EXPECT_NEAR(Schedule::parse("5 Pa", Quantity::pressure()).value(0.), 5., tol);
}


TEST(Schedule, TimeUnits)
{
  const Schedule s = Schedule::parse(
    "300 K; hold 2 min; hold 1.5 h; hold 10 sec; hold 1 hour; hold 3 s",
    Quantity::temperature());
  const std::vector<double> b = s.breakpoints();
  ASSERT_EQ(b.size(), 6u);
  EXPECT_NEAR(b[1], 120., tol);
  EXPECT_NEAR(b[2], 120. + 5400., tol);
  EXPECT_NEAR(b[3], 5530., tol);
  EXPECT_NEAR(b[4], 9130., tol);
  EXPECT_NEAR(s.end_time(), 9133., tol);
  // Only holds: the value never changes.
  EXPECT_TRUE(s.is_constant());
  EXPECT_DOUBLE_EQ(s.value(5000.), 300.);
}


TEST(Schedule, ConstantFromText)
{
  const Schedule s = Schedule::parse("300 K", Quantity::temperature());
  EXPECT_TRUE(s.is_constant());
  EXPECT_DOUBLE_EQ(s.end_time(), 0.);
  EXPECT_DOUBLE_EQ(s.value(-1.), 300.);
  EXPECT_DOUBLE_EQ(s.value(0.), 300.);
  EXPECT_DOUBLE_EQ(s.value(1e6), 300.);
  EXPECT_DOUBLE_EQ(s.rate(0.), 0.);
  EXPECT_DOUBLE_EQ(s.rate(10.), 0.);
  EXPECT_EQ(s.breakpoints(), std::vector<double>{0.});
  EXPECT_DOUBLE_EQ(s.next_breakpoint_after(-1.), 0.);
  EXPECT_EQ(s.next_breakpoint_after(0.), infinity);
}


TEST(Schedule, ConstantFactory)
{
  const Schedule s = Schedule::constant(5e6, Quantity::pressure());
  EXPECT_TRUE(s.is_constant());
  EXPECT_DOUBLE_EQ(s.value(42.), 5e6);
  EXPECT_DOUBLE_EQ(s.rate(42.), 0.);
  EXPECT_DOUBLE_EQ(s.end_time(), 0.);
  EXPECT_THROW(Schedule::constant(0., Quantity::temperature()), InputError);
  EXPECT_THROW(Schedule::constant(-1., Quantity::temperature()), InputError);
  EXPECT_THROW(Schedule::constant(std::nan(""), Quantity::pressure()),
               InputError);
}


TEST(Schedule, RampToInDuration)
{
  const Schedule s
    = Schedule::parse("300 K; ramp to 500 K in 2 min", Quantity::temperature());
  EXPECT_NEAR(s.end_time(), 120., tol);
  EXPECT_NEAR(s.value(60.), 400., tol);
  EXPECT_NEAR(s.rate(60.), 200. / 120., tol);
  EXPECT_NEAR(s.value(500.), 500., tol);
}


TEST(Schedule, StartFormsKeywordCaseWhitespaceAndTrailingSemicolon)
{
  const Quantity t = Quantity::temperature();
  for (const char *text : {"300 K; hold 10 s",
                           "start 300 K; hold 10 s",
                           "start at 300 K; hold 10 s",
                           "  START   AT 300 K ;Hold 10 S;  ",
                           "300 K; HOLD 10 s;"})
    {
      const Schedule s = Schedule::parse(text, t);
      EXPECT_DOUBLE_EQ(s.value(5.), 300.) << text;
      EXPECT_DOUBLE_EQ(s.end_time(), 10.) << text;
    }
  const Schedule s = Schedule::parse("300 K; RAMP 5 K/S TO 350 K;", t);
  EXPECT_NEAR(s.end_time(), 10., tol);
}


TEST(Schedule, RateSignConventions)
{
  const Quantity t = Quantity::temperature();
  // A positive rate is a magnitude in the direction of the target.
  const Schedule down = Schedule::parse("1000 K; ramp 10 K/s to 900 K", t);
  EXPECT_NEAR(down.end_time(), 10., tol);
  EXPECT_DOUBLE_EQ(down.rate(5.), -10.);
  // A negative rate agreeing with the direction is accepted.
  const Schedule signed_down
    = Schedule::parse("1000 K; ramp -10 K/s to 900 K", t);
  EXPECT_NEAR(signed_down.end_time(), 10., tol);
  EXPECT_DOUBLE_EQ(signed_down.rate(5.), -10.);
}


TEST(Schedule, ScientificNotation)
{
  const Schedule s = Schedule::parse("1e3 K; ramp 1.5e1 K/s to 1.3e3 K",
                                     Quantity::temperature());
  EXPECT_DOUBLE_EQ(s.value(0.), 1000.);
  EXPECT_NEAR(s.end_time(), 20., tol);
}


TEST(Schedule, DescribeHasOneLinePerSegment)
{
  const std::string text  = three_segments().describe();
  std::size_t       lines = 1;
  for (const char c : text)
    lines += (c == '\n');
  EXPECT_EQ(lines, 4u) << text;
  EXPECT_NE(text.find("300 K"), std::string::npos) << text;
  EXPECT_NE(text.find("hold at 1000 K"), std::string::npos) << text;
  EXPECT_NE(text.find("100 K/s"), std::string::npos) << text;
  const std::string constant
    = Schedule::parse("300 K", Quantity::temperature()).describe();
  EXPECT_EQ(constant.find('\n'), std::string::npos) << constant;
}


TEST(ScheduleErrors, EmptyText)
{
  expect_input_error("", "", {"empty", "<value> <unit>"});
  expect_input_error("   ", "   ", {"empty"});
  expect_input_error("  ;  ", "", {"start value"});
}


TEST(ScheduleErrors, MissingStartValue)
{
  expect_input_error("hold 10 s; ramp 10 K/s to 500 K",
                     "hold 10 s",
                     {"segment 1", "start value", "<value> <unit>"});
  expect_input_error("ramp 10 K/s to 500 K",
                     "ramp 10 K/s to 500 K",
                     {"start value"});
  expect_input_error("300; hold 10 s", "300", {"<value> <unit>"});
  expect_input_error("start at K", "start at K", {"<value> <unit>"});
}


TEST(ScheduleErrors, UnknownKeyword)
{
  expect_input_error("300 K; cool 10 K/s to 200 K",
                     "cool 10 K/s to 200 K",
                     {"segment 2", "\"cool\"", "allowed: hold, ramp"});
  expect_input_error("300 K; start 400 K", "start 400 K", {"segment 1 only"});
}


TEST(ScheduleErrors, UnknownUnit)
{
  expect_input_error("300 F", "300 F", {"\"F\"", "K, C, degC"});
  expect_input_error("300 K; ramp 10 F/s to 400 K",
                     "ramp 10 F/s to 400 K",
                     {"\"F\"", "K, C, degC"});
  expect_input_error("300 K; ramp 10 K/s to 400 k",
                     "ramp 10 K/s to 400 k",
                     {"\"k\""});
  expect_input_error("1 bar",
                     "1 bar",
                     {"\"bar\"", "Pa, kPa, MPa, GPa"},
                     Quantity::pressure());
  expect_input_error("300 K; hold 10 days",
                     "hold 10 days",
                     {"\"days\"", "s, sec, min, h, hour"});
  expect_input_error("300 K; ramp 10 K/week to 400 K",
                     "ramp 10 K/week to 400 K",
                     {"\"week\"", "s, sec, min, h, hour"});
  expect_input_error("300 K; ramp 10 K to 400 K",
                     "ramp 10 K to 400 K",
                     {"<unit>/<time unit>"});
}


TEST(ScheduleErrors, ZeroOrNegativeDuration)
{
  expect_input_error("300 K; hold 0 s", "hold 0 s", {"> 0"});
  expect_input_error("300 K; hold -5 min", "hold -5 min", {"> 0"});
  expect_input_error("300 K; ramp to 400 K in -1 s",
                     "ramp to 400 K in -1 s",
                     {"> 0"});
  expect_input_error("300 K; ramp to 400 K in 0 h",
                     "ramp to 400 K in 0 h",
                     {"> 0"});
}


TEST(ScheduleErrors, ZeroRate)
{
  expect_input_error("300 K; ramp 0 K/s to 400 K",
                     "ramp 0 K/s to 400 K",
                     {"zero rate", "magnitude > 0"});
  expect_input_error("300 K; ramp -0 K/min to 400 K",
                     "ramp -0 K/min to 400 K",
                     {"zero rate"});
}


TEST(ScheduleErrors, RateWithWrongSign)
{
  expect_input_error("300 K; ramp -10 K/s to 400 K",
                     "ramp -10 K/s to 400 K",
                     {"negative rate", "positive rate"});
}


TEST(ScheduleErrors, ZeroLengthRamp)
{
  expect_input_error("300 K; ramp 10 K/s to 300 K",
                     "ramp 10 K/s to 300 K",
                     {"zero-length", "hold"});
  // 26.85 C is 300 K up to round-off.
  expect_input_error("300 K; ramp 10 K/s to 26.85 C",
                     "ramp 10 K/s to 26.85 C",
                     {"zero-length"});
  expect_input_error("300 K; ramp to 300 K in 10 s",
                     "ramp to 300 K in 10 s",
                     {"zero-length"});
}


TEST(ScheduleErrors, MalformedRamp)
{
  expect_input_error("300 K; ramp 100 K/s to",
                     "ramp 100 K/s to",
                     {"expected \"ramp <rate> <unit>/<time unit> to <value> "
                      "<unit>\""});
  expect_input_error("300 K; ramp 100 K/s up 400 K",
                     "ramp 100 K/s up 400 K",
                     {"expected"});
  expect_input_error("300 K; ramp to 400 K for 10 s",
                     "ramp to 400 K for 10 s",
                     {"in <duration> <time unit>"});
  expect_input_error("300 K; hold 10", "hold 10", {"hold <duration>"});
}


TEST(ScheduleErrors, MalformedNumber)
{
  expect_input_error("100x K", "100x K", {"malformed number \"100x\""});
  expect_input_error("300 K; hold 1o s", "hold 1o s", {"\"1o\""});
  expect_input_error("300 K; ramp 1..5 K/s to 400 K",
                     "ramp 1..5 K/s to 400 K",
                     {"\"1..5\""});
  expect_input_error("nan K", "nan K", {"malformed number"});
  expect_input_error("300 K; hold inf s", "hold inf s", {"malformed number"});
  expect_input_error("300 K; ramp 1e999 K/s to 400 K",
                     "ramp 1e999 K/s to 400 K",
                     {"malformed number"});
}


TEST(ScheduleErrors, EmptyMiddleSegment)
{
  expect_input_error("300 K;; hold 10 s", "", {"segment 2", "empty segment"});
}


TEST(ScheduleErrors, NonPositiveKelvin)
{
  expect_input_error("-5 K", "-5 K", {"> 0 K"});
  expect_input_error("0 K", "0 K", {"> 0 K"});
  expect_input_error("start at -300 C", "start at -300 C", {"> 0 K"});
  expect_input_error("300 K; ramp 10 K/s to -280 C",
                     "ramp 10 K/s to -280 C",
                     {"> 0 K"});
  // Negative pressures (tension) are allowed.
  EXPECT_NO_THROW(Schedule::parse("-1 MPa", Quantity::pressure()));
}
