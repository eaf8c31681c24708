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
      EXPECT_NE(std::string(e.what()).find("Kink temperature"),
                std::string::npos);
    }
}

TEST(Viscosity, ParseReadsElectronVolts)
{
  dealii::ParameterHandler prm;
  ViscosityLaw::declare_parameters(prm);
  prm.parse_input_from_string("subsection Viscosity\n"
                              "  set Eta infinity = 1e-5\n"
                              "  set VFT strength D = 12\n"
                              "  set VFT temperature = 400\n"
                              "  set Kink temperature = 560\n"
                              "  set Arrhenius activation energy = 3.16\n"
                              "end\n");
  const ViscosityLaw law = ViscosityLaw::parse(prm);
  EXPECT_NEAR(law.arrhenius_energy, 3.16 * electron_volt, 1e-30);
  EXPECT_EQ(law.kink_temperature, 560.);
}

TEST(Viscosity, MissingEntryIsNamed)
{
  // Material data has no defaults: without a kink the Arrhenius energy may
  // stay unset, every other entry is required.
  const std::string full = "subsection Viscosity\n"
                           "  set Eta infinity = 1e-5\n"
                           "  set VFT strength D = 12\n"
                           "  set VFT temperature = 400\n"
                           "  set Kink temperature = 0\n"
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
                                  "Kink temperature"})
    {
      std::string text = full;
      text.erase(text.find("  set " + entry),
                 text.find('\n', text.find("  set " + entry)) + 1
                   - text.find("  set " + entry));
      dealii::ParameterHandler prm;
      ViscosityLaw::declare_parameters(prm);
      prm.parse_input_from_string(text);
      try
        {
          ViscosityLaw::parse(prm);
          ADD_FAILURE() << "no error without " << entry;
        }
      catch (const vitrum::InputError &e)
        {
          EXPECT_NE(std::string(e.what()).find(entry + " is not set"),
                    std::string::npos)
            << e.what();
        }
    }
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
