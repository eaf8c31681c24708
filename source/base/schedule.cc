#include <vitrum/base/exceptions.h>
#include <vitrum/base/schedule.h>
#include <vitrum/base/text.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace vitrum::base
{
  namespace
  {
    const char *const start_forms
      = "\"<value> <unit>\", \"start <value> <unit>\" or "
        "\"start at <value> <unit>\"";

    const char *const hold_form = "\"hold <duration> <time unit>\"";

    const char *const ramp_forms
      = "\"ramp <rate> <unit>/<time unit> to <value> <unit>\" or "
        "\"ramp to <value> <unit> in <duration> <time unit>\"";

    /// Two values closer than this (relative) count as equal, so that
    /// "ramp ... to 26.85 C" from 300 K is caught as a zero-length ramp
    /// despite round-off in the conversion.
    constexpr double relative_value_tolerance = 1e-12;


    std::string
    capitalized(std::string text)
    {
      if (!text.empty())
        text[0] = static_cast<char>(
          std::toupper(static_cast<unsigned char>(text[0])));
      return text;
    }


    /// The trimmed ';'-separated pieces of @p text. An empty last piece
    /// (from a trailing ';' or an empty text) is dropped.
    std::vector<std::string>
    split_segments(const std::string &text)
    {
      std::vector<std::string> pieces;
      std::istringstream       stream(text);
      std::string              piece;
      while (std::getline(stream, piece, ';'))
        pieces.push_back(trim(piece));
      if (!text.empty() && text.back() == ';')
        pieces.emplace_back();
      if (!pieces.empty() && pieces.back().empty())
        pieces.pop_back();
      return pieces;
    }


    std::vector<std::string>
    split_words(const std::string &text)
    {
      std::vector<std::string> words;
      std::istringstream       stream(text);
      std::string              word;
      while (stream >> word)
        words.push_back(word);
      return words;
    }


    std::string
    quoted(const std::string &text)
    {
      return '"' + text + '"';
    }


    /// One step of a schedule as written: how long it lasts and where it
    /// ends. A hold ends where it began.
    struct Step
    {
      double duration;
      double target;
    };


    /**
     * Parses one ';'-separated segment. It keeps the segment's number and
     * text so that every error can quote them.
     */
    class SegmentParser
    {
    public:
      SegmentParser(const Quantity    &quantity,
                    const std::size_t  index,
                    const std::string &text)
          : quantity(quantity)
          , index(index)
          , text(text)
          , words(split_words(text))
      {
      }

      /// The start value (SI) from the first segment.
      double
      parse_start() const;

      /// A hold or ramp starting at @p current (SI).
      Step
      parse_step(double current) const;

      /// Throw an InputError quoting this segment.
      [[noreturn]] void
      fail(const std::string &what) const;

    private:
      Step
      parse_hold(double current) const;

      Step
      parse_ramp_at_rate(double current) const;

      Step
      parse_ramp_in_time(double current) const;

      bool
      is_keyword(std::size_t i, const char *keyword) const;

      double
      number(const std::string &word) const;

      const Quantity::Unit &
      unit(const std::string &symbol) const;

      double
      seconds_per(const std::string &time_unit) const;

      double
      value(const std::string &number_word, const std::string &unit_word) const;

      double
      target(const std::string &number_word,
             const std::string &unit_word,
             double             current) const;

      double
      duration(const std::string &number_word,
               const std::string &unit_word) const;

      double
      rate(const std::string &number_word, const std::string &unit_word) const;

      std::string
      in_si(double si_value) const;

      const Quantity          &quantity;
      std::size_t              index;
      std::string              text;
      std::vector<std::string> words;
    };


    void
    SegmentParser::fail(const std::string &what) const
    {
      throw InputError(capitalized(quantity.name) + " schedule: segment "
                       + std::to_string(index) + " " + quoted(text) + ": "
                       + what);
    }


    bool
    SegmentParser::is_keyword(const std::size_t i, const char *keyword) const
    {
      return i < words.size() && to_lower(words[i]) == keyword;
    }


    double
    SegmentParser::parse_start() const
    {
      if (words.empty() || is_keyword(0, "hold") || is_keyword(0, "ramp"))
        fail(std::string("a schedule must begin with its start value; "
                         "expected ")
             + start_forms + " as the first segment");
      std::size_t first = 0;
      if (is_keyword(0, "start"))
        first = is_keyword(1, "at") ? 2 : 1;
      if (words.size() != first + 2)
        fail(std::string("expected ") + start_forms);
      return value(words[first], words[first + 1]);
    }


    Step
    SegmentParser::parse_step(const double current) const
    {
      if (words.empty())
        fail(std::string("empty segment; expected ") + hold_form + " or "
             + ramp_forms);
      if (is_keyword(0, "hold"))
        return parse_hold(current);
      if (is_keyword(0, "ramp"))
        return is_keyword(1, "to") ? parse_ramp_in_time(current)
                                   : parse_ramp_at_rate(current);
      if (is_keyword(0, "start"))
        fail(std::string("the start value belongs in segment 1 only; "
                         "allowed here: ")
             + hold_form + " or " + ramp_forms);
      fail("unknown keyword " + quoted(words[0]) + "; allowed: hold, ramp");
    }


    Step
    SegmentParser::parse_hold(const double current) const
    {
      if (words.size() != 3)
        fail(std::string("expected ") + hold_form);
      return {duration(words[1], words[2]), current};
    }


    Step
    SegmentParser::parse_ramp_at_rate(const double current) const
    {
      if (words.size() != 6 || !is_keyword(3, "to"))
        fail(std::string("expected ") + ramp_forms);
      const double si_rate = rate(words[1], words[2]);
      const double goal    = target(words[4], words[5], current);
      if (si_rate < 0 && goal > current)
        fail("negative rate " + quoted(words[1] + " " + words[2])
             + " but the target " + in_si(goal) + " is above the current value "
             + in_si(current)
             + "; allowed: a positive rate (taken in the direction of the "
               "target) or a negative rate for a decreasing ramp");
      const double seconds = std::abs(goal - current) / std::abs(si_rate);
      if (!std::isfinite(seconds))
        fail("the rate is too small: the ramp would take forever; allowed: "
             "a rate giving a finite duration");
      return {seconds, goal};
    }


    Step
    SegmentParser::parse_ramp_in_time(const double current) const
    {
      if (words.size() != 7 || !is_keyword(4, "in"))
        fail(std::string("expected ") + ramp_forms);
      const double goal = target(words[2], words[3], current);
      return {duration(words[5], words[6]), goal};
    }


    double
    SegmentParser::number(const std::string &word) const
    {
      std::size_t end = 0;
      double      x   = 0;
      try
        {
          x = std::stod(word, &end);
        }
      catch (const std::logic_error &)
        {
          end = 0;
        }
      if (end != word.size() || !std::isfinite(x))
        fail("malformed number " + quoted(word)
             + "; expected a finite decimal number such as 300, -1.5 or 1e3");
      return x;
    }


    const Quantity::Unit &
    SegmentParser::unit(const std::string &symbol) const
    {
      const Quantity::Unit *const found = quantity.find_unit(symbol);
      if (found == nullptr)
        fail("unknown " + quantity.name + " unit " + quoted(symbol)
             + "; allowed: " + quantity.allowed_units());
      return *found;
    }


    double
    SegmentParser::seconds_per(const std::string &time_unit) const
    {
      const Quantity              time  = Quantity::time();
      const Quantity::Unit *const found = time.find_unit(time_unit);
      if (found == nullptr)
        fail("unknown time unit " + quoted(time_unit)
             + "; allowed: " + time.allowed_units());
      return found->scale;
    }


    double
    SegmentParser::value(const std::string &number_word,
                         const std::string &unit_word) const
    {
      const Quantity::Unit &u  = unit(unit_word);
      const double          si = number(number_word) * u.scale + u.offset;
      if (!std::isfinite(si))
        fail("value " + quoted(number_word + " " + unit_word)
             + " is out of range; allowed: a finite value");
      if (quantity.positive_only && !(si > 0))
        fail("value " + quoted(number_word + " " + unit_word) + " is "
             + in_si(si) + "; allowed range: > 0 " + quantity.si_unit);
      return si;
    }


    double
    SegmentParser::target(const std::string &number_word,
                          const std::string &unit_word,
                          const double       current) const
    {
      const double goal = value(number_word, unit_word);
      if (std::abs(goal - current)
          <= relative_value_tolerance
               * std::max(std::abs(goal), std::abs(current)))
        fail("zero-length ramp: the target " + in_si(goal)
             + " equals the current value; allowed: a target that differs "
               "from the current value (use \"hold\" to keep it)");
      return goal;
    }


    double
    SegmentParser::duration(const std::string &number_word,
                            const std::string &unit_word) const
    {
      const double seconds = number(number_word) * seconds_per(unit_word);
      if (!(seconds > 0))
        fail("duration " + quoted(number_word + " " + unit_word)
             + " is not positive; allowed: a duration > 0");
      if (!std::isfinite(seconds))
        fail("duration " + quoted(number_word + " " + unit_word)
             + " is out of range; allowed: a finite duration");
      return seconds;
    }


    double
    SegmentParser::rate(const std::string &number_word,
                        const std::string &unit_word) const
    {
      const std::size_t slash = unit_word.find('/');
      if (slash == std::string::npos)
        fail("rate unit " + quoted(unit_word)
             + " has no time unit; expected <unit>/<time unit> such as "
             + quantity.si_unit + "/s or " + quantity.si_unit + "/min");
      const double given = number(number_word);
      if (given == 0)
        fail("zero rate " + quoted(number_word + " " + unit_word)
             + "; allowed: a rate with magnitude > 0");
      // A rate is a difference per time: scale only, no offset.
      const double si_rate = given * unit(unit_word.substr(0, slash)).scale
                             / seconds_per(unit_word.substr(slash + 1));
      if (!std::isfinite(si_rate) || si_rate == 0)
        fail("rate " + quoted(number_word + " " + unit_word)
             + " is out of range; allowed: a finite rate with magnitude > 0");
      return si_rate;
    }


    std::string
    SegmentParser::in_si(const double si_value) const
    {
      return format_number(si_value) + " " + quantity.si_unit;
    }
  } // namespace


  Schedule::Schedule(const Quantity      &quantity,
                     const double         start_value,
                     std::vector<Segment> segments)
      : quantity(quantity)
      , start_value(start_value)
      , segments(std::move(segments))
  {
  }


  Schedule
  Schedule::parse(const std::string &text, const Quantity &quantity)
  {
    const std::vector<std::string> pieces = split_segments(text);
    if (pieces.empty())
      throw InputError(capitalized(quantity.name) + " schedule: empty text "
                       + quoted(text) + ": expected " + start_forms
                       + ", optionally followed by ';'-separated segments "
                       + hold_form + " or " + ramp_forms);

    const double start = SegmentParser(quantity, 1, pieces[0]).parse_start();
    std::vector<Segment> segments;
    double               time    = 0;
    double               current = start;
    for (std::size_t i = 1; i < pieces.size(); ++i)
      {
        const SegmentParser parser(quantity, i + 1, pieces[i]);
        const Step          step = parser.parse_step(current);
        const double        end  = time + step.duration;
        if (!std::isfinite(end))
          parser.fail("the schedule would end at infinite time; allowed: "
                      "durations with a finite sum");
        segments.push_back({time, end, current, step.target});
        time    = end;
        current = step.target;
      }
    return Schedule(quantity, start, std::move(segments));
  }


  Schedule
  Schedule::constant(const double si_value, const Quantity &quantity)
  {
    if (!std::isfinite(si_value) || (quantity.positive_only && !(si_value > 0)))
      throw InputError(
        capitalized(quantity.name) + " schedule: constant value "
        + quoted(format_number(si_value) + " " + quantity.si_unit)
        + " is not allowed; allowed: a finite value"
        + (quantity.positive_only ? " > 0 " + quantity.si_unit
                                  : std::string()));
    return Schedule(quantity, si_value, {});
  }


  double
  Schedule::value(const double t) const
  {
    if (segments.empty() || t <= 0)
      return start_value;
    if (t >= end_time())
      return segments.back().end_value;
    const Segment &s = *segment_at(t, 0.);
    return s.start_value
           + (s.end_value - s.start_value) * (t - s.start_time)
               / (s.end_time - s.start_time);
  }


  double
  Schedule::rate(const double t) const
  {
    const Segment *const s = segment_at(t, time_tolerance());
    if (s == nullptr)
      return 0;
    return (s->end_value - s->start_value) / (s->end_time - s->start_time);
  }


  double
  Schedule::end_time() const
  {
    return segments.empty() ? 0. : segments.back().end_time;
  }


  std::vector<double>
  Schedule::breakpoints() const
  {
    // Segments are contiguous and of positive length, so their end times
    // after 0 are already sorted and unique.
    std::vector<double> times{0.};
    for (const Segment &s : segments)
      times.push_back(s.end_time);
    return times;
  }


  double
  Schedule::next_breakpoint_after(const double t) const
  {
    const std::vector<double> times = breakpoints();
    const auto                next
      = std::upper_bound(times.begin(), times.end(), t + time_tolerance());
    return next == times.end() ? std::numeric_limits<double>::infinity()
                               : *next;
  }


  bool
  Schedule::is_constant() const
  {
    return std::all_of(segments.begin(), segments.end(), [](const Segment &s) {
      return s.start_value == s.end_value;
    });
  }


  std::string
  Schedule::describe() const
  {
    const std::string  unit = " " + quantity.si_unit;
    std::ostringstream out;
    out << (segments.empty() ? "constant " : "start ") << quantity.name << ": "
        << format_number(start_value) << unit;
    for (const Segment &s : segments)
      {
        out << "\n"
            << format_number(s.start_time) << " s to "
            << format_number(s.end_time) << " s: ";
        if (s.start_value == s.end_value)
          out << "hold at " << format_number(s.start_value) << unit;
        else
          out << "ramp from " << format_number(s.start_value) << unit << " to "
              << format_number(s.end_value) << unit << " at "
              << format_number((s.end_value - s.start_value)
                               / (s.end_time - s.start_time))
              << unit << "/s";
      }
    return out.str();
  }


  double
  Schedule::time_tolerance() const
  {
    return 1e-10 * std::max(1., end_time());
  }


  const Schedule::Segment *
  Schedule::segment_at(const double t, const double tolerance) const
  {
    if (t < -tolerance)
      return nullptr;
    // The first segment ending after t (+ tolerance): at a kink that is the
    // segment starting there, which makes rate() right-continuous.
    const auto s = std::upper_bound(segments.begin(),
                                    segments.end(),
                                    t + tolerance,
                                    [](const double time, const Segment &seg) {
                                      return time < seg.end_time;
                                    });
    return s == segments.end() ? nullptr : &*s;
  }
} // namespace vitrum::base
