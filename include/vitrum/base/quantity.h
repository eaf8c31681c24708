#ifndef vitrum_base_quantity_h
#define vitrum_base_quantity_h

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/patterns.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace vitrum::base
{
  /**
   * A physical quantity users write with a unit: its SI base unit and the
   * units they may write.
   *
   * The units are data rather than code so that one parser serves every
   * time, length, temperature and pressure of the input, and so that an
   * error message can list exactly the units that are accepted.
   */
  struct Quantity
  {
    /**
     * One unit users may write. A value converts as
     * si = value * scale + offset; a difference or a rate only uses the
     * scale, because an offset (273.15 for degrees Celsius) cancels out of
     * a difference.
     */
    struct Unit
    {
      std::string symbol;
      double      scale;
      double      offset;
    };

    /// Used in error messages, e.g. "temperature".
    std::string name;

    /// The unit everything is stored in, e.g. "K" or "Pa".
    std::string si_unit;

    /// The units users may write, in the order error messages list them.
    std::vector<Unit> units;

    /// True if only values > 0 (in SI) make physical sense, as for an
    /// absolute temperature. Catches "-5 K" and "-300 C" at input time
    /// instead of as a NaN deep inside a material law.
    bool positive_only = false;

    /// Whether symbols are matched case-sensitively: yes for lengths and
    /// pressures ("mm" and "Mm", "mPa" and "MPa" differ by orders of
    /// magnitude), no for times ("H" can only mean hours).
    bool case_sensitive = true;

    /// Time in s; users may write s, sec, min, h, hour, d or day.
    static Quantity
    time();

    /// Length in m; users may write m, cm, mm, um (or µm), nm or Angstrom.
    static Quantity
    length();

    /// Absolute temperature in K; users may write K, C, degC or °C.
    static Quantity
    temperature();

    /// A temperature difference (a step, a window) in K: K, C, degC or °C
    /// all scale by 1, without the offset of degrees Celsius.
    static Quantity
    temperature_difference();

    /// Pressure in Pa; users may write Pa, kPa, MPa or GPa.
    static Quantity
    pressure();

    /// The unit with the given symbol, or nullptr if there is none.
    const Unit *
    find_unit(const std::string &symbol) const;

    /// The accepted symbols as a comma-separated list, for error messages.
    std::string
    allowed_units() const;

    /// Convert a value (with offset) to SI. Throws InputError naming the
    /// allowed units if @p unit is unknown.
    double
    to_si(double value, const std::string &unit) const;

    /// Convert a difference (scale only, no offset) to SI. Throws InputError
    /// naming the allowed units if @p unit is unknown.
    double
    difference_to_si(double difference, const std::string &unit) const;

    /// Convert an SI value to @p unit (inverse of to_si()).
    double
    from_si(double si_value, const std::string &unit) const;
  };


  /**
   * The unit an entry is read in: what a plain number means and what the
   * code receives, e.g. {Quantity::length(), "nm"} for a layer thickness.
   * A value written with another unit is converted to this one.
   */
  struct EntryUnit
  {
    Quantity    quantity;
    std::string unit;
  };

  /// Seconds (a plain number is seconds).
  EntryUnit
  seconds();

  /// Nanometres (a plain number is nanometres).
  EntryUnit
  nanometres();

  /// Kelvin, absolute (a plain number is kelvin).
  EntryUnit
  kelvin();

  /// Kelvin as a difference: "0.5 C" is 0.5 K.
  EntryUnit
  kelvin_difference();


  /**
   * The value of @p text, a number with or without a unit, in SI units of
   * @p quantity: "3600", "1 h", "1h", "-5 C", "2.5e3 nm". A plain number is
   * in @p plain_unit. Spaces around and between number and unit are
   * ignored.
   *
   * Throws InputError "<entry>: '<text>' is not a <quantity>; use a number
   * in <plain_unit> or one with a unit: <units>" if the text is no finite
   * number, the unit is unknown, or the quantity must be positive and is
   * not (the "<entry>: " only if @p entry is not empty).
   */
  double
  parse_quantity(const std::string &text,
                 const Quantity    &quantity,
                 const std::string &plain_unit,
                 const std::string &entry = "");

  /// A time in s; a plain number is in @p plain_unit.
  double
  parse_time(const std::string &text,
             const std::string &plain_unit = "s",
             const std::string &entry      = "");

  /// A length in m; a plain number is in @p plain_unit.
  double
  parse_length(const std::string &text,
               const std::string &plain_unit = "m",
               const std::string &entry      = "");

  /// An absolute temperature in K (> 0); a plain number is in @p plain_unit.
  double
  parse_temperature(const std::string &text,
                    const std::string &plain_unit = "K",
                    const std::string &entry      = "");

  /// The value of @p text in @p unit: parse_quantity() converted back.
  double
  parse_in(const std::string &text,
           const EntryUnit   &unit,
           const std::string &entry = "");

  /// Whether @p text is a plain number (no unit): what a dimensionless
  /// model needs.
  bool
  is_plain_number(const std::string &text);


  /**
   * The pattern of an entry that is a quantity: a number with or without a
   * unit (see parse_quantity()), in [lower, upper] when converted to the
   * entry's unit. The description reads "a time >= 0 s; use a number in s
   * or one with a unit: s, sec, min, h, hour, d, day"; parse_input_file()
   * turns a mismatch into "<Subsection>/<Entry>: '<text>' is not " followed
   * by the description.
   */
  class QuantityPattern : public dealii::Patterns::PatternBase
  {
  public:
    QuantityPattern(const EntryUnit &unit,
                    double lower = -std::numeric_limits<double>::max(),
                    double upper = std::numeric_limits<double>::max());

    bool
    match(const std::string &value) const override;

    std::string
    description(const OutputStyle style = Machine) const override;

    std::unique_ptr<dealii::Patterns::PatternBase>
    clone() const override;

  private:
    EntryUnit unit;
    double    lower;
    double    upper;
  };


  /// The entry @p entry of the current subsection (declared with
  /// QuantityPattern(@p unit)) in @p unit. @p where ("Time stepping/")
  /// heads error messages.
  double
  get_quantity(const dealii::ParameterHandler &prm,
               const std::string              &entry,
               const EntryUnit                &unit,
               const std::string              &where = "");

  /// The same for a comma-separated list of quantities.
  std::vector<double>
  get_quantities(const dealii::ParameterHandler &prm,
                 const std::string              &entry,
                 const EntryUnit                &unit,
                 const std::string              &where = "");

  /// InputError if an entry of the current subsection (or any item of a
  /// list entry) carries a unit: for a dimensionless model, which names
  /// itself in @p reason ("Model = cahn hilliard is dimensionless").
  void
  require_plain_numbers(const dealii::ParameterHandler &prm,
                        const std::string              &entry,
                        const std::string              &where,
                        const std::string              &reason);
} // namespace vitrum::base

#endif
