#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/driving_force.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vitrum
{
  namespace kinetics
  {
    namespace
    {
      /// Solve A d = b for a symmetric n x n matrix by Cholesky; false if A
      /// is not positive definite. A is overwritten.
      bool
      cholesky_solve(std::vector<double> &A, std::vector<double> &b, int n)
      {
        for (int j = 0; j < n; ++j)
          {
            double d = A[j * n + j];
            for (int k = 0; k < j; ++k)
              d -= A[j * n + k] * A[j * n + k];
            if (!(d > 0))
              return false;
            A[j * n + j] = std::sqrt(d);
            for (int i = j + 1; i < n; ++i)
              {
                double s = A[i * n + j];
                for (int k = 0; k < j; ++k)
                  s -= A[i * n + k] * A[j * n + k];
                A[i * n + j] = s / A[j * n + j];
              }
          }
        for (int i = 0; i < n; ++i)
          {
            for (int k = 0; k < i; ++k)
              b[i] -= A[i * n + k] * b[k];
            b[i] /= A[i * n + i];
          }
        for (int i = n - 1; i >= 0; --i)
          {
            for (int k = i + 1; k < n; ++k)
              b[i] -= A[k * n + i] * b[k];
            b[i] /= A[i * n + i];
          }
        return true;
      }

      double
      objective(const thermo::SolutionPhase &crystal,
                const std::vector<double>   &mu_glass,
                const std::vector<double>   &y,
                const double                 T)
      {
        double f = -crystal.gibbs_energy(y.data(), T);
        for (unsigned int i = 0; i < y.size(); ++i)
          f += y[i] * mu_glass[i];
        return f;
      }

      /// Damped Newton ascent of objective() from y (changed in place).
      /// Returns the objective at the end; NaN if it did not converge.
      double
      maximize(const thermo::SolutionPhase &crystal,
               const std::vector<double>   &mu_glass,
               std::vector<double>         &y,
               const double                 T)
      {
        const int           K = y.size(), n = K - 1;
        const double        RT = thermo::gas_constant * T;
        std::vector<double> g(K), H(K * K), A(n * n), A0(n * n), d(n), trial(K);
        double              f = objective(crystal, mu_glass, y, T);
        for (unsigned int iteration = 0; iteration < 200; ++iteration)
          {
            crystal.gradient(y.data(), T, g.data());
            crystal.hessian(y.data(), T, H.data());
            thermo::reduced_hessian(H.data(), K, A0.data());
            std::vector<double> grad(n);
            for (int i = 0; i < n; ++i)
              grad[i] = (mu_glass[i] - mu_glass[n]) - (g[i] - g[n]);
            // Newton direction; where the crystal is not convex, shift the
            // Hessian until it is (a trust-region-like fallback).
            double shift = 0, scale = 0;
            for (int i = 0; i < n; ++i)
              scale = std::max(scale, std::abs(A0[i * n + i]));
            for (;;)
              {
                A = A0;
                d = grad;
                for (int i = 0; i < n; ++i)
                  A[i * n + i] += shift;
                if (cholesky_solve(A, d, n))
                  break;
                shift = shift == 0 ? 1e-6 * scale + RT : 10 * shift;
              }
            double slope = 0;
            for (int i = 0; i < n; ++i)
              slope += grad[i] * d[i];
            double largest = 0;
            for (int i = 0; i < n; ++i)
              largest = std::max(largest, std::abs(d[i]));
            if (slope < 1e-18 * RT || largest < 1e-14)
              return f;
            // Stay inside the simplex: go at most 90 % of the way to the
            // nearest face.
            double step = 1;
            double dK   = 0;
            for (int i = 0; i < n; ++i)
              dK -= d[i];
            for (int i = 0; i < K; ++i)
              {
                const double di = i < n ? d[i] : dK;
                if (di < 0)
                  step = std::min(step, 0.9 * y[i] / -di);
              }
            bool improved = false;
            for (unsigned int halving = 0; halving < 60; ++halving)
              {
                for (int i = 0; i < K; ++i)
                  trial[i] = y[i] + step * (i < n ? d[i] : dK);
                const double f_trial = objective(crystal, mu_glass, trial, T);
                if (f_trial >= f - 1e-14 * RT)
                  {
                    y        = trial;
                    improved = f_trial > f;
                    f        = f_trial;
                    break;
                  }
                step /= 2;
              }
            if (!improved && step < 1e-12)
              return f;
          }
        // Out of iterations: accept only a point that is nearly stationary.
        crystal.gradient(y.data(), T, g.data());
        double residual = 0;
        for (int i = 0; i < n; ++i)
          residual
            = std::max(residual,
                       std::abs((mu_glass[i] - mu_glass[n]) - (g[i] - g[n])));
        return residual < 1e-6 * RT ? f
                                    : std::numeric_limits<double>::quiet_NaN();
      }

      std::vector<double>
      glass_potentials(const thermo::SolutionPhase &glass,
                       const std::vector<double>   &x,
                       const double                 T)
      {
        std::vector<double> mu(x.size());
        glass.chemical_potentials(x.data(), T, mu.data());
        return mu;
      }
    } // namespace


    DrivingForce
    parallel_tangent(const thermo::SolutionPhase &glass,
                     const thermo::SolutionPhase &crystal,
                     const std::vector<double>   &x,
                     const double                 T)
    {
      const unsigned int K = x.size();
      if (glass.n_components() != K || crystal.n_components() != K || K < 2)
        throw InputError("driving force: glass, crystal and composition "
                         "must have the same number (>= 2) of components");
      const std::vector<double> mu = glass_potentials(glass, x, T);

      // Starting points: the glass composition itself, and for each element
      // a nucleus made of 90 % of it (the rest in the glass's proportions).
      std::vector<std::vector<double>> starts;
      std::vector<double>              y(K);
      double                           sum = 0;
      for (unsigned int i = 0; i < K; ++i)
        sum += (y[i] = std::max(x[i], 1e-6));
      for (double &v : y)
        v /= sum;
      starts.push_back(y);
      for (unsigned int e = 0; e < K; ++e)
        {
          std::vector<double> s(K);
          for (unsigned int i = 0; i < K; ++i)
            s[i] = (i == e ? 0.9 : 0.) + 0.1 * y[i];
          starts.push_back(s);
        }

      DrivingForce best;
      best.value = -std::numeric_limits<double>::infinity();
      for (auto &s : starts)
        {
          const double f = maximize(crystal, mu, s, T);
          if (std::isfinite(f) && f > best.value)
            {
              best.value   = f;
              best.nucleus = s;
            }
        }
      if (!std::isfinite(best.value))
        throw SolverError("driving force: the parallel-tangent search did not "
                          "converge at T = "
                          + std::to_string(T) + " K");
      return best;
    }


    DrivingForce
    compound_driving_force(const thermo::SolutionPhase &glass,
                           const Compound              &compound,
                           const std::vector<double>   &x,
                           const double                 T)
    {
      const std::vector<double> mu = glass_potentials(glass, x, T);
      DrivingForce              df;
      df.nucleus = compound.composition;
      df.value   = -compound.gibbs_energy(T);
      for (unsigned int i = 0; i < x.size(); ++i)
        df.value += compound.composition[i] * mu[i];
      return df;
    }


    double
    thompson_spaepen(const double melting_enthalpy,
                     const double liquidus_temperature,
                     const double T)
    {
      return melting_enthalpy * (liquidus_temperature - T)
             / liquidus_temperature * 2 * T / (liquidus_temperature + T);
    }
  } // namespace kinetics
} // namespace vitrum
