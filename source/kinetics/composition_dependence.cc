#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/composition_dependence.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace vitrum
{
  namespace kinetics
  {
    namespace
    {
      std::string
      strip(const std::string &s)
      {
        const auto b = s.find_first_not_of(" \t");
        const auto e = s.find_last_not_of(" \t");
        return b == std::string::npos ? "" : s.substr(b, e - b + 1);
      }

      /// "Ni+Pd" or "(Ni+Pd)" -> element indices.
      std::vector<unsigned int>
      parse_sum(std::string                     text,
                const std::vector<std::string> &elements,
                const std::string              &usage)
      {
        text = strip(text);
        if (text.size() >= 2 && text.front() == '(' && text.back() == ')')
          text = text.substr(1, text.size() - 2);
        std::vector<unsigned int> indices;
        std::size_t               start = 0;
        while (start <= text.size())
          {
            const std::size_t plus = text.find('+', start);
            const std::string name
              = strip(text.substr(start,
                                  plus == std::string::npos ? std::string::npos
                                                            : plus - start));
            const auto it = std::find(elements.begin(), elements.end(), name);
            if (name.empty() || it == elements.end())
              throw InputError(usage + ": '" + name
                               + "' is not one of the Elements");
            indices.push_back(it - elements.begin());
            if (plus == std::string::npos)
              break;
            start = plus + 1;
          }
        return indices;
      }
    } // namespace


    double
    CompositionRatio::value(const std::vector<double> &x) const
    {
      double top = 0, bottom = 0;
      for (const unsigned int i : numerator)
        top += x.at(i);
      if (denominator.empty())
        return top;
      for (const unsigned int i : denominator)
        bottom += x.at(i);
      return bottom > 0 ? top / bottom : 0.;
    }


    CompositionRatio
    CompositionRatio::parse(const std::string              &text,
                            const std::vector<std::string> &elements,
                            const std::string              &where)
    {
      const std::string usage = where + " '" + text
                                + "' (expected e.g. 'Ni/(Ni+Pd)' over the "
                                + "Elements";
      CompositionRatio r;
      r.text                = strip(text);
      const std::size_t bar = r.text.find('/');
      if (r.text.empty() || r.text.find('/', bar + 1) != std::string::npos)
        throw InputError(usage + ")");
      r.numerator = parse_sum(r.text.substr(0, bar), elements, usage + ")");
      if (bar != std::string::npos)
        r.denominator
          = parse_sum(r.text.substr(bar + 1), elements, usage + ")");
      return r;
    }


    double
    PiecewiseLinear::value(const double s) const
    {
      if (r.empty())
        return 0;
      if (s <= r.front())
        return y.front();
      if (s >= r.back())
        return y.back();
      const auto   hi = std::upper_bound(r.begin(), r.end(), s) - r.begin();
      const double w  = (s - r[hi - 1]) / (r[hi] - r[hi - 1]);
      return (1 - w) * y[hi - 1] + w * y[hi];
    }


    PiecewiseLinear
    PiecewiseLinear::parse(const std::string &text,
                           const double       scale,
                           const std::string &where)
    {
      PiecewiseLinear table;
      std::size_t     start = 0;
      while (start < text.size())
        {
          const std::size_t comma = text.find(',', start);
          const std::string item
            = strip(text.substr(start,
                                comma == std::string::npos ? std::string::npos
                                                           : comma - start));
          start = comma == std::string::npos ? text.size() : comma + 1;
          if (item.empty())
            continue;
          const std::size_t colon = item.find(':');
          char             *end_r = nullptr, *end_y = nullptr;
          const std::string rs = strip(item.substr(0, colon));
          const std::string ys
            = colon == std::string::npos ? "" : strip(item.substr(colon + 1));
          const double rv = std::strtod(rs.c_str(), &end_r);
          const double yv = std::strtod(ys.c_str(), &end_y);
          if (colon == std::string::npos || rs.empty() || ys.empty()
              || *end_r != '\0' || *end_y != '\0' || !std::isfinite(rv)
              || !std::isfinite(yv))
            throw InputError(where + ": '" + item
                             + "' is not 'r: value' (numbers)");
          if (!table.r.empty() && !(rv > table.r.back()))
            throw InputError(where + ": the r values must increase ('" + item
                             + "')");
          table.r.push_back(rv);
          table.y.push_back(yv * scale);
        }
      return table;
    }
  } // namespace kinetics
} // namespace vitrum
