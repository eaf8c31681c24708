#include <vitrum/base/exceptions.h>
#include <vitrum/thermo/equilibrium.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace vitrum
{
  namespace thermo
  {
    namespace
    {
      /// G(x), dG/dx and d2G/dx2 along the binary x_0 = 1 - x, x_1 = x.
      void
      along_binary(const SolutionPhase &phase,
                   const double         x,
                   const double         T,
                   double              &G,
                   double              &dG,
                   double              &d2G)
      {
        const double xs[2] = {1. - x, x};
        double       g[2], H[4];
        G = phase.gibbs_energy(xs, T);
        phase.gradient(xs, T, g);
        phase.hessian(xs, T, H);
        dG  = g[1] - g[0];
        d2G = H[0] - H[1] - H[2] + H[3];
      }
    } // namespace


    TieLine
    common_tangent(const SolutionPhase &a,
                   const SolutionPhase &b,
                   const double         T,
                   const double         x_a_start,
                   const double         x_b_start)
    {
      if (a.n_components() != 2 || b.n_components() != 2)
        throw SolverError("common_tangent: both phases must be binary");
      TieLine      t{x_a_start, x_b_start, 0};
      const double RT = gas_constant * T;
      for (; t.iterations < 100; ++t.iterations)
        {
          double Ga, dGa, d2Ga, Gb, dGb, d2Gb;
          along_binary(a, t.x_a, T, Ga, dGa, d2Ga);
          along_binary(b, t.x_b, T, Gb, dGb, d2Gb);
          // Residuals scaled by RT: equal slopes and equal intercepts.
          const double r1 = (dGa - dGb) / RT;
          const double r2 = ((Ga - t.x_a * dGa) - (Gb - t.x_b * dGb)) / RT;
          if (std::abs(r1) < 1e-12 && std::abs(r2) < 1e-12)
            break;
          // d(G - x G')/dx = -x G''.
          const double J11 = d2Ga / RT, J12 = -d2Gb / RT;
          const double J21 = -t.x_a * d2Ga / RT, J22 = t.x_b * d2Gb / RT;
          const double det = J11 * J22 - J12 * J21;
          if (!(std::abs(det) > 0))
            throw SolverError("common_tangent: singular Newton matrix at x = ("
                              + std::to_string(t.x_a) + ", "
                              + std::to_string(t.x_b) + ")");
          double da = -(J22 * r1 - J12 * r2) / det;
          double db = -(-J21 * r1 + J11 * r2) / det;
          // Stay inside (0, 1): at most half the way to a boundary.
          double step = 1;
          for (const auto &p :
               {std::make_pair(t.x_a, da), std::make_pair(t.x_b, db)})
            {
              if (p.second > 0)
                step = std::min(step, 0.5 * (1. - p.first) / p.second);
              else if (p.second < 0)
                step = std::min(step, 0.5 * p.first / -p.second);
            }
          t.x_a += step * da;
          t.x_b += step * db;
        }
      if (t.iterations == 100)
        throw SolverError(
          "common_tangent: no convergence at T = " + std::to_string(T) + " K");
      if (std::abs(t.x_a - t.x_b) < 1e-6)
        throw SolverError("common_tangent: the two ends fell together at x = "
                          + std::to_string(t.x_a)
                          + "; start on both sides of the two-phase field");
      return t;
    }
  } // namespace thermo
} // namespace vitrum
