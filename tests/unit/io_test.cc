#include <vitrum/base/csv_writer.h>
#include <vitrum/base/progress.h>
#include <vitrum/fem/checkpoint.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

namespace
{
  std::string
  read_file(const std::string &name)
  {
    std::ifstream in(name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
} // namespace

TEST(CheckpointState, DoublesRoundTripBitForBit)
{
  vitrum::fem::CheckpointState state;
  const double                 values[]
    = {0.1, 1.0 / 3.0, 6.02214076e23, -1e-300, std::nextafter(1.0, 2.0)};
  for (unsigned int i = 0; i < 5; ++i)
    state.set("v" + std::to_string(i), values[i]);
  state.set("text", "a b c");
  const std::string file = testing::TempDir() + "/state.txt";
  state.write(file);

  vitrum::fem::CheckpointState loaded;
  loaded.read(file);
  for (unsigned int i = 0; i < 5; ++i)
    EXPECT_EQ(loaded.get_double("v" + std::to_string(i)), values[i]);
  EXPECT_EQ(loaded.get_string("text"), "a b c");
  EXPECT_THROW(loaded.get_double("missing"), vitrum::InputError);
}

TEST(CsvWriter, ResumeKeepsRowsUpToTheCheckpoint)
{
  const std::string file = testing::TempDir() + "/series.csv";
  {
    vitrum::base::CsvWriter csv(file, {"step", "time"}, true);
    for (int step = 0; step <= 5; ++step)
      csv.add_row({double(step), 0.5 * step});
  }
  {
    vitrum::base::CsvWriter csv(file, {"step", "time"}, true, 3);
    csv.add_row({4.0, 2.25});
  }
  EXPECT_EQ(read_file(file), "step,time\n0,0\n1,0.5\n2,1\n3,1.5\n4,2.25\n");
}

TEST(CsvWriter, InactiveRankWritesNothing)
{
  const std::string file = testing::TempDir() + "/inactive.csv";
  std::remove(file.c_str());
  vitrum::base::CsvWriter csv(file, {"a"}, false);
  csv.add_row({1.0});
  EXPECT_FALSE(std::ifstream(file).good());
}

TEST(Progress, FormatsDurations)
{
  EXPECT_EQ(vitrum::base::format_duration(12.34), "12.3 s");
  EXPECT_EQ(vitrum::base::format_duration(187), "3 min 07 s");
  EXPECT_EQ(vitrum::base::format_duration(3725), "1 h 02 min");
  EXPECT_EQ(vitrum::base::format_duration(-1), "?");
}
