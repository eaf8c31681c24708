#include <vitrum/fem/newton.h>

#include <algorithm>
#include <cmath>
#include <random>

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


    double
    jacobian_error(
      const NewtonSystem::Vector                                    &u,
      const std::function<void(const NewtonSystem::Vector &, bool)> &assemble,
      const dealii::PETScWrappers::MPI::SparseMatrix                &jacobian,
      const NewtonSystem::Vector                                    &residual,
      const dealii::AffineConstraints<double> &constraints,
      const unsigned int                       n_directions)
    {
      using Vector        = NewtonSystem::Vector;
      const auto owned    = u.locally_owned_elements();
      const auto comm     = u.get_mpi_communicator();
      const auto zero_out = [&](Vector &v) {
        for (const auto i : owned)
          if (constraints.is_constrained(i))
            v[i] = 0;
        v.compress(dealii::VectorOperation::insert);
      };
      std::mt19937                           random(12345);
      std::uniform_real_distribution<double> uniform(-1, 1);
      // Directions relative to each unknown, so that u +- e v keeps every
      // small positive unknown (a mole fraction of 1e-4, say) positive.
      const double epsilon = 1e-6;
      const double typical = 1e-3 * std::max(1e-3, u.linfty_norm());

      double worst = 0;
      for (unsigned int d = 0; d < n_directions; ++d)
        {
          Vector v(owned, comm);
          for (const auto i : owned)
            v[i] = uniform(random)
                   * (u[i] != 0 ? std::abs(double(u[i])) : typical);
          v.compress(dealii::VectorOperation::insert);
          constraints.distribute(v);

          Vector Jv(owned, comm);
          assemble(u, true);
          jacobian.vmult(Jv, v);

          Vector shifted = u;
          shifted.add(epsilon, v);
          assemble(shifted, false);
          const Vector minus_r_plus = residual;
          shifted.add(-2 * epsilon, v);
          assemble(shifted, false);
          // (-R(u - e v)) - (-R(u + e v)) = R(u + e v) - R(u - e v)
          Vector difference = residual;
          difference.add(-1.0, minus_r_plus);
          difference /= 2 * epsilon;
          zero_out(Jv);
          zero_out(difference);
          difference.add(-1.0, Jv);
          worst = std::max(worst, difference.l2_norm() / Jv.l2_norm());
        }
      return worst;
    }
  } // namespace fem
} // namespace vitrum
