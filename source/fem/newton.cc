#include <vitrum/fem/newton.h>

#include <cmath>

namespace vitrum
{
  namespace fem
  {
    NewtonOutcome
    newton_solve(NewtonSystem::Vector &iterate,
                 const NewtonSystem   &system,
                 const NewtonSettings &settings)
    {
      NewtonOutcome        outcome;
      NewtonSystem::Vector update(iterate.locally_owned_elements(),
                                  iterate.get_mpi_communicator());
      bool                 refresh_jacobian = true;
      double               previous_change  = 0;
      for (unsigned int it = 0; it < settings.max_iterations; ++it)
        {
          if (!system.assemble(iterate, refresh_jacobian))
            return outcome;
          if (!system.solve(update))
            return outcome;
          double removed = 0, factor = 1;
          if (system.limit)
            factor = system.limit(iterate, update, removed);
          iterate.add(1.0, update);
          outcome.limited     = outcome.limited || factor < 1.0;
          outcome.iterations  = it + 1;
          const double change = system.change(update);
          if (!std::isfinite(change))
            return outcome;
          if (settings.single_iteration)
            {
              outcome.converged = true;
              return outcome;
            }
          // With contraction rate r the error left after this update is
          // about change * r / (1 - r).
          const double rate = it > 0 ? change / previous_change : 1.0;
          const bool   small_error_left
            = settings.estimate_error_left && rate < 0.5
              && change * rate / (1 - rate) <= settings.tolerance;
          if (removed <= settings.tolerance
              && (change <= settings.tolerance || small_error_left))
            {
              outcome.converged = true;
              return outcome;
            }
          refresh_jacobian
            = settings.always_refresh || factor < 1.0 || (it > 0 && rate > 0.3);
          previous_change = change;
        }
      return outcome;
    }
  } // namespace fem
} // namespace vitrum
