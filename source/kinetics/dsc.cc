#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/dsc.h>
#include <vitrum/thermo/solution_phase.h>

#include <algorithm>
#include <cmath>

namespace vitrum
{
  namespace kinetics
  {
    DscPeak
    analyze_dsc_peak(const std::vector<double> &T, const std::vector<double> &q)
    {
      const std::size_t n = T.size();
      if (n < 3 || q.size() != n)
        throw SolverError("DSC analysis: fewer than three samples");
      const std::size_t top = std::max_element(q.begin(), q.end()) - q.begin();
      if (!(q[top] > 0))
        throw SolverError("DSC analysis: no exothermic peak in the trace");

      DscPeak peak;
      peak.peak = T[top];
      if (top > 0 && top + 1 < n)
        {
          // Vertex of the parabola through the three samples at the top.
          const double x0 = T[top - 1], x1 = T[top], x2 = T[top + 1];
          const double y0 = q[top - 1], y1 = q[top], y2 = q[top + 1];
          const double d1 = (y1 - y0) / (x1 - x0), d2 = (y2 - y1) / (x2 - x1);
          const double curvature = (d2 - d1) / (x2 - x0);
          if (curvature < 0)
            peak.peak = 0.5 * (x0 + x1) - d1 / (2 * curvature);
        }

      // Steepest rise before the peak.
      double      steepest = 0;
      std::size_t at       = 0;
      for (std::size_t i = 0; i + 1 <= top; ++i)
        {
          const double slope = (q[i + 1] - q[i]) / (T[i + 1] - T[i]);
          if (slope > steepest)
            {
              steepest = slope;
              at       = i;
            }
        }
      if (steepest > 0)
        {
          const double Tm = (T[at] + T[at + 1]) / 2,
                       qm = (q[at] + q[at + 1]) / 2;
          peak.onset      = Tm - qm / steepest;
        }
      else
        peak.onset = peak.peak;
      return peak;
    }


    KissingerFit
    kissinger(const std::vector<double> &heating_rates,
              const std::vector<double> &peak_temperatures)
    {
      const std::size_t n = heating_rates.size();
      if (n < 2 || peak_temperatures.size() != n)
        throw InputError("Kissinger analysis needs at least two heating rates");
      std::vector<double> x(n), y(n);
      double              mx = 0, my = 0;
      for (std::size_t i = 0; i < n; ++i)
        {
          x[i] = 1 / peak_temperatures[i];
          y[i] = std::log(heating_rates[i]
                          / (peak_temperatures[i] * peak_temperatures[i]));
          mx += x[i] / n;
          my += y[i] / n;
        }
      double sxx = 0, sxy = 0;
      for (std::size_t i = 0; i < n; ++i)
        {
          sxx += (x[i] - mx) * (x[i] - mx);
          sxy += (x[i] - mx) * (y[i] - my);
        }
      if (!(sxx > 0))
        throw InputError("Kissinger analysis needs distinct peak temperatures");
      const double slope = sxy / sxx;
      KissingerFit fit;
      fit.activation_energy = -slope * thermo::gas_constant;
      fit.intercept         = my - slope * mx;
      for (std::size_t i = 0; i < n; ++i)
        fit.max_residual
          = std::max(fit.max_residual,
                     std::abs(y[i] - fit.intercept - slope * x[i]));
      return fit;
    }
  } // namespace kinetics
} // namespace vitrum
