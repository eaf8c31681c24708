#ifndef vitrum_base_schedule_h
#define vitrum_base_schedule_h

#include <vitrum/base/quantity.h>

#include <string>
#include <vector>

namespace vitrum::base
{
  /**
   * A piecewise-linear value(t) made of holds and ramps: what a furnace or a
   * press does.
   *
   * Users write it as one line, e.g.
   * "300 K; ramp 100 K/s to 973 K; hold 3600 s; ramp 10 K/min to 300 K",
   * because that is how process sheets are written. Internally everything
   * is SI (seconds, K, Pa) so that the rest of the code never converts.
   * Time starts at 0 with the start value; before 0 and after the last
   * segment the value is held.
   */
  class Schedule
  {
  public:
    /**
     * Parse a schedule. Segments are separated by ';', keywords are
     * case-insensitive, an empty trailing segment is allowed:
     * - first segment: "<value> <unit>", "start <value> <unit>" or
     *   "start at <value> <unit>"; alone it gives a constant schedule;
     * - "hold <duration> <time unit>" with the time units of
     *   Quantity::time() (s, sec, min, h, hour, d, day);
     * - "ramp <rate> <unit>/<time unit> to <value> <unit>", the rate being a
     *   magnitude in the direction of the target (a negative rate is
     *   accepted only for a decreasing ramp);
     * - "ramp to <value> <unit> in <duration> <time unit>".
     *
     * Throws InputError for any bad input, quoting the offending segment,
     * saying what is wrong and what is allowed, because the user has to be
     * able to fix the input file from the message alone.
     */
    static Schedule
    parse(const std::string &text, const Quantity &quantity);

    /// A schedule with the same value (in SI) for all t. Throws InputError if
    /// the value is not finite or not allowed for the quantity.
    static Schedule
    constant(double si_value, const Quantity &quantity);

    /// The value (SI) at time @p t (s). Before 0 it is the start value, after
    /// end_time() the last value.
    double
    value(double t) const;

    /**
     * The rate of change (SI/s) at time @p t. It is right-continuous: at a
     * kink it is the rate of the segment starting there, because a time step
     * starting at the kink lives in that segment. A @p t within a tiny
     * tolerance below a kink counts as the kink, so that a time stepper
     * whose t only lands on a breakpoint up to round-off still gets the
     * rate of the next segment. Zero before 0 and from end_time() on.
     */
    double
    rate(double t) const;

    /// The time (s) at which the last segment ends; 0 for a constant schedule.
    double
    end_time() const;

    /// All segment start and end times (s), sorted and unique, including 0
    /// and end_time(), so that time steppers can land on the kinks.
    std::vector<double>
    breakpoints() const;

    /**
     * The smallest breakpoint larger than @p t plus a small tolerance, or
     * +infinity if there is none. The tolerance keeps a time stepper that
     * sits on a breakpoint up to round-off from taking a step of 1e-13 s to
     * reach it again.
     */
    double
    next_breakpoint_after(double t) const;

    /// True if the value never changes (no ramps), so that callers can skip
    /// work that only time-dependent loads need.
    bool
    is_constant() const;

    /// A human-readable description in SI, one line per segment (lines
    /// separated by '\n', no trailing newline), so the log shows what the
    /// input was understood to mean.
    std::string
    describe() const;

  private:
    /// One linear piece, from (start_time, start_value) to
    /// (end_time, end_value); a hold has start_value == end_value.
    struct Segment
    {
      double start_time;
      double end_time;
      double start_value;
      double end_value;
    };

    Schedule(const Quantity      &quantity,
             double               start_value,
             std::vector<Segment> segments);

    /// Tolerance (s) for comparing times with breakpoints: round-off
    /// relative to the length of the schedule.
    double
    time_tolerance() const;

    /// The segment containing @p t, a @p t within @p tolerance below a
    /// segment end counting as the next segment; nullptr outside.
    const Segment *
    segment_at(double t, double tolerance) const;

    Quantity             quantity;
    double               start_value;
    std::vector<Segment> segments;
  };
} // namespace vitrum::base

#endif
