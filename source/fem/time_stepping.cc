#include <vitrum/base/exceptions.h>
#include <vitrum/fem/time_stepping.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vitrum
{
  namespace fem
  {
    namespace bdf
    {
      std::array<double, 3>
      coefficients(const unsigned int order, const double h, const double h1)
      {
        if (order == 1)
          return {{1.0 / h, -1.0 / h, 0.0}};
        const double w = h / h1;
        return {{(1.0 + 2.0 * w) / ((1.0 + w) * h),
                 -(1.0 + w) / h,
                 w * w / ((1.0 + w) * h)}};
      }


      std::array<double, 3>
      extrapolation_weights(const unsigned int n_points,
                            const double       h,
                            const double       h1,
                            const double       h2)
      {
        if (n_points <= 1)
          return {{1.0, 0.0, 0.0}};
        if (n_points == 2)
          return {{1.0 + h / h1, -h / h1, 0.0}};
        // Lagrange basis at s = h on nodes 0, -h1, -(h1 + h2).
        const double t0 = 0.0, t1 = -h1, t2 = -(h1 + h2);
        return {{(h - t1) * (h - t2) / ((t0 - t1) * (t0 - t2)),
                 (h - t0) * (h - t2) / ((t1 - t0) * (t1 - t2)),
                 (h - t0) * (h - t1) / ((t2 - t0) * (t2 - t1))}};
      }


      ErrorModel
      error_model(const unsigned int order,
                  const unsigned int n_points,
                  const double       h,
                  const double       h1,
                  const double       h2)
      {
        const unsigned int predictor_order = n_points - 1;
        if (predictor_order != order)
          {
            const unsigned int p = std::min(order, predictor_order);
            return {1.0, 1.0 / (p + 1.0)};
          }
        // Leading error terms: corrector c_{n+1} = c + C_q c^(q+1),
        // predictor = c - C_p c^(q+1), so d = (C_q + C_p) c^(q+1).
        double c_corrector, c_predictor;
        if (order == 1)
          {
            c_corrector = h * h / 2.0;
            c_predictor = h * (h + h1) / 2.0;
          }
        else
          {
            const double w = h / h1;
            c_corrector
              = h * h * h * (1.0 + w) * (1.0 + w) / (6.0 * w * (1.0 + 2.0 * w));
            c_predictor = h * (h + h1) * (h + h1 + h2) / 6.0;
          }
        return {c_corrector / (c_corrector + c_predictor), 1.0 / (order + 1.0)};
      }
    } // namespace bdf


    void
    TimeSteppingParameters::declare_parameters(dealii::ParameterHandler &prm)
    {
      using dealii::Patterns::Double;
      using dealii::Patterns::Integer;
      prm.enter_subsection("Time stepping");
      prm.declare_entry("End time",
                        "1",
                        Double(0),
                        "Simulated time at which the run stops [model time "
                        "units; s for physical models].");
      prm.declare_entry("Initial time step",
                        "1e-3",
                        Double(0),
                        "First step size; later steps adapt to the error "
                        "tolerance.");
      prm.declare_entry("Minimum time step",
                        "1e-10",
                        Double(0),
                        "The run stops with an error if the step has to "
                        "shrink below this.");
      prm.declare_entry("Maximum time step",
                        "1e300",
                        Double(0),
                        "Upper bound on the adaptive step size.");
      prm.declare_entry(
        "Error tolerance",
        "1e-3",
        Double(0),
        "Bound on the estimated local time error of each "
        "step, in the units of the conserved fields (mole "
        "fraction), root mean square over the unknowns. Smaller = "
        "more accurate and "
        "slower.");
      prm.declare_entry("Maximum growth factor",
                        "2",
                        Double(1.0, 2.4),
                        "Largest ratio of one step to the previous one "
                        "(variable-step BDF2 is zero-stable below 2.414).");
      prm.declare_entry("Order",
                        "2",
                        Integer(1, 2),
                        "1: backward Euler, 2: variable-step BDF2.");
      prm.declare_entry("Maximum number of steps",
                        "0",
                        Integer(0),
                        "Stop after this many accepted steps (0: no limit).");
      prm.leave_subsection();
    }


    void
    TimeSteppingParameters::parse_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Time stepping");
      end_time          = prm.get_double("End time");
      initial_time_step = prm.get_double("Initial time step");
      minimum_time_step = prm.get_double("Minimum time step");
      maximum_time_step = prm.get_double("Maximum time step");
      tolerance         = prm.get_double("Error tolerance");
      maximum_growth    = prm.get_double("Maximum growth factor");
      order             = prm.get_integer("Order");
      maximum_steps     = prm.get_integer("Maximum number of steps");
      prm.leave_subsection();

      if (!(initial_time_step > 0))
        throw InputError("Time stepping/Initial time step: must be > 0");
      if (!(tolerance > 0))
        throw InputError("Time stepping/Error tolerance: must be > 0");
      if (minimum_time_step > initial_time_step
          || initial_time_step > maximum_time_step)
        throw InputError(
          "Time stepping: need Minimum time step <= Initial time step <= "
          "Maximum time step");
    }


    TimeStepController::TimeStepController(
      const TimeSteppingParameters &parameters)
        : parameters(parameters)
        , proposal(parameters.initial_time_step)
    {
    }


    void
    TimeStepController::set_target_times(std::vector<double> times)
    {
      std::sort(times.begin(), times.end());
      times.erase(std::unique(times.begin(), times.end()), times.end());
      target_times = std::move(times);
    }


    double
    TimeStepController::step_from(const double t) const
    {
      // Targets closer than this to t count as reached (round-off in t).
      const double eps = 1e-12 * std::max(1.0, std::abs(t));
      const auto   next
        = std::upper_bound(target_times.begin(), target_times.end(), t + eps);
      if (next == target_times.end())
        return proposal;
      const double remaining = *next - t;
      if (remaining <= proposal * (1.0 + 1e-10))
        return remaining;
      // Split what is left in two rather than leave a sliver step.
      if (remaining < 2.0 * proposal)
        return 0.5 * remaining;
      return proposal;
    }


    double
    TimeStepController::proposed_step() const
    {
      return proposal;
    }


    void
    TimeStepController::set_proposed_step(const double dt)
    {
      proposal = dt;
    }


    bool
    TimeStepController::accept_or_reject(const double dt,
                                         const double error_norm,
                                         const double exponent)
    {
      const double safety     = 0.9;
      const double min_factor = 0.2;
      const double ratio      = error_norm / parameters.tolerance;
      double       factor
        = ratio > 0 ? safety * std::pow(1.0 / ratio, exponent) : 1e300;
      factor   = std::clamp(factor, min_factor, parameters.maximum_growth);
      proposal = std::min(dt * factor, parameters.maximum_time_step);
      return ratio <= 1.0;
    }


    void
    TimeStepController::shrink_after_failure(const double dt,
                                             const double factor)
    {
      proposal = dt * factor;
    }


    bool
    TimeStepController::below_minimum() const
    {
      return proposal < parameters.minimum_time_step;
    }
  } // namespace fem
} // namespace vitrum
