#ifndef vitrum_kinetics_composition_dependence_h
#define vitrum_kinetics_composition_dependence_h

#include <string>
#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /**
     * A scalar composition variable of a glass: the share of some elements
     * among others, r = sum_{numerator} x_i / sum_{denominator} x_j, written
     * like "Ni/(Ni+Pd)" or "P+B" (no denominator: r = x_P + x_B). It is the
     * quantity a property table is given against, e.g. the Ni share of the
     * Ni+Pd signal that changes along a molded Ni-Pd-P-B wire.
     */
    struct CompositionRatio
    {
      std::string               text;
      std::vector<unsigned int> numerator;
      std::vector<unsigned int> denominator; ///< empty: r = numerator sum

      /// r(x); 0 when the denominator elements are absent.
      double
      value(const std::vector<double> &x) const;

      /// Parse "A+B/(C+D)"-style text over the given element names; throws
      /// InputError naming `where` for unknown elements or bad syntax.
      static CompositionRatio
      parse(const std::string              &text,
            const std::vector<std::string> &elements,
            const std::string              &where);
    };


    /**
     * A property y(r) given at points r_0 < r_1 < ... : linear in between,
     * constant beyond the first and last point (no extrapolation past the
     * data).
     */
    struct PiecewiseLinear
    {
      std::vector<double> r;
      std::vector<double> y;

      double
      value(double r) const;

      bool
      empty() const
      {
        return r.empty();
      }

      /// Parse "r: y, r: y, ..." with y multiplied by `scale` (unit
      /// conversion); needs increasing r and finite values. Throws
      /// InputError naming `where`.
      static PiecewiseLinear
      parse(const std::string &text, double scale, const std::string &where);
    };
  } // namespace kinetics
} // namespace vitrum

#endif
