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
     *   T <  T_kink: eta = eta_VFT(T_kink) exp(Q_g/k_B (1/T - 1/T_kink))
     * The VFT branch is the equilibrium (supercooled-liquid) viscosity. Its
     * structural relaxation time is Maxwell's, tau = eta/G, with G taken
     * independent of T, so tau(T) = tau_g eta_VFT(T)/eta_VFT(Tg) from the
     * relaxation time tau_g at the calorimetric Tg. The liquid falls out of
     * equilibrium where tau(T) reaches the experiment's time scale t_exp:
     *   D* T0/(T_kink - T0) - D* T0/(Tg - T0) = ln(t_exp / tau_g),
     * which gives T_kink in closed form (kink_from_relaxation()). Below it
     * the glass keeps the structure frozen at T_kink and flows with its
     * isoconfigurational (glass-state) viscosity, Arrhenius with the
     * glass-state activation energy Q_g, continuous with the VFT branch at
     * T_kink. With no relaxation time (tau_g = 0) there is no kink and the
     * law is VFT everywhere above T0.
     */
    struct ViscosityLaw
    {
      double eta_infinity          = 1e-5; ///< Pa s
      double fragility_D           = 10.;  ///< VFT strength D*
      double vft_temperature       = 400.; ///< T0, K
      double glass_temperature     = 0.;   ///< calorimetric Tg, K
      double relaxation_time_at_tg = 0.;   ///< tau_g, s; 0 means no kink
      double experiment_time       = 0.;   ///< t_exp, s
      double kink_temperature      = 0.;   ///< K, derived; 0 means no kink
      double arrhenius_energy      = 0.;   ///< Q_g, J per atom, below the kink

      /// eta_N(T) in Pa s.
      double
      newtonian(double T) const;

      /// d ln(eta_N) / dT in 1/K (negative).
      double
      log_slope(double T) const;

      /// Equilibrium relaxation time tau_g eta_VFT(T)/eta_VFT(Tg) (s).
      double
      relaxation_time(double T) const;

      /// T_kink where relaxation_time() equals experiment_time (K); throws
      /// InputError if the liquid never relaxes within t_exp.
      double
      kink_from_relaxation() const;

      /// Throws InputError naming the entry when the law is unusable
      /// (T0 >= T_kink or Tg, negative values).
      void
      check() const;

      /// Entries of subsection "Viscosity" (in the caller's subsection).
      /// with_glass_temperature: the subsection has its own "Glass
      /// transition temperature" (files that do not state Tg elsewhere).
      static void
      declare_parameters(dealii::ParameterHandler &prm,
                         bool with_glass_temperature = false);

      /// Reads the subsection; glass_temperature > 0 is the caller's Tg
      /// (K), else the subsection's "Glass transition temperature". Derives
      /// the kink from the relaxation time.
      static ViscosityLaw
      parse(dealii::ParameterHandler &prm, double glass_temperature = 0.);
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
