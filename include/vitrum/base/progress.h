#ifndef vitrum_base_progress_h
#define vitrum_base_progress_h

#include <chrono>
#include <deque>
#include <ostream>
#include <string>

namespace vitrum
{
  namespace base
  {
    /**
     * Wall-clock bookkeeping for progress lines: elapsed time and an
     * estimate of the time left. Adaptive runs take steps that grow roughly
     * in proportion to t, so progress is measured in log(1 + t) when the
     * step size is growing and in t otherwise.
     */
    class ProgressClock
    {
    public:
      explicit ProgressClock(double end_time);

      /// Record that simulated time t was reached with step size dt.
      void
      record(double t, double dt);

      /// Wall seconds of the run, including those before a resume.
      double
      elapsed_seconds() const;

      /// The run resumed after `seconds` spent before the checkpoint.
      void
      set_earlier_seconds(double seconds);

      /// Estimated wall seconds until end_time (negative: unknown yet).
      double
      estimated_seconds_left() const;

    private:
      struct Sample
      {
        double wall, t, dt;
      };
      using Clock = std::chrono::steady_clock;

      double                  end_time;
      Clock::time_point       start;
      double                  earlier = 0;
      std::deque<Sample>      window;
      static constexpr size_t window_size = 20;
    };

    /// "1 h 02 min", "3 min 07 s", "12.3 s": durations people read at a glance.
    std::string
    format_duration(double seconds);
  } // namespace base
} // namespace vitrum

#endif
