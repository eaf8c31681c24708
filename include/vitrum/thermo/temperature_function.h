#ifndef vitrum_thermo_temperature_function_h
#define vitrum_thermo_temperature_function_h

#include <vector>

namespace vitrum
{
  namespace thermo
  {
    /**
     * A piecewise function of temperature in the form of a thermodynamic
     * database (TDB): ranges [T_0, T_1), [T_1, T_2), ..., each a sum of
     * terms c T^n (n any integer, negative included) and c T^n ln T.
     *
     * Outside [T_0, T_last) the nearest range is extrapolated (the first
     * below T_0, the last above T_last), as CALPHAD programs do: the
     * function and its derivatives stay smooth there instead of jumping
     * to zero, and the caller decides whether the extrapolation is
     * physically meaningful.
     *
     * A default-constructed function is zero everywhere. Sums and scalar
     * multiples merge the breakpoints of the operands, so a database
     * expression such as 0.75 GHSERAL + 0.25 GHSERZR - 47381 becomes one
     * piecewise function evaluated without looking up its parts.
     */
    class TemperatureFunction
    {
    public:
      /// c T^n, times ln T if with_log.
      struct Term
      {
        double coefficient = 0;
        int    power       = 0;
        bool   with_log    = false;
      };

      /// Zero everywhere.
      TemperatureFunction() = default;

      /**
       * Ranges [bounds[k], bounds[k+1]) with the terms pieces[k]; bounds
       * has one entry more than pieces and must not decrease.
       */
      TemperatureFunction(std::vector<double>            bounds,
                          std::vector<std::vector<Term>> pieces);

      /// a + b T on all temperatures.
      static TemperatureFunction
      linear(double a, double b = 0);

      double
      value(double T) const;
      double
      derivative(double T) const;
      double
      second_derivative(double T) const;

      /// f, df/dT and d2f/dT2 at once.
      void
      evaluate(double T, double &f, double &df, double &d2f) const;

      /// True for the function that is zero everywhere.
      bool
      is_zero() const;

      /// Range limits: one more than n_ranges(); empty for zero.
      const std::vector<double> &
      breakpoints() const
      {
        return bounds;
      }

      unsigned int
      n_ranges() const
      {
        return pieces.size();
      }

      /// Terms of range k.
      const std::vector<Term> &
      terms(unsigned int k) const
      {
        return pieces[k];
      }

      /// The same function with every range cut to [lo, hi) (at least
      /// one range, extrapolated where the function had none).
      TemperatureFunction
      restricted(double lo, double hi) const;

      TemperatureFunction &
      operator+=(const TemperatureFunction &other);
      TemperatureFunction &
      operator*=(double factor);

    private:
      std::vector<double>            bounds;
      std::vector<std::vector<Term>> pieces;

      /// Index of the range used at T (nearest range outside).
      unsigned int
      range_at(double T) const;
    };

    TemperatureFunction
    operator+(TemperatureFunction a, const TemperatureFunction &b);
    TemperatureFunction
    operator-(TemperatureFunction a, const TemperatureFunction &b);
    TemperatureFunction
    operator*(double factor, TemperatureFunction f);

    /**
     * Pieces of two functions laid end to end: a below T_split, b from
     * T_split on.
     */
    TemperatureFunction
    joined(const TemperatureFunction &a,
           const TemperatureFunction &b,
           double                     T_split);

    /**
     * f for T >= Tg and its tangent f(Tg) + (T - Tg) f'(Tg) below: a
     * quantity that stops changing its slope at the glass transition. For
     * the liquid-minus-crystal Gibbs energy this freezes the configurational
     * entropy and enthalpy at their values at Tg.
     */
    TemperatureFunction
    frozen_below(const TemperatureFunction &f, double Tg);
  } // namespace thermo
} // namespace vitrum

#endif
