#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/jmak.h>
#include <vitrum/kinetics/segment_crystallization.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace vitrum
{
  namespace kinetics
  {
    namespace
    {
      /// Rates at (x, T), with a clear error where the transport law breaks.
      Rates
      finite_rates(const KineticsMaterial    &material,
                   const std::vector<double> &x,
                   const double               T)
      {
        const Rates r = material.rates(x, T);
        if (!std::isfinite(r.homogeneous) || !std::isfinite(r.heterogeneous)
            || !std::isfinite(r.growth))
          throw InputError("kinetics file " + material.name
                           + ": the rates are not finite at T = "
                           + std::to_string(T)
                           + " K (a VFT viscosity below its T0 needs a kink "
                             "temperature above T0)");
        return r;
      }

      /// The times at which the history is sampled: the ends, the schedule's
      /// breakpoints and `extra` in between, and enough points on ramps.
      std::vector<double>
      history_times(const base::Schedule &T,
                    const double          t0,
                    const double          t1,
                    const double          extra,
                    const double          dT_max)
      {
        std::vector<double> knots = {t0, t1};
        for (const double b : T.breakpoints())
          if (b > t0 && b < t1)
            knots.push_back(b);
        if (extra > t0 && extra < t1)
          knots.push_back(extra);
        std::sort(knots.begin(), knots.end());
        std::vector<double> times = {t0};
        for (unsigned int i = 1; i < knots.size(); ++i)
          {
            const double a = knots[i - 1], b = knots[i];
            if (!(b > a))
              continue;
            const double       dT = std::abs(T.value(b) - T.value(a));
            const unsigned int n
              = std::max(1., std::ceil(dT / std::max(dT_max, 1e-12)));
            for (unsigned int j = 1; j <= n; ++j)
              times.push_back(j == n ? b : a + (b - a) * j / n);
          }
        return times;
      }
    } // namespace


    double
    volume_nucleation_rate(const Rates &r, const double area_per_volume)
    {
      return r.homogeneous + area_per_volume * r.heterogeneous;
    }


    SegmentCrystallization
    crystallize_segment(const KineticsMaterial               &material,
                        const std::vector<double>            &x,
                        const base::Schedule                 &temperature,
                        const double                          t_start,
                        const double                          t_interface,
                        const double                          t_end,
                        const double                          T_ref,
                        const SegmentCrystallizationSettings &s)
    {
      SegmentCrystallization result;
      const Rates            ref = finite_rates(material, x, T_ref);
      result.nucleation
        = volume_nucleation_rate(ref, s.interface_area_per_volume);
      result.growth            = ref.growth;
      result.time_to_threshold = jmak_time_to_fraction(result.nucleation,
                                                       result.growth,
                                                       s.threshold,
                                                       s.dimension);
      if (!(t_end > t_start))
        return result;

      JmakIntegrator jmak(s.dimension);
      const auto     times = history_times(temperature,
                                       t_start,
                                       t_end,
                                       t_interface,
                                       s.max_temperature_step);
      // the interface term of a step starting at or after t_interface
      const auto nucleation = [&](const Rates &r, const double step_start) {
        return volume_nucleation_rate(r,
                                      step_start >= t_interface
                                        ? s.interface_area_per_volume
                                        : 0.);
      };
      Rates r0 = finite_rates(material, x, temperature.value(t_start));
      for (unsigned int i = 1; i < times.size(); ++i)
        {
          const Rates r1
            = finite_rates(material, x, temperature.value(times[i]));
          const double h = times[i] - times[i - 1];
          jmak.step(h,
                    nucleation(r0, times[i - 1]),
                    nucleation(r1, times[i - 1]),
                    r0.growth,
                    r1.growth);
          result.radius += 0.5 * h * (r0.growth + r1.growth);
          r0 = r1;
        }
      result.fraction = jmak.fraction();
      return result;
    }


    double
    crystallization_onset(const std::vector<double> &thickness,
                          const std::vector<double> &fraction,
                          const double               threshold)
    {
      double z = 0;
      for (unsigned int i = 0; i < thickness.size(); ++i)
        {
          if (fraction[i] >= threshold)
            return z;
          z += thickness[i];
        }
      return -1;
    }
  } // namespace kinetics
} // namespace vitrum
