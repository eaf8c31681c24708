#ifndef vitrum_thermo_double_well_h
#define vitrum_thermo_double_well_h

namespace vitrum
{
  namespace thermo
  {
    /**
     * The quartic double-well bulk free energy density of a binary
     * Cahn–Hilliard model (PFHub benchmark 1):
     *   f(c) = rho (c - c_alpha)^2 (c_beta - c)^2.
     * Its minima c_alpha and c_beta are the equilibrium phase compositions;
     * rho sets the barrier height rho (c_beta - c_alpha)^4 / 16.
     */
    struct DoubleWell
    {
      double rho     = 5.0;
      double c_alpha = 0.3;
      double c_beta  = 0.7;

      double
      f(const double c) const
      {
        const double a = c - c_alpha;
        const double b = c_beta - c;
        return rho * a * a * b * b;
      }

      /// df/dc = 2 rho (c - c_alpha)(c_beta - c)(c_alpha + c_beta - 2c)
      double
      df(const double c) const
      {
        const double a = c - c_alpha;
        const double b = c_beta - c;
        return 2.0 * rho * a * b * (b - a);
      }

      /// d2f/dc2 = 2 rho [(c_beta - c)^2 - 4 (c - c_alpha)(c_beta - c)
      ///                  + (c - c_alpha)^2]
      double
      d2f(const double c) const
      {
        const double a = c - c_alpha;
        const double b = c_beta - c;
        return 2.0 * rho * (a * a - 4.0 * a * b + b * b);
      }
    };
  } // namespace thermo
} // namespace vitrum

#endif
