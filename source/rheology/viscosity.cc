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


    double
    ViscosityLaw::relaxation_time(const double T) const
    {
      const double B = fragility_D * vft_temperature;
      return relaxation_time_at_tg
             * std::exp(B / (T - vft_temperature)
                        - B / (glass_temperature - vft_temperature));
    }


    double
    ViscosityLaw::kink_from_relaxation() const
    {
      // D* T0/(T_k - T0) = D* T0/(Tg - T0) + ln(t_exp / tau_g)
      const double B = fragility_D * vft_temperature;
      const double inverse_gap
        = 1. / (glass_temperature - vft_temperature)
          + std::log(experiment_time / relaxation_time_at_tg) / B;
      if (!(inverse_gap > 0.))
        throw InputError(
          "Viscosity: with 'Experiment time' = "
          + std::to_string(experiment_time)
          + " s the liquid never relaxes (the equilibrium relaxation time "
            "stays above it at every temperature); check 'Experiment time' "
            "and 'Relaxation time at Tg'");
      return vft_temperature + 1. / inverse_gap;
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
      if (!(vft_temperature >= 0.))
        fail("'VFT temperature' must be >= 0 K");
      if (relaxation_time_at_tg > 0. && !(experiment_time > 0.))
        fail("'Experiment time' must be > 0 s with a 'Relaxation time at Tg'");
      if (relaxation_time_at_tg > 0. && !(glass_temperature > vft_temperature))
        fail("the glass transition temperature ("
             + std::to_string(glass_temperature)
             + " K) must lie above 'VFT temperature' ("
             + std::to_string(vft_temperature) + " K)");
      if (kink_temperature > 0. && kink_temperature <= vft_temperature)
        fail("the kink temperature (" + std::to_string(kink_temperature)
             + " K) must lie above 'VFT temperature' ("
             + std::to_string(vft_temperature)
             + " K); 'Relaxation time at Tg' = 0 for no kink");
      if (kink_temperature > 0. && !(arrhenius_energy > 0.))
        fail("'Arrhenius activation energy' must be > 0 eV when there is a "
             "kink ('Relaxation time at Tg' > 0)");
    }


    void
    ViscosityLaw::declare_parameters(dealii::ParameterHandler &prm,
                                     const bool with_glass_temperature)
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
      if (with_glass_temperature)
        prm.declare_entry("Glass transition temperature",
                          "",
                          OptionalDouble(0.),
                          "Calorimetric Tg (K) at which 'Relaxation time at "
                          "Tg' holds.");
      prm.declare_entry("Relaxation time at Tg",
                        "",
                        OptionalDouble(0.),
                        "Equilibrium (Maxwell) relaxation time tau_g of the "
                        "liquid at the calorimetric Tg (s); tau(T) = tau_g "
                        "eta_VFT(T)/eta_VFT(Tg). The kink is where tau "
                        "reaches 'Experiment time'. 0 = no kink (VFT at "
                        "every temperature).");
      prm.declare_entry("Experiment time",
                        "",
                        OptionalDouble(0.),
                        "Time scale t_exp of the experiment (s), e.g. the "
                        "molding time: below the temperature where tau = "
                        "t_exp the glass stays out of equilibrium; required "
                        "with a relaxation time.");
      prm.declare_entry("Kink temperature",
                        "",
                        dealii::Patterns::Anything(),
                        "Not an input: the kink is derived from 'Relaxation "
                        "time at Tg' and 'Experiment time'.");
      prm.declare_entry("Arrhenius activation energy",
                        "",
                        OptionalDouble(0.),
                        "Glass-state (isoconfigurational) activation energy "
                        "of the viscosity below the kink (eV per atom); "
                        "required with a kink.");
      prm.leave_subsection();
    }


    ViscosityLaw
    ViscosityLaw::parse(dealii::ParameterHandler &prm,
                        const double              glass_temperature)
    {
      const auto number = [&](const std::string &entry) {
        return base::required_double(prm, entry, "Viscosity/");
      };
      ViscosityLaw law;
      prm.enter_subsection("Viscosity");
      if (!prm.get("Kink temperature").empty())
        throw InputError(
          "Viscosity/Kink temperature: not an input any more; the kink is "
          "derived where the relaxation time reaches the experiment's time "
          "scale: set 'Relaxation time at Tg' and 'Experiment time' "
          "instead ('Relaxation time at Tg' = 0 for no kink)");
      law.eta_infinity          = number("Eta infinity");
      law.fragility_D           = number("VFT strength D");
      law.vft_temperature       = number("VFT temperature");
      law.relaxation_time_at_tg = number("Relaxation time at Tg");
      if (law.relaxation_time_at_tg > 0)
        {
          law.glass_temperature = glass_temperature > 0
                                    ? glass_temperature
                                    : number("Glass transition temperature");
          law.experiment_time   = number("Experiment time");
          law.arrhenius_energy
            = number("Arrhenius activation energy") * electron_volt;
        }
      prm.leave_subsection();
      law.check();
      if (law.relaxation_time_at_tg > 0)
        law.kink_temperature = law.kink_from_relaxation();
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
