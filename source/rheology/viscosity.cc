#include <vitrum/base/exceptions.h>
#include <vitrum/base/required_entry.h>
#include <vitrum/rheology/viscosity.h>

#include <cmath>
#include <string>

namespace vitrum
{
  namespace rheology
  {
    double
    ViscosityLaw::newtonian(const double T) const
    {
      const auto vft = [this](const double t) {
        return eta_infinity
               * std::exp(fragility_D * vft_temperature
                          / (t - vft_temperature));
      };
      if (kink_temperature <= 0. || T >= kink_temperature)
        return vft(T);
      return vft(kink_temperature)
             * std::exp(arrhenius_energy / boltzmann_constant
                        * (1. / T - 1. / kink_temperature));
    }


    double
    ViscosityLaw::log_slope(const double T) const
    {
      if (kink_temperature <= 0. || T >= kink_temperature)
        return -fragility_D * vft_temperature
               / ((T - vft_temperature) * (T - vft_temperature));
      return -arrhenius_energy / (boltzmann_constant * T * T);
    }


    void
    ViscosityLaw::check() const
    {
      const auto fail = [](const std::string &what) {
        throw InputError("Viscosity: " + what);
      };
      if (!(eta_infinity > 0.))
        fail("'Eta infinity' must be > 0 Pa s");
      if (!(fragility_D > 0.))
        fail("'VFT strength D' must be > 0");
      if (kink_temperature > 0. && kink_temperature <= vft_temperature)
        fail("'Kink temperature' (" + std::to_string(kink_temperature)
             + " K) must lie above 'VFT temperature' ("
             + std::to_string(vft_temperature) + " K), or be 0 for no kink");
      if (kink_temperature > 0. && !(arrhenius_energy > 0.))
        fail("'Arrhenius activation energy' must be > 0 eV when a kink is set");
    }


    void
    ViscosityLaw::declare_parameters(dealii::ParameterHandler &prm)
    {
      // Material data: no defaults, every entry is required.
      using base::OptionalDouble;
      prm.enter_subsection("Viscosity");
      prm.declare_entry("Eta infinity",
                        "",
                        OptionalDouble(0.),
                        "VFT prefactor eta_inf (Pa s): "
                        "eta = eta_inf exp(D T0 / (T - T0)) above the kink.");
      prm.declare_entry("VFT strength D",
                        "",
                        OptionalDouble(0.),
                        "VFT D* (-).");
      prm.declare_entry("VFT temperature",
                        "",
                        OptionalDouble(0.),
                        "VFT T0 (K).");
      prm.declare_entry("Kink temperature",
                        "",
                        OptionalDouble(0.),
                        "Below this temperature (K) the viscosity is "
                        "Arrhenius, continuous at the kink; 0 = no kink.");
      prm.declare_entry("Arrhenius activation energy",
                        "",
                        OptionalDouble(0.),
                        "Activation energy of the viscosity below the kink "
                        "(eV per atom); required with a kink.");
      prm.leave_subsection();
    }


    ViscosityLaw
    ViscosityLaw::parse(dealii::ParameterHandler &prm)
    {
      const auto number = [&](const std::string &entry) {
        return base::required_double(prm, entry, "Viscosity/");
      };
      ViscosityLaw law;
      prm.enter_subsection("Viscosity");
      law.eta_infinity     = number("Eta infinity");
      law.fragility_D      = number("VFT strength D");
      law.vft_temperature  = number("VFT temperature");
      law.kink_temperature = number("Kink temperature");
      if (law.kink_temperature > 0)
        law.arrhenius_energy
          = number("Arrhenius activation energy") * electron_volt;
      prm.leave_subsection();
      law.check();
      return law;
    }


    namespace
    {
      /// asinh(z)/z, with its series where the closed form loses digits.
      double
      asinh_ratio(const double z)
      {
        const double z2 = z * z;
        if (std::abs(z) < 1e-2)
          return 1. - z2 / 6. + 3. * z2 * z2 / 40. - 5. * z2 * z2 * z2 / 112.;
        return std::asinh(z) / z;
      }

      /// d/dz [asinh(z)/z].
      double
      asinh_ratio_derivative(const double z)
      {
        const double z2 = z * z;
        if (std::abs(z) < 1e-2)
          return z * (-1. / 3. + 3. * z2 / 10. - 15. * z2 * z2 / 56.);
        return (z / std::sqrt(1. + z2) - std::asinh(z)) / z2;
      }
    } // namespace


    double
    shear_thinning_viscosity(const double eta_N,
                             const double tau0,
                             const double gamma_dot)
    {
      return eta_N * asinh_ratio(eta_N * gamma_dot / tau0);
    }


    double
    shear_thinning_viscosity_derivative(const double eta_N,
                                        const double tau0,
                                        const double gamma_dot)
    {
      return eta_N * eta_N / tau0
             * asinh_ratio_derivative(eta_N * gamma_dot / tau0);
    }


    double
    eyring_stress(const double T, const double activation_volume)
    {
      return boltzmann_constant * T / activation_volume;
    }
  } // namespace rheology
} // namespace vitrum
