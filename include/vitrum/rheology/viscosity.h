#ifndef vitrum_rheology_viscosity_h
#define vitrum_rheology_viscosity_h

#include <deal.II/base/parameter_handler.h>

namespace vitrum
{
  namespace rheology
  {
    /// Boltzmann constant in J/K.
    constexpr double boltzmann_constant = 1.380649e-23;
    /// One electron volt in J.
    constexpr double electron_volt = 1.602176634e-19;

    /**
     * Newtonian viscosity of a glass-forming liquid as a function of
     * temperature (Pa s):
     *   T >= T_kink: eta = eta_inf exp(D* T0 / (T - T0))          (VFT)
     *   T <  T_kink: eta = eta_VFT(T_kink) exp(Q/k_B (1/T - 1/T_kink))
     * The Arrhenius branch below the kink describes the glass that falls out
     * of equilibrium on the experiment's time scale; it is continuous with
     * the VFT branch at T_kink by construction. With no kink (T_kink = 0)
     * the law is VFT everywhere above T0.
     */
    struct ViscosityLaw
    {
      double eta_infinity     = 1e-5; ///< Pa s
      double fragility_D      = 10.;  ///< VFT strength D*
      double vft_temperature  = 400.; ///< T0, K
      double kink_temperature = 0.;   ///< K; 0 means no kink
      double arrhenius_energy = 0.;   ///< J per atom, below the kink

      /// eta_N(T) in Pa s.
      double
      newtonian(double T) const;

      /// d ln(eta_N) / dT in 1/K (negative).
      double
      log_slope(double T) const;

      /// Throws InputError naming the entry when the law is unusable
      /// (T0 >= T_kink, negative values).
      void
      check() const;

      /// Entries of subsection "Viscosity" (in the caller's subsection).
      static void
      declare_parameters(dealii::ParameterHandler &prm);

      static ViscosityLaw
      parse(dealii::ParameterHandler &prm);
    };


    /**
     * Viscoplastic (Eyring) shear thinning of a glass:
     *   tau = tau0 asinh(eta_N gamma_dot / tau0),
     *   eta_eff = tau / gamma_dot = eta_N asinh(z) / z, z = eta_N gamma_dot /
     * tau0. eta_eff tends to eta_N as gamma_dot -> 0 and falls as ln(z)/z for
     * fast flow. tau0 = k_B T / V from an activation volume V.
     */
    double
    shear_thinning_viscosity(double eta_N, double tau0, double gamma_dot);

    /// d eta_eff / d gamma_dot (Pa s^2) of shear_thinning_viscosity().
    double
    shear_thinning_viscosity_derivative(double eta_N,
                                        double tau0,
                                        double gamma_dot);

    /// tau0 = k_B T / V (Pa) for an activation volume V (m^3).
    double
    eyring_stress(double T, double activation_volume);
  } // namespace rheology
} // namespace vitrum

#endif
