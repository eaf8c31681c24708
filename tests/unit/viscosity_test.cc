#include <vitrum/base/exceptions.h>
#include <vitrum/rheology/viscosity.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace vitrum::rheology;

namespace
{
  ViscosityLaw
  kinked_law()
  {
    ViscosityLaw law;
    law.eta_infinity     = 1e-5;
    law.fragility_D      = 12.;
    law.vft_temperature  = 400.;
    law.kink_temperature = 560.;
    law.arrhenius_energy = 3.16 * electron_volt;
    return law;
  }
} // namespace

TEST(Viscosity, VftHandComputed)
{
  const ViscosityLaw law = kinked_law();
  // T = 600 K: 1e-5 exp(12*400/200) = 1e-5 e^24
  EXPECT_NEAR(law.newtonian(600.) / (1e-5 * std::exp(24.)), 1., 1e-14);
  // at the kink itself the VFT branch applies: 1e-5 exp(4800/160) = e^30 1e-5
  EXPECT_NEAR(law.newtonian(560.) / (1e-5 * std::exp(30.)), 1., 1e-14);
}

TEST(Viscosity, ArrheniusBelowKinkAndContinuous)
{
  const ViscosityLaw law      = kinked_law();
  const double       eta_k    = 1e-5 * std::exp(30.);
  const double       Q_over_k = 3.16 * electron_volt / boltzmann_constant;
  EXPECT_NEAR(law.newtonian(540.)
                / (eta_k * std::exp(Q_over_k * (1. / 540. - 1. / 560.))),
              1.,
              1e-13);
  EXPECT_NEAR(law.newtonian(560. - 1e-9) / law.newtonian(560. + 1e-9),
              1.,
              1e-8);
}

TEST(Viscosity, LogSlopeMatchesFiniteDifferences)
{
  const ViscosityLaw law = kinked_law();
  for (const double T : {500., 550., 580., 700.})
    {
      const double h = 1e-3;
      const double fd
        = (std::log(law.newtonian(T + h)) - std::log(law.newtonian(T - h)))
          / (2 * h);
      EXPECT_NEAR(law.log_slope(T), fd, 1e-5 * std::abs(fd)) << T;
    }
}

TEST(Viscosity, CheckNamesTheEntry)
{
  ViscosityLaw law     = kinked_law();
  law.kink_temperature = 350.;
  try
    {
      law.check();
      FAIL() << "no error for a kink below T0";
    }
  catch (const vitrum::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("kink temperature"),
                std::string::npos);
    }
}

TEST(Viscosity, KinkWhereRelaxationTimeReachesExperimentTime)
{
  // D* = 14, T0 = 412.5866 K, Tg = 590.15 K, tau_g = 76 s, t_exp = 36000 s:
  // 1/(T_k - T0) = 1/(Tg - T0) + ln(36000/76)/(D* T0)
  ViscosityLaw law;
  law.eta_infinity          = 1e-5;
  law.fragility_D           = 14.;
  law.vft_temperature       = 412.5866;
  law.glass_temperature     = 590.15;
  law.relaxation_time_at_tg = 76.;
  law.experiment_time       = 36000.;
  const double B            = 14. * 412.5866;
  const double expected
    = 412.5866 + 1. / (1. / (590.15 - 412.5866) + std::log(36000. / 76.) / B);
  EXPECT_NEAR(law.kink_from_relaxation(), expected, 1e-10);
  EXPECT_NEAR(law.kink_from_relaxation(), 561.88, 0.01);
  law.kink_temperature = law.kink_from_relaxation();
  EXPECT_NEAR(law.relaxation_time(law.kink_temperature), 36000., 1e-8 * 36000);
  EXPECT_NEAR(law.relaxation_time(590.15), 76., 1e-12 * 76);
  // t_exp = tau_g: the kink is the calorimetric Tg
  law.experiment_time = 76.;
  EXPECT_NEAR(law.kink_from_relaxation(), 590.15, 1e-9);
  // shorter experiments fall out of equilibrium at higher temperatures
  law.experiment_time = 10.;
  EXPECT_GT(law.kink_from_relaxation(), 590.15);
  // a time scale below the liquid's fastest relaxation: no kink, an error
  law.experiment_time = 1e-30;
  EXPECT_THROW(law.kink_from_relaxation(), vitrum::InputError);
}

TEST(Viscosity, ParseDerivesTheKinkAndReadsElectronVolts)
{
  dealii::ParameterHandler prm;
  ViscosityLaw::declare_parameters(prm, true);
  prm.parse_input_from_string("subsection Viscosity\n"
                              "  set Eta infinity = 1e-5\n"
                              "  set VFT strength D = 14\n"
                              "  set VFT temperature = 412.5866\n"
                              "  set Glass transition temperature = 590.15\n"
                              "  set Relaxation time at Tg = 76\n"
                              "  set Experiment time = 36000\n"
                              "  set Arrhenius activation energy = 2.64\n"
                              "end\n");
  const ViscosityLaw law = ViscosityLaw::parse(prm);
  EXPECT_NEAR(law.arrhenius_energy, 2.64 * electron_volt, 1e-30);
  EXPECT_NEAR(law.kink_temperature, law.kink_from_relaxation(), 1e-12);
  EXPECT_NEAR(law.relaxation_time(law.kink_temperature), 36000., 1e-6);
  // the caller's Tg wins over the subsection's
  const ViscosityLaw other = ViscosityLaw::parse(prm, 600.);
  EXPECT_EQ(other.glass_temperature, 600.);
  EXPECT_GT(other.kink_temperature, law.kink_temperature);
}

TEST(Viscosity, KinkTemperatureIsNotAnInput)
{
  dealii::ParameterHandler prm;
  ViscosityLaw::declare_parameters(prm);
  prm.parse_input_from_string("subsection Viscosity\n"
                              "  set Eta infinity = 1e-5\n"
                              "  set VFT strength D = 12\n"
                              "  set VFT temperature = 400\n"
                              "  set Relaxation time at Tg = 0\n"
                              "  set Kink temperature = 560\n"
                              "end\n");
  try
    {
      ViscosityLaw::parse(prm);
      FAIL() << "no error for a Kink temperature";
    }
  catch (const vitrum::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("Relaxation time at Tg"),
                std::string::npos)
        << e.what();
    }
}

namespace
{
  /// `text` without its line `set <entry> = ...`.
  std::string
  without_entry(std::string text, const std::string &entry)
  {
    const auto line = text.find("  set " + entry);
    text.erase(line, text.find('\n', line) + 1 - line);
    return text;
  }

  /// Reading `text` without `entry` must fail and name the entry.
  void
  expect_named_when_missing(const std::string &text,
                            const std::string &entry,
                            const double       glass_transition)
  {
    dealii::ParameterHandler prm;
    ViscosityLaw::declare_parameters(prm);
    prm.parse_input_from_string(without_entry(text, entry));
    try
      {
        ViscosityLaw::parse(prm, glass_transition);
        ADD_FAILURE() << "no error without " << entry;
      }
    catch (const vitrum::InputError &e)
      {
        EXPECT_NE(std::string(e.what()).find(entry + " is not set"),
                  std::string::npos)
          << e.what();
      }
  }
} // namespace

TEST(Viscosity, MissingEntryIsNamed)
{
  // Material data has no defaults: without a relaxation time (no kink) the
  // glass-branch entries may stay unset, every other entry is required.
  const std::string full = "subsection Viscosity\n"
                           "  set Eta infinity = 1e-5\n"
                           "  set VFT strength D = 12\n"
                           "  set VFT temperature = 400\n"
                           "  set Relaxation time at Tg = 0\n"
                           "end\n";
  {
    dealii::ParameterHandler prm;
    ViscosityLaw::declare_parameters(prm);
    prm.parse_input_from_string(full);
    EXPECT_EQ(ViscosityLaw::parse(prm).kink_temperature, 0.);
  }
  for (const std::string entry : {"Eta infinity",
                                  "VFT strength D",
                                  "VFT temperature",
                                  "Relaxation time at Tg"})
    expect_named_when_missing(full, entry, 0.);
  // with a relaxation time, the glass branch needs its entries
  const std::string glass = "subsection Viscosity\n"
                            "  set Eta infinity = 1e-5\n"
                            "  set VFT strength D = 12\n"
                            "  set VFT temperature = 400\n"
                            "  set Relaxation time at Tg = 76\n"
                            "  set Experiment time = 36000\n"
                            "  set Arrhenius activation energy = 2\n"
                            "end\n";
  for (const std::string entry :
       {"Experiment time", "Arrhenius activation energy"})
    expect_named_when_missing(glass, entry, 590.);
}

TEST(ShearThinning, NewtonianLimitAndHandComputed)
{
  const double eta = 1e12, tau0 = 1e8;
  EXPECT_NEAR(shear_thinning_viscosity(eta, tau0, 0.) / eta, 1., 1e-15);
  EXPECT_NEAR(shear_thinning_viscosity(eta, tau0, 1e-10) / eta, 1., 1e-6);
  // gamma_dot = 1e-4: z = 1, eta_eff = eta asinh(1)
  EXPECT_NEAR(shear_thinning_viscosity(eta, tau0, 1e-4) / eta,
              std::asinh(1.),
              1e-14);
  // stress saturates logarithmically: tau = tau0 asinh(z)
  const double rate = 1e-1;
  EXPECT_NEAR(shear_thinning_viscosity(eta, tau0, rate) * rate,
              tau0 * std::asinh(eta * rate / tau0),
              1e-6);
}

TEST(ShearThinning, DerivativeMatchesFiniteDifferences)
{
  const double eta = 1e12, tau0 = 1e8;
  // 0.99e-6 and 1.01e-6 sit either side of the switch to the series
  for (const double rate : {1e-6, 0.99e-6, 1.01e-6, 1e-4, 1e-3, 1e-1})
    {
      const double h  = 1e-4 * rate;
      const double fd = (shear_thinning_viscosity(eta, tau0, rate + h)
                         - shear_thinning_viscosity(eta, tau0, rate - h))
                        / (2 * h);
      EXPECT_NEAR(shear_thinning_viscosity_derivative(eta, tau0, rate),
                  fd,
                  1e-5 * std::abs(fd))
        << rate;
    }
}

TEST(ShearThinning, EyringStress)
{
  // k_B * 600 K / 1 nm^3
  EXPECT_NEAR(eyring_stress(600., 1e-27), 1.380649e-23 * 600. / 1e-27, 1e-3);
}
