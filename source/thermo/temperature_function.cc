#include <vitrum/thermo/temperature_function.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vitrum
{
  namespace thermo
  {
    namespace
    {
      /// T^n for an integer n, by repeated multiplication (exact for the
      /// small powers of a database and T^1 = T).
      inline double
      integer_power(const double T, const int n)
      {
        if (n < 0)
          return 1. / integer_power(T, -n);
        double p = 1;
        for (int k = 0; k < n; ++k)
          p *= T;
        return p;
      }


      /// Terms with the same power and log flag added up, zeros dropped.
      std::vector<TemperatureFunction::Term>
      simplified(const std::vector<TemperatureFunction::Term> &terms)
      {
        std::vector<TemperatureFunction::Term> out;
        for (const TemperatureFunction::Term &t : terms)
          {
            auto same = std::find_if(out.begin(),
                                     out.end(),
                                     [&](const TemperatureFunction::Term &o) {
                                       return o.power == t.power
                                              && o.with_log == t.with_log;
                                     });
            if (same == out.end())
              out.push_back(t);
            else
              same->coefficient += t.coefficient;
          }
        out.erase(std::remove_if(out.begin(),
                                 out.end(),
                                 [](const TemperatureFunction::Term &t) {
                                   return t.coefficient == 0;
                                 }),
                  out.end());
        return out;
      }
    } // namespace


    TemperatureFunction::TemperatureFunction(
      std::vector<double>            bounds_,
      std::vector<std::vector<Term>> pieces_)
        : bounds(std::move(bounds_))
        , pieces(std::move(pieces_))
    {
      if (pieces.empty() ? !bounds.empty() : bounds.size() != pieces.size() + 1)
        throw std::invalid_argument(
          "TemperatureFunction: need one bound more than ranges");
      for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
        if (!(bounds[k] <= bounds[k + 1]))
          throw std::invalid_argument(
            "TemperatureFunction: range bounds must not decrease");
    }


    TemperatureFunction
    TemperatureFunction::linear(const double a, const double b)
    {
      // Wide enough to hold any temperature; beyond it the single range is
      // extrapolated anyway.
      return TemperatureFunction({0., 1e6}, {{{a, 0, false}, {b, 1, false}}});
    }


    unsigned int
    TemperatureFunction::range_at(const double T) const
    {
      const unsigned int n = pieces.size();
      for (unsigned int k = 0; k + 1 < n; ++k)
        if (T < bounds[k + 1])
          return k;
      return n - 1;
    }


    void
    TemperatureFunction::evaluate(const double T,
                                  double      &f,
                                  double      &df,
                                  double      &d2f) const
    {
      f = df = d2f = 0;
      if (pieces.empty())
        return;
      const std::vector<Term> &piece = pieces[range_at(T)];
      const bool               logs  = std::any_of(piece.begin(),
                                    piece.end(),
                                    [](const Term &t) { return t.with_log; });
      const double             L     = logs ? std::log(T) : 0.;
      for (const Term &t : piece)
        {
          const double p = t.coefficient * integer_power(T, t.power);
          const double n = t.power;
          if (t.with_log)
            {
              f += p * L;
              df += (n * L + 1.) * p / T;
              d2f += (n * (n - 1.) * L + 2. * n - 1.) * p / (T * T);
            }
          else
            {
              f += p;
              df += n * p / T;
              d2f += n * (n - 1.) * p / (T * T);
            }
        }
    }


    double
    TemperatureFunction::value(const double T) const
    {
      double f, df, d2f;
      evaluate(T, f, df, d2f);
      return f;
    }


    double
    TemperatureFunction::derivative(const double T) const
    {
      double f, df, d2f;
      evaluate(T, f, df, d2f);
      return df;
    }


    double
    TemperatureFunction::second_derivative(const double T) const
    {
      double f, df, d2f;
      evaluate(T, f, df, d2f);
      return d2f;
    }


    bool
    TemperatureFunction::is_zero() const
    {
      return std::all_of(pieces.begin(),
                         pieces.end(),
                         [](const std::vector<Term> &p) { return p.empty(); });
    }


    TemperatureFunction
    TemperatureFunction::restricted(const double lo, const double hi) const
    {
      if (!(lo < hi))
        throw std::invalid_argument(
          "TemperatureFunction::restricted: empty interval");
      if (pieces.empty())
        return TemperatureFunction({lo, hi}, {{}});
      std::vector<double>            b{lo};
      std::vector<std::vector<Term>> p;
      for (const double t : bounds)
        if (t > lo && t < hi && t > b.back())
          b.push_back(t);
      b.push_back(hi);
      for (std::size_t k = 0; k + 1 < b.size(); ++k)
        p.push_back(pieces[range_at(0.5 * (b[k] + b[k + 1]))]);
      return TemperatureFunction(b, p);
    }


    TemperatureFunction &
    TemperatureFunction::operator+=(const TemperatureFunction &other)
    {
      if (other.pieces.empty())
        return *this;
      if (pieces.empty())
        return *this = other;
      // Each interval of the merged breakpoints takes, from each operand,
      // the range that operand uses there (extrapolated where needed), so
      // the sum equals the sum of the separately evaluated functions.
      std::vector<double> b(bounds);
      b.insert(b.end(), other.bounds.begin(), other.bounds.end());
      std::sort(b.begin(), b.end());
      b.erase(std::unique(b.begin(), b.end()), b.end());
      if (b.size() == 1)
        b.push_back(b[0] + 1.);
      std::vector<std::vector<Term>> p;
      for (std::size_t k = 0; k + 1 < b.size(); ++k)
        {
          const double      mid = 0.5 * (b[k] + b[k + 1]);
          std::vector<Term> terms(pieces[range_at(mid)]);
          const auto       &more = other.pieces[other.range_at(mid)];
          terms.insert(terms.end(), more.begin(), more.end());
          p.push_back(simplified(terms));
        }
      bounds = std::move(b);
      pieces = std::move(p);
      return *this;
    }


    TemperatureFunction &
    TemperatureFunction::operator*=(const double factor)
    {
      for (std::vector<Term> &piece : pieces)
        {
          for (Term &t : piece)
            t.coefficient *= factor;
          piece = simplified(piece);
        }
      return *this;
    }


    TemperatureFunction
    operator+(TemperatureFunction a, const TemperatureFunction &b)
    {
      return a += b;
    }


    TemperatureFunction
    operator-(TemperatureFunction a, const TemperatureFunction &b)
    {
      return a += -1. * b;
    }


    TemperatureFunction
    operator*(const double factor, TemperatureFunction f)
    {
      return f *= factor;
    }


    TemperatureFunction
    joined(const TemperatureFunction &a,
           const TemperatureFunction &b,
           const double               T_split)
    {
      // One kelvin of range on a side that the operand does not cover: the
      // end ranges are extrapolated beyond the bounds in any case.
      const std::vector<double> &ba = a.breakpoints();
      const std::vector<double> &bb = b.breakpoints();
      const double               lo
        = ba.empty() ? T_split - 1. : std::min(ba.front(), T_split - 1.);
      const double hi
        = bb.empty() ? T_split + 1. : std::max(bb.back(), T_split + 1.);
      const TemperatureFunction below = a.restricted(lo, T_split);
      const TemperatureFunction above = b.restricted(T_split, hi);
      std::vector<double>       bounds(below.breakpoints());
      bounds.pop_back();
      bounds.insert(bounds.end(),
                    above.breakpoints().begin(),
                    above.breakpoints().end());
      std::vector<std::vector<TemperatureFunction::Term>> pieces;
      for (unsigned int k = 0; k < below.n_ranges(); ++k)
        pieces.push_back(below.terms(k));
      for (unsigned int k = 0; k < above.n_ranges(); ++k)
        pieces.push_back(above.terms(k));
      return TemperatureFunction(bounds, pieces);
    }


    TemperatureFunction
    frozen_below(const TemperatureFunction &f, const double Tg)
    {
      double v, dv, d2v;
      f.evaluate(Tg, v, dv, d2v);
      return joined(TemperatureFunction::linear(v - Tg * dv, dv), f, Tg);
    }
  } // namespace thermo
} // namespace vitrum
