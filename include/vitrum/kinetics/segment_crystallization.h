#ifndef vitrum_kinetics_segment_crystallization_h
#define vitrum_kinetics_segment_crystallization_h

#include <vitrum/base/schedule.h>
#include <vitrum/kinetics/kinetics_material.h>

#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /// How the glass of one piece of material (e.g. a segment of a molded
    /// wire) is crystallized along its thermal history.
    struct SegmentCrystallizationSettings
    {
      /// Interface area per volume on which the heterogeneous rate acts
      /// (1/m), e.g. 4/d for the wall of a wire of diameter d.
      double       interface_area_per_volume = 0;
      unsigned int dimension                 = 3;   ///< of growth, 1..3
      double       threshold                 = 0.5; ///< X that counts
      double       max_temperature_step      = 1.;  ///< K per JMAK step
    };


    /// What one segment's history gave.
    struct SegmentCrystallization
    {
      double fraction          = 0; ///< X at the end
      double radius            = 0; ///< R = int U dt of the first nuclei (m)
      double nucleation        = 0; ///< I_hom + S_v I_het at T_ref, 1/(m^3 s)
      double growth            = 0; ///< U at T_ref (m/s)
      double time_to_threshold = 0; ///< isothermal t_x at T_ref (s)
    };


    /**
     * JMAK crystallized fraction of a glass of fixed composition x that has
     * existed from t_start to t_end at the temperature T(t) of a schedule,
     * with the interface (e.g. a pore wall) present from t_interface on:
     * JmakIntegrator steps between the schedule's breakpoints and
     * t_interface, ramps cut into steps of at most max_temperature_step,
     * with the nucleation rate per volume I = I_hom + S_v I_het (the second
     * term only after t_interface) and the growth rate U of
     * KineticsMaterial::rates(x, T) at both ends of each step. Exact for
     * piecewise-constant rates: an isothermal history gives
     * X = 1 - exp(-(g/(d+1)) U^d [I_hom t^(d+1) + S_v I_het t_i^(d+1)])
     * with t = t_end - t_start and t_i = t_end - max(t_start, t_interface).
     * Also returns the rates (with the interface) and the isothermal time
     * to the threshold at T_ref.
     */
    SegmentCrystallization
    crystallize_segment(const KineticsMaterial               &material,
                        const std::vector<double>            &x,
                        const base::Schedule                 &temperature,
                        double                                t_start,
                        double                                t_interface,
                        double                                t_end,
                        double                                T_ref,
                        const SegmentCrystallizationSettings &settings);


    /// Nucleation per volume I_hom + S_v I_het (1/(m^3 s)) of the rates.
    double
    volume_nucleation_rate(const Rates &rates,
                           double       interface_area_per_volume);


    /**
     * Where a stack of segments (root first, with thicknesses h_i and
     * fractions X_i) first reaches the threshold: the lower end of the first
     * segment with X >= threshold (m from the root), or -1 if none does.
     */
    double
    crystallization_onset(const std::vector<double> &thickness,
                          const std::vector<double> &fraction,
                          double                     threshold);
  } // namespace kinetics
} // namespace vitrum

#endif
