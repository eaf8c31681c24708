#include <deal.II/base/utilities.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/base/text.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace vitrum::base
{
  namespace
  {


    /**
     * Split "<number><spaces><unit>" into its number and its (possibly
     * empty) unit. False if there is no finite decimal number at the start
     * or the unit holds a space. Only decimal notation counts as a number
     * (strtod would also take "inf", "nan" and hexadecimal).
     */
    bool
    split_number(const std::string &text, double &number, std::string &unit)
    {
      const std::string t = trim(text);
      if (t.empty())
        return false;
      char *end                = nullptr;
      number                   = std::strtod(t.c_str(), &end);
      const std::size_t length = end - t.c_str();
      if (length == 0 || !std::isfinite(number))
        return false;
      for (std::size_t i = 0; i < length; ++i)
        if (std::string("0123456789+-.eE").find(t[i]) == std::string::npos)
          return false;
      unit = trim(t.substr(length));
      return unit.find_first_of(" \t") == std::string::npos;
    }


    /// "a time >= 0 s; use a number in s or one with a unit: s, ...".
    std::string
    what_is_allowed(const Quantity    &quantity,
                    const std::string &plain_unit,
                    const std::string &range)
    {
      return "a " + quantity.name + range + "; use a number in " + plain_unit
             + " or one with a unit: " + quantity.allowed_units();
    }


    std::string
    range_text(const double lower, const double upper, const std::string &unit)
    {
      const double none = std::numeric_limits<double>::max();
      if (lower == -none && upper == none)
        return "";
      if (upper == none)
        return " >= " + format_number(lower) + " " + unit;
      if (lower == -none)
        return " <= " + format_number(upper) + " " + unit;
      return " from " + format_number(lower) + " " + unit + " to "
             + format_number(upper) + " " + unit;
    }


    /// parse_quantity() without the message: false on any problem.
    bool
    try_parse(const std::string &text,
              const Quantity    &quantity,
              const std::string &plain_unit,
              double            &si)
    {
      double      number = 0;
      std::string symbol;
      if (!split_number(text, number, symbol))
        return false;
      const Quantity::Unit *const unit
        = quantity.find_unit(symbol.empty() ? plain_unit : symbol);
      if (unit == nullptr)
        return false;
      si = number * unit->scale + unit->offset;
      return std::isfinite(si) && (!quantity.positive_only || si > 0);
    }
  } // namespace


  Quantity
  Quantity::time()
  {
    return {"time",
            "s",
            {{"s", 1., 0.},
             {"sec", 1., 0.},
             {"min", 60., 0.},
             {"h", 3600., 0.},
             {"hour", 3600., 0.},
             {"d", 86400., 0.},
             {"day", 86400., 0.}},
            false,
            false};
  }


  Quantity
  Quantity::length()
  {
    return {"length",
            "m",
            {{"m", 1., 0.},
             {"cm", 1e-2, 0.},
             {"mm", 1e-3, 0.},
             {"um", 1e-6, 0.},
             {"\u00b5m", 1e-6, 0.},
             {"\u03bcm", 1e-6, 0.},
             {"nm", 1e-9, 0.},
             {"Angstrom", 1e-10, 0.}},
            false,
            true};
  }


  Quantity
  Quantity::temperature()
  {
    return {"temperature",
            "K",
            {{"K", 1., 0.},
             {"C", 1., 273.15},
             {"degC", 1., 273.15},
             {"\u00b0C", 1., 273.15}},
            true,
            true};
  }


  Quantity
  Quantity::temperature_difference()
  {
    return {
      "temperature difference",
      "K",
      {{"K", 1., 0.}, {"C", 1., 0.}, {"degC", 1., 0.}, {"\u00b0C", 1., 0.}},
      false,
      true};
  }


  Quantity
  Quantity::pressure()
  {
    return {
      "pressure",
      "Pa",
      {{"Pa", 1., 0.}, {"kPa", 1e3, 0.}, {"MPa", 1e6, 0.}, {"GPa", 1e9, 0.}},
      false,
      true};
  }


  const Quantity::Unit *
  Quantity::find_unit(const std::string &symbol) const
  {
    for (const Unit &unit : units)
      if (case_sensitive ? unit.symbol == symbol
                         : to_lower(unit.symbol) == to_lower(symbol))
        return &unit;
    return nullptr;
  }


  std::string
  Quantity::allowed_units() const
  {
    std::string list;
    for (const Unit &unit : units)
      list += (list.empty() ? "" : ", ") + unit.symbol;
    return list;
  }


  double
  Quantity::to_si(const double value, const std::string &unit) const
  {
    const double si = difference_to_si(value, unit);
    return si + find_unit(unit)->offset;
  }


  double
  Quantity::difference_to_si(const double       difference,
                             const std::string &unit) const
  {
    const Unit *const found = find_unit(unit);
    if (found == nullptr)
      throw InputError("Unknown " + name + " unit \"" + unit
                       + "\"; allowed: " + allowed_units());
    return difference * found->scale;
  }


  double
  Quantity::from_si(const double si_value, const std::string &unit) const
  {
    const Unit *const found = find_unit(unit);
    if (found == nullptr)
      throw InputError("Unknown " + name + " unit \"" + unit
                       + "\"; allowed: " + allowed_units());
    return (si_value - found->offset) / found->scale;
  }


  EntryUnit
  seconds()
  {
    return {Quantity::time(), "s"};
  }


  EntryUnit
  nanometres()
  {
    return {Quantity::length(), "nm"};
  }


  EntryUnit
  kelvin()
  {
    return {Quantity::temperature(), "K"};
  }


  EntryUnit
  kelvin_difference()
  {
    return {Quantity::temperature_difference(), "K"};
  }


  double
  parse_quantity(const std::string &text,
                 const Quantity    &quantity,
                 const std::string &plain_unit,
                 const std::string &entry)
  {
    double si = 0;
    if (!try_parse(text, quantity, plain_unit, si))
      {
        const std::string range
          = quantity.positive_only ? " > 0 " + quantity.si_unit : "";
        throw InputError((entry.empty() ? "" : entry + ": ") + "'" + trim(text)
                         + "' is not "
                         + what_is_allowed(quantity, plain_unit, range));
      }
    return si;
  }


  double
  parse_time(const std::string &text,
             const std::string &plain_unit,
             const std::string &entry)
  {
    return parse_quantity(text, Quantity::time(), plain_unit, entry);
  }


  double
  parse_length(const std::string &text,
               const std::string &plain_unit,
               const std::string &entry)
  {
    return parse_quantity(text, Quantity::length(), plain_unit, entry);
  }


  double
  parse_temperature(const std::string &text,
                    const std::string &plain_unit,
                    const std::string &entry)
  {
    return parse_quantity(text, Quantity::temperature(), plain_unit, entry);
  }


  double
  parse_in(const std::string &text,
           const EntryUnit   &unit,
           const std::string &entry)
  {
    const double si = parse_quantity(text, unit.quantity, unit.unit, entry);
    // A number in the entry's own unit (or a plain one) comes back
    // unchanged, not through a round trip with its round-off.
    double      number = 0;
    std::string symbol;
    split_number(text, number, symbol);
    if (symbol.empty() || symbol == unit.unit)
      return number;
    return unit.quantity.from_si(si, unit.unit);
  }


  bool
  is_plain_number(const std::string &text)
  {
    double      number = 0;
    std::string symbol;
    return split_number(text, number, symbol) && symbol.empty();
  }


  QuantityPattern::QuantityPattern(const EntryUnit &unit,
                                   const double     lower,
                                   const double     upper)
      : unit(unit)
      , lower(lower)
      , upper(upper)
  {
  }


  bool
  QuantityPattern::match(const std::string &value) const
  {
    double si = 0;
    if (!try_parse(value, unit.quantity, unit.unit, si))
      return false;
    const double in_unit = parse_in(value, unit);
    // Round-off of the conversion must not reject a bound written in
    // another unit ("1 h" for an upper bound of 3600 s).
    const double slack = 1e-12 * std::max(1., std::abs(in_unit));
    return in_unit >= lower - slack && in_unit <= upper + slack;
  }


  std::string
  QuantityPattern::description(const OutputStyle) const
  {
    return what_is_allowed(unit.quantity,
                           unit.unit,
                           range_text(lower, upper, unit.unit));
  }


  std::unique_ptr<dealii::Patterns::PatternBase>
  QuantityPattern::clone() const
  {
    return std::make_unique<QuantityPattern>(unit, lower, upper);
  }


  double
  get_quantity(const dealii::ParameterHandler &prm,
               const std::string              &entry,
               const EntryUnit                &unit,
               const std::string              &where)
  {
    return parse_in(prm.get(entry), unit, where + entry);
  }


  std::vector<double>
  get_quantities(const dealii::ParameterHandler &prm,
                 const std::string              &entry,
                 const EntryUnit                &unit,
                 const std::string              &where)
  {
    std::vector<double> values;
    for (const std::string &item :
         dealii::Utilities::split_string_list(prm.get(entry)))
      values.push_back(parse_in(item, unit, where + entry));
    return values;
  }


  void
  require_plain_numbers(const dealii::ParameterHandler &prm,
                        const std::string              &entry,
                        const std::string              &where,
                        const std::string              &reason)
  {
    const std::string text = prm.get(entry);
    for (const std::string &item : dealii::Utilities::split_string_list(text))
      if (!is_plain_number(item))
        throw InputError(where + entry + ": '" + text + "' has a unit, but "
                         + reason + ": give plain numbers");
  }
} // namespace vitrum::base
