#include <vitrum/base/progress.h>

#include <cmath>
#include <cstdio>

namespace vitrum
{
  namespace base
  {
    ProgressClock::ProgressClock(const double end_time)
        : end_time(end_time)
        , start(Clock::now())
    {
    }


    double
    ProgressClock::elapsed_seconds() const
    {
      return earlier
             + std::chrono::duration<double>(Clock::now() - start).count();
    }


    void
    ProgressClock::set_earlier_seconds(const double seconds)
    {
      earlier = seconds;
      window.clear();
    }


    void
    ProgressClock::record(const double t, const double dt)
    {
      window.push_back({elapsed_seconds(), t, dt});
      if (window.size() > window_size)
        window.pop_front();
    }


    double
    ProgressClock::estimated_seconds_left() const
    {
      if (window.size() < 2)
        return -1;
      const Sample &a             = window.front();
      const Sample &b             = window.back();
      const double  wall          = b.wall - a.wall;
      const bool    growing_steps = b.dt > 1.1 * a.dt;
      const double  done
        = growing_steps ? std::log1p(b.t) - std::log1p(a.t) : b.t - a.t;
      const double left = growing_steps ? std::log1p(end_time) - std::log1p(b.t)
                                        : end_time - b.t;
      if (!(done > 0))
        return -1;
      return wall * left / done;
    }


    std::string
    format_duration(const double seconds)
    {
      char buffer[64];
      if (seconds < 0)
        return "?";
      if (seconds < 60)
        std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
      else if (seconds < 3600)
        std::snprintf(buffer,
                      sizeof(buffer),
                      "%d min %02d s",
                      int(seconds) / 60,
                      int(seconds) % 60);
      else
        std::snprintf(buffer,
                      sizeof(buffer),
                      "%d h %02d min",
                      int(seconds) / 3600,
                      (int(seconds) % 3600) / 60);
      return buffer;
    }
  } // namespace base
} // namespace vitrum
