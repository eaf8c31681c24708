#ifndef vitrum_models_film_growth_h
#define vitrum_models_film_growth_h

#include <vitrum/thermo/material.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /// One stretch of a deposition: `thickness` (nm) of `composition` (all
    /// K mole fractions) arriving at `rate` (nm/s).
    struct DepositionSegment
    {
      double              thickness = 0;
      double              rate      = 0;
      std::vector<double> composition;
    };


    /**
     * What a growing film receives: stretches of given thickness, rate and
     * composition, one after the other from the substrate up. Written
     *   "500 nm at 1.2 nm/s with Cu: 48.5, Zr: 48.5, O: 3"
     * with stretches separated by ';'. Thicknesses take length units (a
     * plain number is nm), rates nm/s, nm/min or nm/h (or any length unit
     * per s, min or h; a plain number is nm/s). Free of FE code.
     */
    class DepositionSchedule
    {
    public:
      /// Throws InputError naming `entry` if `text` is not such a schedule.
      static DepositionSchedule
      parse(const std::string      &text,
            const std::string      &entry,
            const thermo::Material &material);

      /// Thickness of the whole film (nm).
      double
      total_thickness() const;
      /// Time (s) at which the film reaches height z (nm), 0 <= z <= total.
      double
      time_at_height(double z) const;
      /// Height (nm) of the film at time t (s): the total after the end.
      double
      height_at_time(double t) const;
      /// Duration of the whole deposition (s).
      double
      duration() const
      {
        return time_at_height(total_thickness());
      }
      /// The composition of the stretch that holds height z (the upper one
      /// at a border): what arrives at z.
      const std::vector<double> &
      composition_at_height(double z) const;
      /// "500 nm at 1.2 nm/s (Cu 48.5, Zr 48.5, O 3 at.%)"; `elements`
      /// names the fractions.
      std::string
      describe(const std::vector<std::string> &elements) const;

      std::vector<DepositionSegment> segments;
    };


    /// A growth rate in nm/s from "1.2 nm/s", "3 nm/min", "0.5 um/h" or a
    /// plain number (nm/s); InputError naming `entry` otherwise.
    double
    parse_growth_rate(const std::string &text, const std::string &entry);


    /// The layering of a composition profile along the growth direction.
    struct LayerAnalysis
    {
      bool   found    = false; ///< a spectral peak within the window
      double period   = 0;     ///< nm
      double contrast = 0;     ///< mean above minus below the median
    };

    /**
     * Period and contrast of `values`, sampled every `spacing` nm: the
     * peak of the amplitude spectrum of the detrended, Hann-windowed and
     * 8-fold zero-padded profile, refined by a parabola through the three
     * largest bins; periods longer than half the window are not counted.
     * The contrast is the mean of the detrended profile above its median
     * minus the mean below it: the composition difference between the two
     * kinds of layers, in the units of `values`.
     */
    LayerAnalysis
    analyse_layers(const std::vector<double> &values, double spacing);

    /**
     * The in-plane correlation length of lateral rows of a periodic field
     * (each row sampled every `spacing` nm): where the row-averaged
     * normalized autocorrelation first falls below 1/e, by linear
     * interpolation. Half the row length if it never does; 0 for rows
     * without variation.
     */
    double
    correlation_length(const std::vector<std::vector<double>> &rows,
                       double                                  spacing);
  } // namespace models
} // namespace vitrum

#endif
