#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/composition_history.h>

#include <gtest/gtest.h>

#include <sstream>

using namespace vitrum::kinetics;

namespace
{
  /// A 12-bin stack of height 12 nm: crystal (phi = 1) in bins 0-4, glass
  /// in bins 5-10, crystal in bin 11; Ni rises with time.
  std::string
  profile_text(const double time, const double ni)
  {
    std::ostringstream out;
    out << "# time = " << time << " s, temperature = 623 K\n"
        << "z_nm,phi_fraction,Ti_at%,Ni_at%\n";
    for (int b = 0; b < 12; ++b)
      {
        const double phi = (b <= 4 || b == 11) ? 1. : 0.;
        out << b + 0.5 << ',' << phi << ',' << 100 - ni << ',' << ni << '\n';
      }
    return out.str();
  }

  Profile
  parsed(const double time, const double ni)
  {
    std::istringstream       in(profile_text(time, ni));
    std::vector<std::string> elements;
    Profile p = CompositionHistory::parse(in, "test", elements);
    EXPECT_EQ(elements, (std::vector<std::string>{"Ti", "Ni"}));
    return p;
  }
} // namespace

TEST(CompositionHistory, ParsesProfile)
{
  const Profile p = parsed(60, 10);
  EXPECT_DOUBLE_EQ(p.time, 60);
  EXPECT_DOUBLE_EQ(p.temperature, 623);
  ASSERT_EQ(p.z.size(), 12u);
  EXPECT_DOUBLE_EQ(p.bin_width(), 1);
  EXPECT_DOUBLE_EQ(p.height(), 12);
  // at.% become mole fractions
  EXPECT_DOUBLE_EQ(p.x[3][0], 0.9);
  EXPECT_DOUBLE_EQ(p.x[3][1], 0.1);
}

TEST(CompositionHistory, InterpolatesPhiPeriodically)
{
  const Profile p = parsed(0, 10);
  // between the centres of bins 4 (phi 1) and 5 (phi 0)
  EXPECT_DOUBLE_EQ(p.phi_at(4.5), 1);
  EXPECT_DOUBLE_EQ(p.phi_at(5.0), 0.5);
  EXPECT_DOUBLE_EQ(p.phi_at(5.25), 0.25);
  // across the periodic boundary: bin 11 (1) and bin 0 (1)
  EXPECT_DOUBLE_EQ(p.phi_at(11.9), 1);
  EXPECT_DOUBLE_EQ(p.phi_at(-1.0), p.phi_at(11.0));
  // glass centre, and between bins 10 (0) and 11 (1)
  EXPECT_DOUBLE_EQ(p.phi_at(8), 0);
  EXPECT_DOUBLE_EQ(p.phi_at(11.25), 0.75);
  EXPECT_EQ(p.bin_of(12.5), 0u);
  EXPECT_EQ(p.bin_of(-0.5), 11u);
}

TEST(CompositionHistory, FindsInterfacesAndLayers)
{
  const Profile p      = parsed(0, 10);
  const auto    planes = interface_planes(p);
  ASSERT_EQ(planes.size(), 2u);
  EXPECT_DOUBLE_EQ(planes[0].z, 5.0);
  EXPECT_EQ(planes[0].glass_side, 1);
  EXPECT_EQ(planes[0].glass_bin, 5u);
  EXPECT_DOUBLE_EQ(planes[1].z, 11.0);
  EXPECT_EQ(planes[1].glass_side, -1);
  EXPECT_EQ(planes[1].glass_bin, 10u);
  const auto layers = glass_layers(p);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_DOUBLE_EQ(layers[0].lower, 5);
  EXPECT_DOUBLE_EQ(layers[0].upper, 11);
  EXPECT_EQ(layer_of(layers, 12, 8), 0);
  EXPECT_EQ(layer_of(layers, 12, 2), -1);
  EXPECT_EQ(layer_of(layers, 12, 20), 0); // periodic image of 8
}

TEST(CompositionHistory, LayerAcrossThePeriodicBoundary)
{
  Profile p = parsed(0, 10);
  // shift: glass in bins 10, 11, 0, 1
  for (int b = 0; b < 12; ++b)
    p.phi[b] = (b >= 10 || b <= 1) ? 0. : 1.;
  const auto layers = glass_layers(p);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_DOUBLE_EQ(layers[0].lower, 10);
  EXPECT_DOUBLE_EQ(layers[0].upper, 14);
  EXPECT_EQ(layer_of(layers, 12, 11.5), 0);
  EXPECT_EQ(layer_of(layers, 12, 0.5), 0);
  EXPECT_EQ(layer_of(layers, 12, 5), -1);
}

TEST(CompositionHistory, LinearInTimeClampedOutside)
{
  const CompositionHistory history({parsed(100, 20), parsed(0, 10)},
                                   {"Ti", "Ni"});
  EXPECT_DOUBLE_EQ(history.profiles().front().time, 0); // sorted
  EXPECT_NEAR(history.at(25).x[7][1], 0.125, 1e-15);
  EXPECT_NEAR(history.at(25).x[7][0], 0.875, 1e-15);
  EXPECT_DOUBLE_EQ(history.at(-5).x[7][1], 0.1);
  EXPECT_DOUBLE_EQ(history.at(500).x[7][1], 0.2);
  EXPECT_DOUBLE_EQ(history.at(500).time, 100);
}

TEST(CompositionHistory, ReadsProfilesOfEarlierVersions)
{
  // phi and bare element names (earlier versions) read as the new header
  std::vector<std::string> elements;
  std::istringstream       old_header(
    "# time = 0 s, temperature = 600 K\nz_nm,phi,Ti,Ni\n0.5,1,90,10\n");
  const Profile p = CompositionHistory::parse(old_header, "old", elements);
  EXPECT_EQ(elements, (std::vector<std::string>{"Ti", "Ni"}));
  EXPECT_DOUBLE_EQ(p.x[0][1], 0.1);
  std::istringstream new_header("# time = 0 s, temperature = 600 K\n"
                                "z_nm,phi_fraction,Ti_at%,Ni_at%\n"
                                "0.5,1,90,10\n");
  CompositionHistory::parse(new_header, "new", elements);
  EXPECT_EQ(elements, (std::vector<std::string>{"Ti", "Ni"}));
}


TEST(CompositionHistory, BadFilesThrowInputError)
{
  std::vector<std::string> elements;
  std::istringstream       no_time("z_nm,phi,Ti\n0.5,1,100\n");
  EXPECT_THROW(CompositionHistory::parse(no_time, "a", elements),
               vitrum::InputError);
  std::istringstream bad_header("# time = 0 s, temperature = 600 K\nz,Ti\n");
  EXPECT_THROW(CompositionHistory::parse(bad_header, "b", elements),
               vitrum::InputError);
  std::istringstream uneven(
    "# time = 0 s, temperature = 600 K\nz_nm,phi,Ti\n0.5,1,100\n1.7,1,100\n");
  EXPECT_THROW(CompositionHistory::parse(uneven, "c", elements),
               vitrum::InputError);
  EXPECT_THROW(CompositionHistory::read("/no/such/directory"),
               vitrum::InputError);
}

TEST(CompositionHistory, GlassAreaPerVolumeAndMeanComposition)
{
  const Profile p = parsed(0, 10);
  // one glass layer [5, 11) nm between two interface planes: 2/6 per nm
  EXPECT_NEAR(interface_area_per_glass_volume(p), 2. / 6, 1e-14);
  const std::vector<double> x = mean_glass_composition(p);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_NEAR(x[0], 0.9, 1e-14);
  EXPECT_NEAR(x[1], 0.1, 1e-14);
}

TEST(CompositionHistory, GlassCompositionRemovesTheCrystalShare)
{
  // bin 1 is half crystal (Ni 0.2 like bin 0) and half glass (Ni 0.6)
  Profile p;
  p.z   = {0.5, 1.5, 2.5, 3.5};
  p.phi = {1., 0.5, 0., 0.};
  p.x   = {{0.8, 0.2}, {0.6, 0.4}, {0.4, 0.6}, {0.4, 0.6}};
  const std::vector<double> x = glass_composition(p, 1);
  EXPECT_NEAR(x[0], 0.4, 1e-14);
  EXPECT_NEAR(x[1], 0.6, 1e-14);
  // a pure glass bin is returned as it is
  EXPECT_EQ(glass_composition(p, 2), p.x[2]);
  // the mean over the glass bins 2, 3 (phi < 1/2); bin 1 (phi = 1/2) is not
  // glass
  EXPECT_NEAR(mean_glass_composition(p)[1], 0.6, 1e-14);
  // all crystal: no glass
  p.phi = {1., 1., 1., 1.};
  EXPECT_TRUE(mean_glass_composition(p).empty());
  EXPECT_EQ(interface_area_per_glass_volume(p), 0.);
}
