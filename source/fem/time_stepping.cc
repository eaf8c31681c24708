#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/time_stepping.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace vitrum
{
  namespace fem
  {
    namespace bdf
    {
      namespace
      {
        /// Times of t_{n+1}, t_n, t_{n-1}, ... relative to t_{n+1}.
        std::vector<double>
        nodes(const unsigned int         count,
              const double               h,
              const std::vector<double> &past_steps)
        {
          std::vector<double> tau(count, 0.0);
          for (unsigned int j = 1; j < count; ++j)
            tau[j] = tau[j - 1]
                     - (j == 1                      ? h
                        : j - 2 < past_steps.size() ? past_steps[j - 2]
                                                    : h);
          return tau;
        }

        /// Times of t_n, t_{n-1}, ... (count of them) relative to t_{n+1}.
        std::vector<double>
        past_nodes(const unsigned int         count,
                   const double               h,
                   const std::vector<double> &past_steps)
        {
          auto tau = nodes(count + 1, h, past_steps);
          tau.erase(tau.begin());
          return tau;
        }

        /// Value at 0 of the j-th Lagrange basis polynomial on `tau`.
        double
        basis_at_zero(const std::vector<double> &tau, const unsigned int j)
        {
          double value = 1.0;
          for (unsigned int l = 0; l < tau.size(); ++l)
            if (l != j)
              value *= -tau[l] / (tau[j] - tau[l]);
          return value;
        }

        /// Derivative at 0 of the j-th Lagrange basis polynomial on `tau`.
        double
        basis_derivative_at_zero(const std::vector<double> &tau,
                                 const unsigned int         j)
        {
          double derivative = 0.0;
          for (unsigned int m = 0; m < tau.size(); ++m)
            {
              if (m == j)
                continue;
              double term = 1.0 / (tau[j] - tau[m]);
              for (unsigned int l = 0; l < tau.size(); ++l)
                if (l != j && l != m)
                  term *= -tau[l] / (tau[j] - tau[l]);
              derivative += term;
            }
          return derivative;
        }
      } // namespace


      std::vector<double>
      coefficients(const unsigned int         order,
                   const double               h,
                   const std::vector<double> &past_steps)
      {
        const auto          tau = nodes(order + 1, h, past_steps);
        std::vector<double> a(order + 1);
        for (unsigned int j = 0; j <= order; ++j)
          a[j] = basis_derivative_at_zero(tau, j);
        return a;
      }


      std::vector<double>
      extrapolation_weights(const unsigned int         n_points,
                            const double               h,
                            const std::vector<double> &past_steps)
      {
        const auto tau = past_nodes(std::max(n_points, 1u), h, past_steps);
        std::vector<double> w(tau.size());
        for (unsigned int j = 0; j < tau.size(); ++j)
          w[j] = basis_at_zero(tau, j);
        return w;
      }


      ErrorModel
      error_model(const unsigned int         order,
                  const unsigned int         n_points,
                  const double               h,
                  const std::vector<double> &past_steps)
      {
        const unsigned int predictor_order = n_points - 1;
        if (predictor_order != order)
          {
            const unsigned int p = std::min(order, predictor_order);
            return {1.0, 1.0 / (p + 1.0)};
          }
        // Both errors are multiples of c^(q+1) at the same point, so take
        // the solution w(t) = prod_j (t - t_{n+1-j}) over the predictor's
        // nodes: the predictor gives 0, BDF gives w'(0) / a[0] (its formula
        // for y' = g(t)), the exact value is w(0). The corrector's share
        // of d = c_{n+1} - c_pred is then 1 - a[0] w(0) / w'(0).
        const auto tau = past_nodes(n_points, h, past_steps);
        double     w = 1.0, w_prime = 0.0;
        for (unsigned int m = 0; m < tau.size(); ++m)
          {
            w *= -tau[m];
            double product = 1.0;
            for (unsigned int l = 0; l < tau.size(); ++l)
              if (l != m)
                product *= -tau[l];
            w_prime += product;
          }
        const double a0 = coefficients(order, h, past_steps)[0];
        return {1.0 - a0 * w / w_prime, 1.0 / (order + 1.0)};
      }
    } // namespace bdf


    void
    TimeSteppingParameters::declare_parameters(dealii::ParameterHandler &prm)
    {
      using dealii::Patterns::Double;
      using dealii::Patterns::Integer;
      prm.enter_subsection("Time stepping");
      // Times are seconds for the physical models; Cahn-Hilliard is
      // dimensionless and refuses units (CahnHilliard checks).
      const base::QuantityPattern time(base::seconds(), 0);
      prm.declare_entry("End time",
                        "1",
                        time,
                        "Simulated time at which the run stops [model time "
                        "units; s for physical models, or with a unit: "
                        "'1 h', '30 min', '2 d'].");
      prm.declare_entry("Initial time step",
                        "1e-3",
                        time,
                        "First step size; later steps adapt to the error "
                        "tolerance [model time units; s or with a unit].");
      prm.declare_entry("Minimum time step",
                        "1e-10",
                        time,
                        "The run stops with an error if the step has to "
                        "shrink below this [model time units; s or with a "
                        "unit].");
      prm.declare_entry("Maximum time step",
                        "1e300",
                        time,
                        "Upper bound on the adaptive step size [model time "
                        "units; s or with a unit].");
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
                        "(variable-step BDF2 is zero-stable below 2.414, "
                        "BDF3 below 2.553).");
      prm.declare_entry("Order",
                        "2",
                        Integer(1, 3),
                        "1: backward Euler, 2: variable-step BDF2, 3: "
                        "variable-step BDF3 (fewer steps at tight "
                        "tolerances; zero-stable for step ratios below "
                        "2.553, Li and Liao 2022, so for every allowed "
                        "Maximum growth factor). Order 3 is not A-stable: "
                        "keep 2 for problems with oscillatory modes.");
      prm.declare_entry("Maximum number of steps",
                        "0",
                        Integer(0),
                        "Stop after this many accepted steps (0: no limit).");
      prm.declare_entry(
        "Steps unchecked after remesh",
        "2",
        Integer(0, 10),
        "After a remesh the predictor extrapolates from states interpolated "
        "from the old mesh, and the error estimate cannot tell that from a "
        "time error: this many steps keep their size without being judged. "
        "With a quadratic predictor the third step still uses one such "
        "state (3 removes the rejections that causes).");
      prm.leave_subsection();
    }


    void
    TimeSteppingParameters::parse_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Time stepping");
      const auto time = [&](const std::string &entry) {
        return base::get_quantity(prm,
                                  entry,
                                  base::seconds(),
                                  "Time stepping/");
      };
      end_time               = time("End time");
      initial_time_step      = time("Initial time step");
      minimum_time_step      = time("Minimum time step");
      maximum_time_step      = time("Maximum time step");
      tolerance              = prm.get_double("Error tolerance");
      maximum_growth         = prm.get_double("Maximum growth factor");
      order                  = prm.get_integer("Order");
      maximum_steps          = prm.get_integer("Maximum number of steps");
      unchecked_after_remesh = prm.get_integer("Steps unchecked after remesh");
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


    bool
    TimeSteppingParameters::finished(const double       time,
                                     const unsigned int step) const
    {
      return time >= end_time * (1 - 1e-12)
             || (maximum_steps > 0 && step >= maximum_steps);
    }


    void
    StepStatistics::save(CheckpointState &state) const
    {
      state.set("rejected steps", double(rejected));
      state.set("rejected by error", double(rejected_by_error));
      state.set("rejected by newton", double(rejected_by_newton));
      state.set("rejected by energy", double(rejected_by_energy));
      state.set("factorizations", double(factorizations));
      state.set("steps since remesh", double(steps_since_remesh));
    }


    void
    StepStatistics::load(const CheckpointState &state)
    {
      const auto count = [&](const std::string &key) {
        return static_cast<unsigned int>(state.get_double(key));
      };
      rejected           = count("rejected steps");
      rejected_by_error  = count("rejected by error");
      rejected_by_newton = count("rejected by newton");
      rejected_by_energy = count("rejected by energy");
      factorizations     = count("factorizations");
      steps_since_remesh = count("steps since remesh");
    }


    std::string
    StepStatistics::summary() const
    {
      return "rejected: " + std::to_string(rejected_by_error)
             + " for time error, " + std::to_string(rejected_by_newton)
             + " for Newton, " + std::to_string(rejected_by_energy)
             + " for energy rise; " + std::to_string(factorizations)
             + " LU factorizations";
    }


    bool
    judge_step(TimeStepController   &controller,
               StepStatistics       &statistics,
               const double          dt,
               const AttemptOutcome &outcome,
               const double          time,
               const std::string    &time_unit)
    {
      bool accepted = false;
      if (!outcome.converged)
        {
          controller.shrink_after_failure(dt, 0.25);
          ++statistics.rejected_by_newton;
        }
      else
        {
          accepted = statistics.steps_since_remesh
                       < controller.settings().unchecked_after_remesh
                     || controller.accept_or_reject(dt,
                                                    outcome.error,
                                                    outcome.exponent);
          if (!accepted)
            ++statistics.rejected_by_error;
          else if (outcome.energy_rose)
            {
              controller.shrink_after_failure(dt, 0.5);
              accepted = false;
              ++statistics.rejected_by_energy;
            }
        }
      if (accepted)
        return true;
      ++statistics.rejected;
      if (controller.below_minimum())
        {
          char numbers[160];
          std::snprintf(numbers,
                        sizeof(numbers),
                        "(%g%s) at t = %g%s",
                        controller.minimum_step(),
                        time_unit.c_str(),
                        time,
                        time_unit.c_str());
          throw SolverError(
            "time step fell below Time stepping/Minimum time step "
            + std::string(numbers)
            + "; Newton does not converge or the energy rises. Try a finer "
              "mesh or a smaller Error tolerance.");
        }
      return false;
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


    double
    TimeStepController::minimum_step() const
    {
      return parameters.minimum_time_step;
    }


    const TimeSteppingParameters &
    TimeStepController::settings() const
    {
      return parameters;
    }


    bool
    TimeStepController::below_minimum() const
    {
      return proposal < parameters.minimum_time_step;
    }


    void
    save_step_history(CheckpointState           &state,
                      const double               time,
                      const unsigned int         step,
                      const StepStatistics      &statistics,
                      const TimeStepController  &controller,
                      const std::vector<double> &steps,
                      const unsigned int         n_states)
    {
      state.set("time", time);
      state.set("step", double(step));
      statistics.save(state);
      state.set("proposed step", controller.proposed_step());
      state.set("n states", double(n_states));
      state.set("n steps", double(steps.size()));
      for (unsigned int k = 0; k < steps.size(); ++k)
        state.set("step size " + std::to_string(k), steps[k]);
    }


    unsigned int
    load_step_history(const CheckpointState &state,
                      double                &time,
                      unsigned int          &step,
                      StepStatistics        &statistics,
                      TimeStepController    &controller,
                      std::vector<double>   &steps)
    {
      time = state.get_double("time");
      step = static_cast<unsigned int>(state.get_double("step"));
      statistics.load(state);
      controller.set_proposed_step(state.get_double("proposed step"));
      steps.clear();
      for (unsigned int k = 0; k < state.get_double("n steps"); ++k)
        steps.push_back(state.get_double("step size " + std::to_string(k)));
      return static_cast<unsigned int>(state.get_double("n states"));
    }
  } // namespace fem
} // namespace vitrum
