#ifndef vitrum_kinetics_growth_h
#define vitrum_kinetics_growth_h

namespace vitrum
{
  namespace kinetics
  {
    /**
     * Interface-controlled growth velocity of a crystal into its glass
     * (Turnbull; Wilson–Frenkel form):
     *   U = (D / a) [1 - exp(-dg / (R T))]    (m/s),
     * D the transport diffusivity (m^2/s), a the jump distance (m), dg the
     * molar driving force (J/mol). Zero when dg <= 0.
     */
    double
    growth_rate(double diffusivity, double jump_distance, double dg, double T);

    /**
     * Transport diffusivity from the viscosity (Stokes–Einstein):
     *   D = k_B T / (3 pi eta a)    (m^2/s),
     * for viscosity-limited nucleation and growth.
     */
    double
    stokes_einstein_diffusivity(double T, double viscosity, double diameter);
  } // namespace kinetics
} // namespace vitrum

#endif
