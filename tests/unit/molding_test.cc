#include <vitrum/base/exceptions.h>
#include <vitrum/fem/mold_mesh.h>
#include <vitrum/rheology/molding.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

using namespace vitrum::rheology;

namespace
{
  constexpr double pi = 3.14159265358979323846;

  MoldingMaterial
  ni_glass()
  {
    return MoldingMaterial::read(
      std::string(VITRUM_SOURCE_DIR)
      + "/parameter_files/materials/Ni45Pd35P16B4.prm");
  }
} // namespace

TEST(Molding, FillingCoefficientsByHand)
{
  // p = 1 GPa, d = 100 nm, eta = 1e12 Pa s: p d^2 / (16 eta) = 6.25e-19 m^2/s
  EXPECT_NEAR(filling::viscous_coefficient(1e9, 1e-7, 1e12) / 6.25e-19,
              1.,
              1e-14);
  // 8 * 1e-27 * 1e9 * 1.5e-29 / (1e-7 * k_B * 600)
  const double K
    = 8. * 1e-27 * 1e9 * 1.5e-29 / (1e-7 * boltzmann_constant * 600.);
  EXPECT_NEAR(filling::diffusive_coefficient(1e9, 1e-7, 1e-27, 1.5e-29, 600.)
                / K,
              1.,
              1e-14);
}

TEST(Molding, CrossoverEqualizesBothLaws)
{
  const double deltaD = 3e-27, omega = 1.5e-29, eta = 5e11, T = 570., p = 1e9;
  const double dc = filling::crossover_diameter(deltaD, omega, eta, T);
  EXPECT_NEAR(filling::viscous_coefficient(p, dc, eta)
                / filling::diffusive_coefficient(p, dc, deltaD, omega, T),
              1.,
              1e-12);
  // the published convention (velocity L/t) gives a 2^(1/3) larger d_c
  EXPECT_NEAR(filling::crossover_diameter(deltaD, omega, eta, T, 256.) / dc,
              std::cbrt(2.),
              1e-12);
}

TEST(Molding, CapillaryPressureSign)
{
  EXPECT_NEAR(filling::capillary_pressure(1., 0., 1e-7), 4e7, 1e-6);
  EXPECT_LT(filling::capillary_pressure(1., 2., 1e-7), 0.);
}

TEST(Molding, MeniscusIsTheCapOfTheContactAngle)
{
  const double a = 0.5;
  for (const double degrees : {20., 60., 120., 150.})
    {
      const double                theta = degrees * pi / 180;
      const vitrum::fem::Meniscus m(theta, a);
      ASSERT_FALSE(m.flat());
      EXPECT_NEAR(m.lag(a), 0., 1e-15);
      // the front meets the wall (direction +z, into the glass) at theta
      const double slope = m.lag_slope(a);
      EXPECT_NEAR(std::acos(-slope / std::sqrt(1 + slope * slope)),
                  theta,
                  1e-12);
      // both principal curvatures of a sphere of radius a / |cos(theta)|
      for (const double r : {0., 1e-9, 0.1, 0.3, 0.49, a})
        EXPECT_NEAR(filling::mean_curvature_of_revolution(m.lag_slope(r),
                                                          m.lag_curvature(r),
                                                          r),
                    -2 * std::cos(theta) / a,
                    1e-9)
          << degrees << " degrees, r = " << r;
      // the cap's volume as a length of the pore: (2/a^2) int r lag(r) dr
      const int n        = 20000;
      double    integral = 0;
      for (int i = 0; i < n; ++i)
        {
          const double r = (i + 0.5) * a / n;
          integral += r * m.lag(r) * a / n;
        }
      EXPECT_NEAR(2 * integral / (a * a), m.volume_lag(), 1e-8)
        << degrees << " degrees";
    }
  // 90 degrees is flat: cos(pi/2) is not 0 in floating point
  const vitrum::fem::Meniscus flat(pi / 2, a);
  EXPECT_TRUE(flat.flat());
  EXPECT_EQ(flat.lag(0.), 0.);
  EXPECT_EQ(flat.volume_lag(), 0.);
}

TEST(Molding, WallRatesAddUpToTheDiffusiveLaw)
{
  const MoldingMaterial m = ni_glass();
  const double          d = 40e-9, L = 400e-9, p = 1.25e9, T = 570.15;
  double                Q = 0;
  for (const double q : filling::wall_volume_rates(m, d, L, p, T))
    Q += q;
  // front speed Q / (pi d^2 / 4) times 2 L is d(L^2)/dt of the law
  const double K
    = filling::diffusive_coefficient(p,
                                     d,
                                     m.wall_layer
                                       * m.mean_interface_diffusivity(T),
                                     m.atomic_volume,
                                     T);
  EXPECT_NEAR(2. * L * Q / (pi * d * d / 4.) / K, 1., 1e-12);
}

TEST(Molding, MaterialFileIsReadInSi)
{
  const MoldingMaterial m = ni_glass();
  ASSERT_EQ(m.elements.size(), 4u);
  EXPECT_EQ(m.elements[1], "Pd");
  EXPECT_NEAR(m.composition[0], 0.45, 1e-12);
  EXPECT_NEAR(m.atomic_volume, 14.71e-30, 1e-35);
  EXPECT_NEAR(m.wall_layer, 1e-9, 1e-20);
  EXPECT_NEAR(m.wall_activation / electron_volt, 1.58, 1e-12);
  // the equilibrium (VFT) branch passes through the seeds' kink point,
  // eta = 1e12 Pa s at 287 C (within the rounding of T0)
  const auto &law = m.viscosity;
  EXPECT_NEAR(law.eta_infinity
                * std::exp(law.fragility_D * law.vft_temperature
                           / (560.15 - law.vft_temperature))
                / 1e12,
              1.,
              1e-5);
  // the kink, derived where tau_g eta(T)/eta(Tg) reaches 36 000 s: 288.7 C
  EXPECT_NEAR(law.kink_temperature, 561.88, 0.01);
  EXPECT_NEAR(law.relaxation_time(law.kink_temperature), 36000., 1e-6);
  EXPECT_NEAR(law.arrhenius_energy / electron_volt, 2.644, 1e-12);
  // Ni diffuses 10x faster than Pd in the file
  EXPECT_NEAR(m.interface_diffusivity(0, 570.)
                / m.interface_diffusivity(1, 570.),
              10.,
              1e-9);
}

TEST(Molding, BadMaterialFileNamesTheEntry)
{
  const std::string file = "bad_molding_material.prm";
  {
    std::ofstream out(file);
    out << "set Name = x\nset Elements = Ni, Pd\nset Composition = Ni: 50, "
           "Cu: 50\nset Atomic volume = 10\n";
  }
  try
    {
      MoldingMaterial::read(file);
      FAIL() << "no error";
    }
  catch (const vitrum::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("Composition"), std::string::npos)
        << e.what();
    }
  std::remove(file.c_str());
}

TEST(Molding, EveryMaterialNumberIsRequired)
{
  // The shipped Ni glass without one of its numbers: the error names it.
  std::ifstream     in(std::string(VITRUM_SOURCE_DIR)
                   + "/parameter_files/materials/Ni45Pd35P16B4.prm");
  const std::string shipped((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
  for (const std::string entry : {"Atomic volume",
                                  "Activation volume",
                                  "Wall layer thickness",
                                  "Surface tension",
                                  "Contact angle",
                                  "VFT strength D"})
    {
      std::string text  = shipped;
      const auto  start = text.find("set " + entry);
      ASSERT_NE(start, std::string::npos) << entry;
      text.erase(start, text.find('\n', start) - start);
      const std::string file = "molding_without_entry.prm";
      std::ofstream(file) << text;
      try
        {
          MoldingMaterial::read(file);
          ADD_FAILURE() << "no error without " << entry;
        }
      catch (const vitrum::InputError &e)
        {
          EXPECT_NE(std::string(e.what()).find(entry + " is not set"),
                    std::string::npos)
            << e.what();
        }
      std::remove(file.c_str());
    }
}

TEST(Molding, WireKeepsFeedstockForViscousAndEnrichesTheTipForDiffusion)
{
  const std::vector<double> x0 = {0.5, 0.5};
  WireComposition           wire(x0);
  wire.reset(1.);
  wire.add(2., {0., 0.});   // viscous: feedstock at the root
  wire.add(0., {0.9, 0.1}); // diffusive: fast element at the tip
  EXPECT_NEAR(wire.length(), 4., 1e-14);
  EXPECT_NEAR(wire.composition_at(0.5)[0], 0.5, 1e-14);
  EXPECT_NEAR(wire.composition_at(3.5)[0], 0.9, 1e-14);
  EXPECT_NEAR(wire.mean_composition()[0], (3 * 0.5 + 0.9) / 4., 1e-14);
}
