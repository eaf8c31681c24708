#include <deal.II/base/utilities.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/base/text.h>
#include <vitrum/models/film_growth.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <sstream>

namespace vitrum
{
  namespace models
  {
    namespace
    {
      /// "a with b" -> {a, b}; "at" likewise. Empty second part if absent.
      std::pair<std::string, std::string>
      split_at_word(const std::string &text, const std::string &word)
      {
        const std::string padded = " " + word + " ";
        const auto        where  = text.find(padded);
        if (where == std::string::npos)
          return {base::trim(text), ""};
        return {base::trim(text.substr(0, where)),
                base::trim(text.substr(where + padded.size()))};
      }

      /// A value converted to nm from SI carries round-off (18 nm becomes
      /// 18.000000000000004): snap it to 1e-9 nm so that borders of
      /// stretches fall on the layers they should.
      double
      snapped(const double nm)
      {
        return std::round(nm * 1e9) / 1e9;
      }
    } // namespace


    double
    parse_growth_rate(const std::string &text, const std::string &entry)
    {
      const std::string t     = base::trim(text);
      const auto        slash = t.find('/');
      const std::string what
        = entry + ": '" + t
          + "' is not a growth rate > 0; write e.g. 1.2 nm/s, 3 nm/min or "
            "0.5 um/h (a plain number is nm/s)";
      try
        {
          double rate;
          if (slash == std::string::npos)
            rate = base::parse_length(t, "nm") * 1e9;
          else
            rate = base::parse_length(t.substr(0, slash), "nm") * 1e9
                   / base::parse_time("1 " + t.substr(slash + 1), "s");
          if (!(rate > 0) || !std::isfinite(rate))
            throw InputError(what);
          return rate;
        }
      catch (const InputError &)
        {
          throw InputError(what);
        }
    }


    DepositionSchedule
    DepositionSchedule::parse(const std::string      &text,
                              const std::string      &entry,
                              const thermo::Material &material)
    {
      DepositionSchedule schedule;
      for (const std::string &item :
           dealii::Utilities::split_string_list(text, ';'))
        {
          if (item.empty())
            continue;
          const auto [amount, composition] = split_at_word(item, "with");
          const auto [thickness, rate]     = split_at_word(amount, "at");
          if (composition.empty() || rate.empty())
            throw InputError(entry + ": '" + item
                             + "' is not '<thickness> at <rate> with "
                               "<composition>', e.g. '500 nm at 1.2 nm/s "
                               "with Cu: 48.5, Zr: 48.5, O: 3'");
          DepositionSegment segment;
          segment.thickness
            = snapped(base::parse_length(thickness, "nm", entry) * 1e9);
          if (!(segment.thickness > 0))
            throw InputError(entry + ": the thickness '" + thickness
                             + "' must be > 0");
          segment.rate = parse_growth_rate(rate, entry);
          segment.composition
            = thermo::parse_composition(composition, entry, material);
          schedule.segments.push_back(segment);
        }
      if (schedule.segments.empty())
        throw InputError(entry
                         + " is empty; write '<thickness> at <rate> "
                           "with <composition>; ...'");
      return schedule;
    }


    double
    DepositionSchedule::total_thickness() const
    {
      double h = 0;
      for (const auto &s : segments)
        h += s.thickness;
      return h;
    }


    double
    DepositionSchedule::time_at_height(const double z) const
    {
      double t = 0, bottom = 0;
      for (const auto &s : segments)
        {
          const double top = bottom + s.thickness;
          if (z <= top)
            return t + std::max(z - bottom, 0.0) / s.rate;
          t += s.thickness / s.rate;
          bottom = top;
        }
      return t;
    }


    double
    DepositionSchedule::height_at_time(const double t) const
    {
      double start = 0, bottom = 0;
      for (const auto &s : segments)
        {
          const double end = start + s.thickness / s.rate;
          if (t <= end)
            return bottom + std::max(t - start, 0.0) * s.rate;
          start = end;
          bottom += s.thickness;
        }
      return bottom;
    }


    const std::vector<double> &
    DepositionSchedule::composition_at_height(const double z) const
    {
      double top = 0;
      for (const auto &s : segments)
        {
          top += s.thickness;
          if (z < top)
            return s.composition;
        }
      return segments.back().composition;
    }


    std::string
    DepositionSchedule::describe(const std::vector<std::string> &elements) const
    {
      std::ostringstream out;
      for (unsigned int i = 0; i < segments.size(); ++i)
        {
          const auto &s = segments[i];
          out << (i ? "; " : "") << base::format_number(s.thickness)
              << " nm at " << base::format_number(s.rate) << " nm/s (";
          bool first = true;
          for (unsigned int k = 0; k < elements.size(); ++k)
            if (s.composition[k] > 0)
              {
                out << (first ? "" : ", ") << elements[k] << ' '
                    << base::format_number(100 * s.composition[k]);
                first = false;
              }
          out << " at.%)";
        }
      return out.str();
    }


    LayerAnalysis
    analyse_layers(const std::vector<double> &values, const double spacing)
    {
      LayerAnalysis      result;
      const unsigned int N = values.size();
      if (N < 8)
        return result;
      // Remove the least-squares line: a drift of the mean composition
      // along the film is not layering.
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (unsigned int i = 0; i < N; ++i)
        {
          sx += i;
          sy += values[i];
          sxx += double(i) * i;
          sxy += i * values[i];
        }
      const double        slope = (N * sxy - sx * sy) / (N * sxx - sx * sx);
      const double        shift = (sy - slope * sx) / N;
      std::vector<double> y(N);
      for (unsigned int i = 0; i < N; ++i)
        {
          const double w = 0.5 - 0.5 * std::cos(2 * M_PI * i / (N - 1));
          y[i]           = w * (values[i] - shift - slope * i);
        }

      const unsigned int  padding = 8, M = padding * N;
      const unsigned int  k_min = 2 * padding; // periods up to half the window
      std::vector<double> magnitude(M / 2 + 1, 0.0);
      for (unsigned int k = k_min - 1; k <= M / 2; ++k)
        {
          std::complex<double> sum   = 0;
          const double         omega = -2 * M_PI * k / M;
          for (unsigned int i = 0; i < N; ++i)
            sum += y[i] * std::polar(1.0, omega * i);
          magnitude[k] = std::abs(sum);
        }
      unsigned int peak = k_min;
      for (unsigned int k = k_min; k < M / 2; ++k)
        if (magnitude[k] > magnitude[peak])
          peak = k;
      if (peak == k_min || magnitude[peak] <= 0)
        return result;
      const double a = magnitude[peak - 1], b = magnitude[peak],
                   c      = magnitude[peak + 1];
      const double denom  = a - 2 * b + c;
      const double offset = denom != 0 ? 0.5 * (a - c) / denom : 0;
      const double k_peak = peak + offset;
      result.found        = true;
      result.period       = M * spacing / k_peak;
      // Contrast: the mean of the detrended profile above its median minus
      // the mean below it, the difference between the two kinds of layers
      // (a square wave gives its full height, a sine 4/pi of its
      // amplitude).
      std::vector<double> detrended(N);
      for (unsigned int i = 0; i < N; ++i)
        detrended[i] = values[i] - shift - slope * i;
      std::vector<double> sorted = detrended;
      std::nth_element(sorted.begin(), sorted.begin() + N / 2, sorted.end());
      const double median = sorted[N / 2];
      double       upper = 0, lower = 0;
      unsigned int n_upper = 0, n_lower = 0;
      for (const double v : detrended)
        if (v > median)
          {
            upper += v;
            ++n_upper;
          }
        else
          {
            lower += v;
            ++n_lower;
          }
      if (n_upper > 0 && n_lower > 0)
        result.contrast = upper / n_upper - lower / n_lower;
      return result;
    }


    double
    correlation_length(const std::vector<std::vector<double>> &rows,
                       const double                            spacing)
    {
      if (rows.empty() || rows[0].size() < 4)
        return 0;
      const unsigned int  n = rows[0].size();
      std::vector<double> correlation(n / 2 + 1, 0.0);
      for (const auto &row : rows)
        {
          double mean = 0;
          for (const double v : row)
            mean += v;
          mean /= n;
          for (unsigned int r = 0; r <= n / 2; ++r)
            for (unsigned int i = 0; i < n; ++i)
              correlation[r] += (row[i] - mean) * (row[(i + r) % n] - mean);
        }
      if (correlation[0] <= 0)
        return 0;
      const double level = std::exp(-1.0) * correlation[0];
      for (unsigned int r = 1; r <= n / 2; ++r)
        if (correlation[r] < level)
          return spacing
                 * (r - 1
                    + (correlation[r - 1] - level)
                        / (correlation[r - 1] - correlation[r]));
      return spacing * (n / 2);
    }
  } // namespace models
} // namespace vitrum
