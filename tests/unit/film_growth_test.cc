#include <vitrum/base/exceptions.h>
#include <vitrum/models/film_growth.h>
#include <vitrum/thermo/material.h>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using vitrum::InputError;
using vitrum::models::analyse_layers;
using vitrum::models::correlation_length;
using vitrum::models::DepositionSchedule;
using vitrum::models::parse_growth_rate;

namespace
{
  vitrum::thermo::Material
  three_elements()
  {
    vitrum::thermo::Material m;
    m.elements = {"Cu", "O", "Zr"};
    return m;
  }
} // namespace


TEST(FilmGrowth, GrowthRatesTakeUnits)
{
  EXPECT_DOUBLE_EQ(parse_growth_rate("1.2", "r"), 1.2);
  EXPECT_DOUBLE_EQ(parse_growth_rate("1.2 nm/s", "r"), 1.2);
  EXPECT_NEAR(parse_growth_rate("3 nm/min", "r"), 0.05, 1e-15);
  EXPECT_NEAR(parse_growth_rate("0.36 um/h", "r"), 0.1, 1e-15);
  for (const char *bad : {"fast", "-1 nm/s", "0", "3 nm/fortnight"})
    EXPECT_THROW(parse_growth_rate(bad, "r"), InputError) << bad;
}


TEST(FilmGrowth, ScheduleMapsHeightsToTimesAndCompositions)
{
  const auto s = DepositionSchedule::parse(
    "18 nm at 3 nm/min with Cu: 100; 12 nm at 5 nm/min with Zr: 90, O: 10",
    "Deposition/Layers",
    three_elements());
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_DOUBLE_EQ(s.total_thickness(), 30);
  // 18 nm at 0.05 nm/s = 360 s, then 12 nm at 1/12 nm/s = 144 s.
  EXPECT_NEAR(s.time_at_height(18), 360, 1e-9);
  EXPECT_NEAR(s.time_at_height(24), 432, 1e-9);
  EXPECT_NEAR(s.duration(), 504, 1e-9);
  EXPECT_NEAR(s.height_at_time(432), 24, 1e-9);
  EXPECT_NEAR(s.height_at_time(1000), 30, 1e-12);
  EXPECT_DOUBLE_EQ(s.composition_at_height(17.9)[0], 1.0);
  EXPECT_DOUBLE_EQ(s.composition_at_height(18)[2], 0.9);
  EXPECT_DOUBLE_EQ(s.composition_at_height(18)[1], 0.1);
}


TEST(FilmGrowth, BadSchedulesNameTheEntry)
{
  for (const char *bad : {"",
                          "18 nm with Cu: 100",
                          "18 nm at 3 nm/min",
                          "-1 nm at 1 nm/s with Cu: 100",
                          "5 nm at 1 nm/s with Cu: 50"})
    {
      try
        {
          DepositionSchedule::parse(bad, "Deposition/Layers", three_elements());
          ADD_FAILURE() << "accepted: " << bad;
        }
      catch (const InputError &e)
        {
          EXPECT_NE(std::string(e.what()).find("Deposition/Layers"),
                    std::string::npos)
            << e.what();
        }
    }
}


TEST(FilmGrowth, LayerAnalysisFindsPeriodAndContrast)
{
  // A sine of period 4.5 nm and amplitude 5 at.% on a drifting mean,
  // sampled every 0.1 nm over 100 nm: the contrast between the halves
  // above and below the median is (4 / pi) * 5.
  std::vector<double> sine, square;
  for (unsigned int i = 0; i < 1000; ++i)
    {
      const double z     = 0.1 * i;
      const double phase = std::sin(2 * M_PI * z / 4.5);
      sine.push_back(50 + 0.02 * z + 5 * phase);
      square.push_back(50 + (phase >= 0 ? 4 : -4));
    }
  const auto s = analyse_layers(sine, 0.1);
  ASSERT_TRUE(s.found);
  EXPECT_NEAR(s.period, 4.5, 0.01);
  EXPECT_NEAR(s.contrast, 4 / M_PI * 5, 0.05);
  const auto q = analyse_layers(square, 0.1);
  ASSERT_TRUE(q.found);
  EXPECT_NEAR(q.period, 4.5, 0.02);
  EXPECT_NEAR(q.contrast, 8, 0.05);
  // A uniform film has no peak.
  EXPECT_FALSE(analyse_layers(std::vector<double>(500, 50.), 0.1).found);
}


TEST(FilmGrowth, CorrelationLengthOfACosine)
{
  // Rows cos(2 pi x / 8) (period 8 nm, 64 points of 0.25 nm): the
  // autocorrelation is cos(2 pi r / 8), 1/e at r = 8 acos(1/e) / (2 pi).
  std::vector<std::vector<double>> rows(3, std::vector<double>(64));
  for (auto &row : rows)
    for (unsigned int i = 0; i < row.size(); ++i)
      row[i] = std::cos(2 * M_PI * 0.25 * i / 8);
  EXPECT_NEAR(correlation_length(rows, 0.25),
              8 * std::acos(std::exp(-1.)) / (2 * M_PI),
              0.02);
  EXPECT_EQ(correlation_length({std::vector<double>(16, 1.)}, 0.25), 0.);
}
