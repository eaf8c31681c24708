#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/driving_force.h>
#include <vitrum/kinetics/dsc.h>
#include <vitrum/kinetics/growth.h>
#include <vitrum/kinetics/jmak.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/kinetics/nucleation.h>
#include <vitrum/rheology/viscosity.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

using namespace vitrum::kinetics;
using vitrum::thermo::gas_constant;
using vitrum::thermo::Interaction;
using vitrum::thermo::SolutionPhase;

namespace
{
  /// Binary regular solution: G0 = (a_A, a_B) (J/mol), L0 = omega.
  SolutionPhase
  regular(double aA, double aB, double omega)
  {
    Interaction pair;
    pair.i = 0;
    pair.j = 1;
    pair.a = {omega};
    pair.b = {0.};
    return SolutionPhase({aA, aB}, {0., 0.}, {pair});
  }

  /// mu_A - mu_B of a binary regular solution at x_A = y.
  double
  potential_difference(double aA, double aB, double omega, double y, double T)
  {
    const double RT = gas_constant * T;
    return (aA + RT * std::log(y) + omega * (1 - y) * (1 - y))
           - (aB + RT * std::log(1 - y) + omega * y * y);
  }
} // namespace


TEST(Nucleation, ContactAngleFactorHandValues)
{
  EXPECT_NEAR(contact_angle_factor(M_PI), 1., 1e-15);
  EXPECT_NEAR(contact_angle_factor(0.), 0., 1e-15);
  EXPECT_NEAR(contact_angle_factor(M_PI / 2), 0.5, 1e-15);
  // cos 60 deg = 1/2: 2.5 * 0.25 / 4
  EXPECT_NEAR(contact_angle_factor(M_PI / 3), 0.15625, 1e-15);
}


TEST(Nucleation, BarrierAndRateHandValues)
{
  // sigma = 0.1 J/m^2, dg_v = 1e9 J/m^3: W* = 16 pi 1e-3 / 3e18.
  const double W = 16 * M_PI * 1e-3 / 3e18;
  EXPECT_NEAR(nucleation_barrier(0.1, 1e9) / W, 1., 1e-14);
  EXPECT_NEAR(critical_radius(0.1, 1e9), 2e-10, 1e-24);
  const double T = 700, kT = vitrum::rheology::boltzmann_constant * T;
  const double I
    = classical_nucleation_rate(1e28, 1e-18, 3e-10, 0.1, 1e9, 0.5, T);
  EXPECT_NEAR(I / (1e28 * 1e-18 / 9e-20 * std::exp(-0.5 * W / kT)), 1., 1e-12);
  EXPECT_EQ(classical_nucleation_rate(1e28, 1e-18, 3e-10, 0.1, -1., 1., T), 0.);
}


TEST(Growth, HandValuesAndLimits)
{
  const double T = 800, RT = gas_constant * T;
  EXPECT_NEAR(growth_rate(1e-16, 3e-10, RT, T)
                / (1e-16 / 3e-10 * (1 - std::exp(-1.))),
              1.,
              1e-14);
  // Small driving force: U -> D dg / (a R T).
  EXPECT_NEAR(growth_rate(1e-16, 3e-10, 1e-3 * RT, T) / (1e-16 / 3e-10 * 1e-3),
              1.,
              1e-3);
  EXPECT_EQ(growth_rate(1e-16, 3e-10, -5., T), 0.);
  const double eta = 1e10, a = 3e-10;
  EXPECT_NEAR(stokes_einstein_diffusivity(T, eta, a)
                / (vitrum::rheology::boltzmann_constant * T
                   / (3 * M_PI * eta * a)),
              1.,
              1e-14);
}


TEST(DrivingForce, ThompsonSpaepenAndCompoundHandValues)
{
  // dH 10 kJ/mol, T_l 1000 K, T 800 K: 10000 * 0.2 * 1600 / 1800.
  EXPECT_NEAR(thompson_spaepen(1e4, 1000, 800), 1e4 * 0.2 * 1600 / 1800, 1e-9);
  EXPECT_NEAR(thompson_spaepen(1e4, 1000, 1000), 0., 1e-12);

  // Ideal binary glass x = (0.25, 0.75) at T; compound A1B1 with G = a.
  const SolutionPhase glass = regular(0, 0, 0.);
  Compound            ab{"AB", {0.5, 0.5}, -5000., 2., {}};
  const double        T = 600, RT = gas_constant * T;
  const double        expected
    = 0.5 * RT * std::log(0.25) + 0.5 * RT * std::log(0.75) - (-5000. + 2. * T);
  EXPECT_NEAR(compound_driving_force(glass, ab, {0.25, 0.75}, T).value,
              expected,
              1e-9);
}


TEST(DrivingForce, SymmetricRegularBinaryByHand)
{
  // Same lattice stability for A and B, glass at x = 1/2: by symmetry the
  // nucleus is y = 1/2 and dg = G_gl(1/2) - G_cr(1/2) = W_g/4 - a - W_c/4.
  const double        a = -6000, Wg = -40000, Wc = -10000, T = 700;
  const SolutionPhase glass = regular(0, 0, Wg), crystal = regular(a, a, Wc);
  const auto          df = parallel_tangent(glass, crystal, {0.5, 0.5}, T);
  EXPECT_NEAR(df.nucleus[0], 0.5, 1e-9);
  EXPECT_NEAR(df.value, Wg / 4 - a - Wc / 4, 1e-6);
}


TEST(DrivingForce, AsymmetricRegularBinaryParallelTangent)
{
  // Glass x_A = 0.3; crystal prefers A. At the optimum
  // mu_A^cr(y) - mu_B^cr(y) = mu_A^gl(x) - mu_B^gl(x), solved here by
  // bisection on the closed-form regular-solution potentials.
  const double aA = -15000, aB = -9000, Wg = -30000, Wc = -5000, T = 750,
               x      = 0.3;
  const double target = potential_difference(0, 0, Wg, x, T);
  double       lo = 1e-12, hi = 1 - 1e-12;
  for (int i = 0; i < 200; ++i)
    {
      const double mid = (lo + hi) / 2;
      (potential_difference(aA, aB, Wc, mid, T) < target ? lo : hi) = mid;
    }
  const double y     = (lo + hi) / 2;
  const double RT    = gas_constant * T;
  const auto   mu_gl = [&](double xa, bool A) {
    return A ? RT * std::log(xa) + Wg * (1 - xa) * (1 - xa)
               : RT * std::log(1 - xa) + Wg * xa * xa;
  };
  const double G_cr = y * aA + (1 - y) * aB
                      + RT * (y * std::log(y) + (1 - y) * std::log(1 - y))
                      + Wc * y * (1 - y);
  const double expected = y * mu_gl(x, true) + (1 - y) * mu_gl(x, false) - G_cr;

  const auto df
    = parallel_tangent(regular(0, 0, Wg), regular(aA, aB, Wc), {x, 1 - x}, T);
  EXPECT_NEAR(df.nucleus[0], y, 1e-8);
  EXPECT_NEAR(df.value, expected, 1e-6);
  EXPECT_GT(df.value, 0);
}


TEST(DrivingForce, IdealTernaryClosedForm)
{
  // Ideal glass and crystal: y_i ~ x_i exp(-a_i/RT) and
  // dg = RT ln sum_i x_i exp(-a_i/RT).
  const std::vector<double> a = {-3000, 1000, -500}, x = {0.2, 0.5, 0.3};
  const double              T = 650, RT = gas_constant * T;
  const SolutionPhase       glass({0, 0, 0}, {0, 0, 0}, {}),
    crystal(a, {0, 0, 0}, {});
  double sum = 0;
  for (int i = 0; i < 3; ++i)
    sum += x[i] * std::exp(-a[i] / RT);
  const auto df = parallel_tangent(glass, crystal, x, T);
  EXPECT_NEAR(df.value, RT * std::log(sum), 1e-6);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(df.nucleus[i], x[i] * std::exp(-a[i] / RT) / sum, 1e-9);
}


TEST(DrivingForce, OptimumIsStationaryAndTemperatureDerivativeByEnvelope)
{
  // Three components with interactions; the optimum must beat every
  // perturbed nucleus, and d(dg)/dT (finite difference of the optimum)
  // must equal the partial derivative at fixed nucleus (envelope theorem).
  std::vector<Interaction> gl(3), cr(3);
  const int                pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
  const double Lg[3] = {-40000, -20000, 8000}, Lc[3] = {-9000, -4000, 2000};
  for (int p = 0; p < 3; ++p)
    {
      gl[p].i = cr[p].i = pairs[p][0];
      gl[p].j = cr[p].j = pairs[p][1];
      gl[p].a           = {Lg[p], 3000.};
      gl[p].b           = {0., 0.};
      cr[p].a           = {Lc[p]};
      cr[p].b           = {0.};
    }
  const SolutionPhase glass({0, 0, 0}, {0, 0, 0}, gl);
  const SolutionPhase crystal({-14000, -16000, -18000}, {8.3, 8.3, 8.3}, cr);
  const std::vector<double> x  = {0.1, 0.45, 0.45};
  const double              T  = 780;
  const auto                df = parallel_tangent(glass, crystal, x, T);

  std::vector<double> mu(3);
  glass.chemical_potentials(x.data(), T, mu.data());
  const auto objective = [&](const std::vector<double> &y, double temperature) {
    std::vector<double> m(3);
    glass.chemical_potentials(x.data(), temperature, m.data());
    return y[0] * m[0] + y[1] * m[1] + y[2] * m[2]
           - crystal.gibbs_energy(y.data(), temperature);
  };
  EXPECT_NEAR(objective(df.nucleus, T), df.value, 1e-8);
  const double h = 1e-4;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      if (i != j)
        {
          auto y = df.nucleus;
          y[i] += h;
          y[j] -= h;
          EXPECT_LE(objective(y, T), df.value + 1e-9);
          // Stationary: the first-order change vanishes (a step small
          // against the smallest fraction, 2.6e-3 here).
          const double e = 1e-6;
          y              = df.nucleus;
          y[i] += e;
          y[j] -= e;
          auto z = df.nucleus;
          z[i] -= e;
          z[j] += e;
          EXPECT_NEAR((objective(y, T) - objective(z, T)) / (2 * e), 0., 1e-3);
        }
  const double dT = 1e-3;
  const double fd = (parallel_tangent(glass, crystal, x, T + dT).value
                     - parallel_tangent(glass, crystal, x, T - dT).value)
                    / (2 * dT);
  const double fixedy
    = (objective(df.nucleus, T + dT) - objective(df.nucleus, T - dT))
      / (2 * dT);
  EXPECT_NEAR(fd, fixedy, 1e-5 * std::abs(fixedy) + 1e-6);
}


TEST(Jmak, ConstantRatesThreeAndTwoDimensions)
{
  const double I = 3.7e15, U = 2.2e-9;
  for (unsigned int d : {2u, 3u})
    {
      JmakIntegrator jmak(d);
      double         t = 0, h = 1e-3, worst = 0;
      while (jmak.fraction() < 0.9999)
        {
          jmak.step(h, I, I, U, U);
          t += h;
          h *= 1.3; // uneven steps: the update must not care
          const double exact
            = d == 3 ? 1 - std::exp(-M_PI * I * U * U * U * t * t * t * t / 3)
                     : 1 - std::exp(-M_PI * I * U * U * t * t * t / 3);
          worst = std::max(worst, std::abs(jmak.fraction() - exact));
          EXPECT_NEAR(jmak.fraction(), jmak_constant_rates(I, U, t, d), 1e-12);
        }
      EXPECT_LT(worst, 1e-6) << "dimension " << d;
      EXPECT_NEAR(
        jmak_constant_rates(I, U, jmak_time_to_fraction(I, U, 0.37, d), d),
        0.37,
        1e-12);
    }
}


TEST(Jmak, LinearRatesExact)
{
  // I = b t, U constant: X_ext = g b U^3 t^5 / 20 (3D);
  // I constant, U = c t: R = c t^2/2, X_ext = g I c^3 int (t^2-s^2)^3/8 ds
  //   = g I c^3 t^7 (16/35) / 8.
  const double   b = 2e12, U = 1e-9, I = 1e15, c = 1e-10, g = 4 * M_PI / 3;
  JmakIntegrator a(3), m(3);
  double         t = 0;
  for (int n = 0; n < 40; ++n)
    {
      const double h = 0.05 * (1 + n % 3);
      a.step(h, b * t, b * (t + h), U, U);
      m.step(h, I, I, c * t, c * (t + h));
      t += h;
    }
  EXPECT_NEAR(a.extended_fraction()
                / (g * b * std::pow(U, 3) * std::pow(t, 5) / 20),
              1.,
              1e-12);
  EXPECT_NEAR(m.extended_fraction()
                / (g * I * std::pow(c, 3) * std::pow(t, 7) * 16. / 35 / 8),
              1.,
              1e-12);
}


TEST(Dsc, PeakOfAParabolaAndTangentOnset)
{
  std::vector<double> T, q;
  for (int i = 0; i <= 100; ++i)
    {
      T.push_back(700 + i);
      q.push_back(std::max(0., 1 - std::pow((700 + i - 753.3) / 20, 2)));
    }
  const DscPeak p = analyze_dsc_peak(T, q);
  EXPECT_NEAR(p.peak, 753.3, 1e-9);
  // Steepest rise of 1 - ((T - Tp)/w)^2 sits at the start of the peak,
  // T = Tp - w, where the tangent 2/w (T - Tp + w) meets 0 right there.
  EXPECT_NEAR(p.onset, 733.3, 1.);
}


TEST(Dsc, KissingerReturnsTheActivationEnergyPutIn)
{
  // Nucleation and growth both Arrhenius with Q: the Kissinger energy of
  // the simulated scans must come back within 2 %.
  const double        Q = 250e3, I0 = 1e30, U0 = 1e6;
  std::vector<double> rates = {5. / 60, 10. / 60, 20. / 60, 40. / 60, 80. / 60},
                      peaks;
  for (const double beta : rates)
    {
      JmakIntegrator      jmak(3);
      std::vector<double> T, q;
      const auto          I = [&](double temp) {
        return I0 * std::exp(-Q / (gas_constant * temp));
      };
      const auto U = [&](double temp) {
        return U0 * std::exp(-Q / (gas_constant * temp));
      };
      double temp = 500, dT = 0.1;
      while (jmak.fraction() < 0.9999 && temp < 1500)
        {
          jmak.step(dT / beta, I(temp), I(temp + dT), U(temp), U(temp + dT));
          temp += dT;
          T.push_back(temp);
          q.push_back(jmak.rate(U(temp)));
        }
      peaks.push_back(analyze_dsc_peak(T, q).peak);
    }
  const KissingerFit fit = kissinger(rates, peaks);
  EXPECT_NEAR(fit.activation_energy / Q, 1., 0.02);
  EXPECT_GT(peaks.back(), peaks.front());
}

namespace
{
  std::string
  write_kinetics(const std::string &name, const std::string &text)
  {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
  }
} // namespace


TEST(KineticsMaterial, ReadsTheTiZrNbHfFileAndGivesFiniteRates)
{
  const auto m = KineticsMaterial::read(
    std::string(VITRUM_SOURCE_DIR)
    + "/parameter_files/materials/TiZrNbHf-glass-kinetics.prm");
  ASSERT_NE(m.database(), nullptr);
  EXPECT_EQ(m.database()->n_components(), 7u);
  EXPECT_NEAR(m.molar_volume, 11.55e-6, 1e-12);
  // Glass in the database's element order Co, Ni, Ti, Zr, Nb, Hf, Cr.
  const std::vector<double> x = {0.025, 0.075, 0.219, 0.22, 0.206, 0.225, 0.03};
  const Rates               r = m.rates(x, 780);
  EXPECT_GT(r.driving_force, 0);
  EXPECT_GT(r.homogeneous, 0);
  EXPECT_GT(r.growth, 0);
  EXPECT_TRUE(std::isfinite(r.homogeneous) && std::isfinite(r.heterogeneous));
  // The growth law by hand from the reported driving force and D.
  EXPECT_NEAR(r.growth
                / growth_rate(m.diffusion.diffusivity(780),
                              m.jump_distance,
                              r.driving_force,
                              780),
              1.,
              1e-12);
  // Heterogeneous sites with f(90 deg) = 1/2 lower the barrier.
  EXPECT_GT(r.heterogeneous / m.heterogeneous_sites,
            100 * r.homogeneous / m.homogeneous_sites);
}


TEST(KineticsMaterial, CompoundsAndArrheniusModelsAndErrors)
{
  const std::string thermo = std::string(VITRUM_SOURCE_DIR)
                             + "/parameter_files/materials/CrCoNi-TiZrNbHf.prm";
  const auto path
    = write_kinetics("compound.prm",
                     "set Crystallization enthalpy = 5\n"
                     "set Thermodynamic material file = " + thermo
                       + "\nsubsection Driving force\n set Competitors =\n"
                         " set Compounds = NiZr2: Ni 1, Zr 2; -50, 3\nend\n"
                         "subsection Nucleation\n set Interface energy = 0.1\n"
                         " set Site fraction = 1\n set Interface site "
                         "fraction = 1\n set Contact angle = 180\nend\n"
                         "subsection Transport\n set Diffusivity prefactor = "
                         "1e-5\n set Diffusion activation energy = 200\n set "
                         "Jump distance = 0.3\nend\n");
  const auto m = KineticsMaterial::read(path);
  ASSERT_EQ(m.compounds.size(), 1u);
  EXPECT_NEAR(m.compounds[0].composition[1], 1. / 3, 1e-14); // Ni
  EXPECT_NEAR(m.compounds[0].composition[3], 2. / 3, 1e-14); // Zr
  EXPECT_NEAR(m.compounds[0].a, -50e3, 1e-9);
  EXPECT_EQ(m.competitor_names(), std::vector<std::string>{"NiZr2"});

  const auto   arrhenius = KineticsMaterial::read(write_kinetics(
    "arrhenius.prm",
    "set Molar volume = 10\nset Crystallization enthalpy = 5\nsubsection "
    "Driving force\n set Model = Thompson-Spaepen\nend\nsubsection "
    "Nucleation\n set Model = Arrhenius\n set Arrhenius prefactor = 1e20\n"
    " set Arrhenius activation energy = 100\n set Arrhenius interface "
    "prefactor = 0\n"
      "end\nsubsection Growth\n set Model = Arrhenius\n set Arrhenius prefactor "
      "= 2\n set Arrhenius activation energy = 50\nend\n"));
  const double T = 700, RT = gas_constant * T;
  const Rates  r = arrhenius.rates({}, T);
  EXPECT_NEAR(r.homogeneous / (1e20 * std::exp(-1e5 / RT)), 1., 1e-12);
  EXPECT_NEAR(r.growth / (2 * std::exp(-5e4 / RT)), 1., 1e-12);

  EXPECT_THROW(KineticsMaterial::read(write_kinetics(
                 "bad.prm",
                 "set Thermodynamic material file = " + thermo
                   + "\nsubsection Driving force\n set Compounds = NiZr2 "
                     "Ni 1\nend\n")),
               vitrum::InputError);
  EXPECT_THROW(KineticsMaterial::read(
                 write_kinetics("unknown.prm", "set Colour = blue\n")),
               vitrum::InputError);
  // No physical defaults: a classical law without its interface energy.
  try
    {
      KineticsMaterial::read(write_kinetics(
        "no_sigma.prm",
        "set Crystallization enthalpy = 5\nset Molar volume = 10\n"
        "subsection Driving force\n set Model = Thompson-Spaepen\n set "
        "Melting enthalpy = 10\n set Liquidus temperature = 1000\nend\n"));
      ADD_FAILURE() << "a classical law without interface energy was read";
    }
  catch (const vitrum::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find(
                  "no_sigma.prm: Nucleation/Interface energy is not set"),
                std::string::npos)
        << e.what();
    }
  EXPECT_THROW(KineticsMaterial::read("/no/such/file.prm"), vitrum::InputError);
}
