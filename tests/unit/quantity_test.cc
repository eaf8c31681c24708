#include <deal.II/base/parameter_handler.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>

namespace
{
  using vitrum::InputError;
  using namespace vitrum::base;

  constexpr double tol = 1e-12;

  /// The InputError message of @p f, or "" if it throws none.
  template <class F>
  std::string
  error_of(F f)
  {
    try
      {
        f();
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    return "";
  }

  void
  expect_contains(const std::string                 &message,
                  std::initializer_list<std::string> fragments)
  {
    EXPECT_FALSE(message.empty()) << "no InputError";
    for (const std::string &f : fragments)
      EXPECT_NE(message.find(f), std::string::npos)
        << "missing \"" << f << "\" in: " << message;
  }
} // namespace


TEST(Quantity, EveryTimeUnit)
{
  EXPECT_DOUBLE_EQ(parse_time("3600"), 3600.);
  EXPECT_DOUBLE_EQ(parse_time("2 s"), 2.);
  EXPECT_DOUBLE_EQ(parse_time("2 sec"), 2.);
  EXPECT_DOUBLE_EQ(parse_time("2 min"), 120.);
  EXPECT_DOUBLE_EQ(parse_time("1 h"), 3600.);
  EXPECT_DOUBLE_EQ(parse_time("1 hour"), 3600.);
  EXPECT_DOUBLE_EQ(parse_time("1.5 d"), 1.5 * 86400.);
  EXPECT_DOUBLE_EQ(parse_time("1 day"), 86400.);
  // Time units are not case-sensitive, as in schedules.
  EXPECT_DOUBLE_EQ(parse_time("1 H"), 3600.);
  // A plain number is in the entry's unit.
  EXPECT_DOUBLE_EQ(parse_time("2", "min"), 120.);
  EXPECT_DOUBLE_EQ(parse_time("2 s", "min"), 2.);
}


TEST(Quantity, EveryLengthUnit)
{
  EXPECT_DOUBLE_EQ(parse_length("2"), 2.);
  EXPECT_DOUBLE_EQ(parse_length("2 m"), 2.);
  EXPECT_DOUBLE_EQ(parse_length("2 cm"), 2e-2);
  EXPECT_DOUBLE_EQ(parse_length("2 mm"), 2e-3);
  EXPECT_DOUBLE_EQ(parse_length("2 um"), 2e-6);
  EXPECT_DOUBLE_EQ(parse_length("2 \u00b5m"), 2e-6); // micro sign
  EXPECT_DOUBLE_EQ(parse_length("2 \u03bcm"), 2e-6); // Greek mu
  EXPECT_DOUBLE_EQ(parse_length("2 nm"), 2e-9);
  EXPECT_DOUBLE_EQ(parse_length("2 Angstrom"), 2e-10);
  EXPECT_DOUBLE_EQ(parse_length("60", "nm"), 60e-9);
  // Length units are case-sensitive: "Mm" is no millimetre.
  EXPECT_THROW(parse_length("2 Mm"), InputError);
  EXPECT_THROW(parse_length("2 NM"), InputError);
}


TEST(Quantity, EveryTemperatureUnit)
{
  EXPECT_DOUBLE_EQ(parse_temperature("623"), 623.);
  EXPECT_DOUBLE_EQ(parse_temperature("623 K"), 623.);
  EXPECT_NEAR(parse_temperature("350 C"), 623.15, tol);
  EXPECT_NEAR(parse_temperature("350 degC"), 623.15, tol);
  EXPECT_NEAR(parse_temperature("350 \u00b0C"), 623.15, tol);
  EXPECT_NEAR(parse_temperature("350\u00b0C"), 623.15, tol);
  EXPECT_NEAR(parse_temperature("25", "C"), 298.15, tol);
  // A difference has no offset.
  EXPECT_DOUBLE_EQ(parse_in("0.5 C", kelvin_difference()), 0.5);
  EXPECT_DOUBLE_EQ(parse_in("0.5 K", kelvin_difference()), 0.5);
  EXPECT_THROW(parse_temperature("300 F"), InputError);
  EXPECT_THROW(parse_temperature("300 k"), InputError);
}


TEST(Quantity, Spaces)
{
  EXPECT_DOUBLE_EQ(parse_time("1h"), 3600.);
  EXPECT_DOUBLE_EQ(parse_time("  1   h  "), 3600.);
  EXPECT_DOUBLE_EQ(parse_time("\t30\tmin\t"), 1800.);
  EXPECT_DOUBLE_EQ(parse_length(" 200nm"), 200e-9);
  EXPECT_DOUBLE_EQ(parse_time(" 5 "), 5.);
  // A unit holds no space, and there is one number only.
  EXPECT_THROW(parse_time("1 h 30 min"), InputError);
  EXPECT_THROW(parse_time("1 2"), InputError);
  EXPECT_THROW(parse_time(""), InputError);
  EXPECT_THROW(parse_time("   "), InputError);
  EXPECT_THROW(parse_time("h"), InputError);
}


TEST(Quantity, NegativeValues)
{
  EXPECT_DOUBLE_EQ(parse_time("-2 min"), -120.);
  EXPECT_DOUBLE_EQ(parse_length("-3 nm"), -3e-9);
  EXPECT_NEAR(parse_temperature("-20 C"), 253.15, tol);
  EXPECT_DOUBLE_EQ(parse_in("-1 K", kelvin_difference()), -1.);
  // An absolute temperature must be above 0 K.
  expect_contains(error_of([] { parse_temperature("-300 C"); }),
                  {"'-300 C'", "temperature > 0 K"});
  EXPECT_THROW(parse_temperature("0 K"), InputError);
  EXPECT_THROW(parse_temperature("-5"), InputError);
}


TEST(Quantity, ScientificNotation)
{
  EXPECT_DOUBLE_EQ(parse_time("1e3"), 1e3);
  EXPECT_DOUBLE_EQ(parse_time("1.5e-3 h"), 1.5e-3 * 3600.);
  EXPECT_DOUBLE_EQ(parse_time("2E2 s"), 200.);
  EXPECT_DOUBLE_EQ(parse_length("2.5e3nm"), 2.5e-6);
  EXPECT_DOUBLE_EQ(parse_length("+4e+1 um"), 40e-6);
  EXPECT_DOUBLE_EQ(parse_time(".5 min"), 30.);
  // Not decimal numbers, or not finite.
  EXPECT_THROW(parse_time("inf s"), InputError);
  EXPECT_THROW(parse_time("nan"), InputError);
  EXPECT_THROW(parse_time("0x10 s"), InputError);
  EXPECT_THROW(parse_time("1e999 s"), InputError);
}


TEST(Quantity, BadUnitsNameTextEntryAndUnits)
{
  const std::string message
    = error_of([] { parse_time("1 parsec", "s", "Time/End time"); });
  EXPECT_EQ(message,
            "Time/End time: '1 parsec' is not a time; use a number in s or "
            "one with a unit: s, sec, min, h, hour, d, day");
  expect_contains(error_of([] { parse_length("3 miles", "nm", "Pore"); }),
                  {"Pore: ", "'3 miles'", "a number in nm", "um", "nm"});
  expect_contains(error_of([] { parse_temperature("300 F"); }),
                  {"'300 F'", "K, C, degC"});
  // A length is no time, and the other way round.
  EXPECT_THROW(parse_time("3 nm"), InputError);
  EXPECT_THROW(parse_length("3 h"), InputError);
  EXPECT_THROW(parse_time("fast"), InputError);
}


TEST(Quantity, ValueInTheEntryUnit)
{
  EXPECT_DOUBLE_EQ(parse_in("1 h", seconds()), 3600.);
  EXPECT_NEAR(parse_in("0.2 um", nanometres()), 200., 1e-10);
  EXPECT_DOUBLE_EQ(parse_in("18", nanometres()), 18.);
  EXPECT_NEAR(parse_in("350 C", kelvin()), 623.15, tol);
  EXPECT_TRUE(is_plain_number(" 1e-3 "));
  EXPECT_FALSE(is_plain_number("1 h"));
  EXPECT_FALSE(is_plain_number(""));
}


TEST(Quantity, PatternMatchesRangeInEntryUnit)
{
  const QuantityPattern thickness(nanometres(), 0.1, 1e4);
  EXPECT_TRUE(thickness.match("18"));
  EXPECT_TRUE(thickness.match("0.018 um"));
  EXPECT_TRUE(thickness.match("10 um")); // the upper bound, converted
  EXPECT_FALSE(thickness.match("11 um"));
  EXPECT_FALSE(thickness.match("0.05"));
  EXPECT_FALSE(thickness.match("18 parsec"));
  EXPECT_EQ(thickness.description(),
            "a length from 0.1 nm to 10000 nm; use a number in nm or one "
            "with a unit: m, cm, mm, um, \u00b5m, \u03bcm, nm, Angstrom");
  const QuantityPattern time(seconds(), 0);
  EXPECT_TRUE(time.match("1 h"));
  EXPECT_FALSE(time.match("-1 s"));
  EXPECT_EQ(time.clone()->description(), time.description());
}


TEST(Quantity, ParameterFileNamesEntryTextAndUnits)
{
  dealii::ParameterHandler prm;
  prm.enter_subsection("Time stepping");
  prm.declare_entry("End time", "1", QuantityPattern(seconds(), 0));
  prm.leave_subsection();
  prm.enter_subsection("Output");
  prm.declare_entry("Output times",
                    "",
                    dealii::Patterns::List(QuantityPattern(seconds(), 0)));
  prm.leave_subsection();

  const std::string file = "quantity_test_units.prm";
  std::ofstream(file) << "subsection Time stepping\n  set End time = 1 h\n"
                      << "end\nsubsection Output\n"
                      << "  set Output times = 30 min, 1800, 0.25h\nend\n";
  parse_parameter_file(prm, file);
  prm.enter_subsection("Time stepping");
  EXPECT_DOUBLE_EQ(get_quantity(prm, "End time", seconds()), 3600.);
  prm.leave_subsection();
  prm.enter_subsection("Output");
  const auto times = get_quantities(prm, "Output times", seconds());
  ASSERT_EQ(times.size(), 3u);
  EXPECT_DOUBLE_EQ(times[0], 1800.);
  EXPECT_DOUBLE_EQ(times[1], 1800.);
  EXPECT_DOUBLE_EQ(times[2], 900.);
  EXPECT_THROW(require_plain_numbers(prm, "Output times", "Output/", "x"),
               InputError);
  prm.leave_subsection();

  std::ofstream(file) << "subsection Time stepping\n"
                      << "  set End time = 1 parsec\nend\n";
  const std::string message
    = error_of([&] { parse_parameter_file(prm, file); });
  expect_contains(message,
                  {"line 2",
                   "Time stepping/End time: '1 parsec' is not a time >= 0 s; "
                   "use a number in s or one with a unit: s, sec, min"});

  std::ofstream(file) << "subsection Output\n"
                      << "  set Output times = 1 h, 2 weeks\nend\n";
  expect_contains(error_of([&] { parse_parameter_file(prm, file); }),
                  {"Output/Output times: '1 h, 2 weeks' has an item that is "
                   "not a time >= 0 s"});
  std::remove(file.c_str());
}
