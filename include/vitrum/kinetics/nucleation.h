#ifndef vitrum_kinetics_nucleation_h
#define vitrum_kinetics_nucleation_h

namespace vitrum
{
  namespace kinetics
  {
    /**
     * Heterogeneous barrier factor of a spherical-cap nucleus wetting a
     * flat interface with contact angle theta (rad):
     *   f = (2 + cos theta)(1 - cos theta)^2 / 4,
     * 1 at theta = pi (no wetting: homogeneous), 0 at theta = 0.
     */
    double
    contact_angle_factor(double theta);

    /// Work of forming the critical spherical nucleus (J):
    /// W* = 16 pi sigma^3 / (3 dg_v^2), dg_v > 0 in J/m^3, sigma in J/m^2.
    double
    nucleation_barrier(double interface_energy, double dg_volume);

    /// Radius of the critical nucleus r* = 2 sigma / dg_v (m).
    double
    critical_radius(double interface_energy, double dg_volume);

    /**
     * Classical (Turnbull–Fisher) steady-state nucleation:
     *   I = n (D / a^2) exp(-f W* / (k_B T)),
     * with n the number of sites per volume (homogeneous, I in 1/(m^3 s))
     * or per interface area (heterogeneous, 1/(m^2 s)), D / a^2 the rate at
     * which atoms join the nucleus (D the transport diffusivity, a the jump
     * distance) and f the contact-angle factor (1 for homogeneous). The
     * Zeldovich factor (~0.01-0.1) is absorbed into n. Zero when dg_v <= 0.
     * Pure function of its arguments, so callable per cell.
     */
    double
    classical_nucleation_rate(double site_density,
                              double diffusivity,
                              double jump_distance,
                              double interface_energy,
                              double dg_volume,
                              double barrier_factor,
                              double T);
  } // namespace kinetics
} // namespace vitrum

#endif
