#ifndef vitrum_kinetics_dsc_h
#define vitrum_kinetics_dsc_h

#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /// Characteristic temperatures of one exothermic DSC peak (K).
    struct DscPeak
    {
      double onset = 0; ///< tangent at the steepest rise meets the baseline
      double peak  = 0; ///< largest heat flow (parabola through the maximum)
    };

    /**
     * Onset and peak of a single exothermic peak in a heat-flow trace q(T)
     * sampled at increasing T, on a zero baseline (the trace of a
     * simulated scan has no other signal). Throws SolverError if there is
     * no peak (all zero) or fewer than three samples.
     */
    DscPeak
    analyze_dsc_peak(const std::vector<double> &T,
                     const std::vector<double> &q);

    /// Straight line through (1/T_p, ln(beta/T_p^2)) and what it gives.
    struct KissingerFit
    {
      double activation_energy = 0; ///< E = -slope R (J/mol)
      double intercept         = 0; ///< ln(beta / T_p^2) at 1/T_p = 0
      double max_residual      = 0; ///< of ln(beta/T_p^2)
    };

    /**
     * Kissinger analysis: least-squares line ln(beta/T_p^2) = c - E/(R T_p)
     * over heating rates beta (K/s) and peak temperatures T_p (K). Needs at
     * least two distinct rates.
     */
    KissingerFit
    kissinger(const std::vector<double> &heating_rates,
              const std::vector<double> &peak_temperatures);
  } // namespace kinetics
} // namespace vitrum

#endif
