#include <vitrum/base/exceptions.h>
#include <vitrum/base/required_entry.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace vitrum
{
  namespace base
  {
    namespace
    {
      std::string
      trimmed(const std::string &s)
      {
        const auto b = s.find_first_not_of(" \t\r\n");
        const auto e = s.find_last_not_of(" \t\r\n");
        return b == std::string::npos ? "" : s.substr(b, e - b + 1);
      }

      /// A finite number occupying all of s.
      bool
      parse(const std::string &s, double &value)
      {
        char *end = nullptr;
        value     = std::strtod(s.c_str(), &end);
        return !s.empty() && end == s.c_str() + s.size() && std::isfinite(value);
      }
    } // namespace


    OptionalDouble::OptionalDouble(const double lower, const double upper)
        : lower(lower)
        , upper(upper)
    {
    }


    bool
    OptionalDouble::match(const std::string &value) const
    {
      const std::string t = trimmed(value);
      double            v;
      return t.empty() || (parse(t, v) && v >= lower && v <= upper);
    }


    std::string
    OptionalDouble::description(const OutputStyle) const
    {
      std::ostringstream text;
      if (upper == std::numeric_limits<double>::max())
        text << "a number >= " << lower << " (required)";
      else
        text << "a number in [" << lower << ", " << upper << "] (required)";
      return text.str();
    }


    std::unique_ptr<dealii::Patterns::PatternBase>
    OptionalDouble::clone() const
    {
      return std::make_unique<OptionalDouble>(lower, upper);
    }


    double
    required_double(const dealii::ParameterHandler &prm,
                    const std::string              &entry,
                    const std::string              &where)
    {
      const std::string text = trimmed(prm.get(entry));
      double            value;
      if (!parse(text, value))
        throw InputError(where + entry
                         + " is not set: material files have no defaults, "
                           "this entry is required here");
      return value;
    }
  } // namespace base
} // namespace vitrum
