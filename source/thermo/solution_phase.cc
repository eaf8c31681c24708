#include <vitrum/thermo/solution_phase.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace vitrum
{
  namespace thermo
  {
    namespace
    {
      /// The fraction used inside ln x and 1/x.
      inline double
      clipped(const double x)
      {
        return std::max(x, SolutionPhase::minimum_fraction);
      }


      /**
       * The Redlich–Kister sum S(d) = sum_k L_k d^k of one pair, with the
       * L_k evaluated, and its first two derivatives in d, by Horner's rule.
       */
      inline void
      redlich_kister(const std::vector<double> &L,
                     const double               d,
                     double                    &S,
                     double                    &dS,
                     double                    &d2S)
      {
        S = dS = d2S = 0;
        for (std::size_t k = L.size(); k-- > 0;)
          {
            d2S = d2S * d + 2. * dS;
            dS  = dS * d + S;
            S   = S * d + L[k];
          }
      }


      /// Binary terms: value added to G, gradient to g, Hessian to H
      /// (g, H may be null).
      void
      add_binaries(const std::vector<BinaryTerm>          &terms,
                   const std::vector<std::vector<double>> &L,
                   const double                           *x,
                   const unsigned int                      K,
                   double                                 &G,
                   double                                 *g,
                   double                                 *H)
      {
        for (std::size_t t = 0; t < terms.size(); ++t)
          {
            const BinaryTerm &p  = terms[t];
            const double      xi = x[p.i], xj = x[p.j];
            double            S, dS, d2S;
            redlich_kister(L[t], xi - xj, S, dS, d2S);
            const double xx = xi * xj;
            G += xx * S;
            if (g)
              {
                g[p.i] += xj * S + xx * dS;
                g[p.j] += xi * S - xx * dS;
              }
            if (H)
              {
                H[p.i * K + p.i] += 2. * xj * dS + xx * d2S;
                H[p.j * K + p.j] += -2. * xi * dS + xx * d2S;
                const double off = S + (xi - xj) * dS - xx * d2S;
                H[p.i * K + p.j] += off;
                H[p.j * K + p.i] += off;
              }
          }
      }


      /**
       * Ternary terms P A with P = x_i x_j x_k and A = L0 (one function)
       * or A = sum_m L_m v_m (Muggianu), which is linear in x:
       * dA/dx_m = L_m - (L0 + L1 + L2) / 3 for m in (i, j, k).
       */
      void
      add_ternaries(const std::vector<TernaryTerm>         &terms,
                    const std::vector<std::vector<double>> &L,
                    const double                           *x,
                    const unsigned int                      K,
                    double                                 &G,
                    double                                 *g,
                    double                                 *H)
      {
        for (std::size_t t = 0; t < terms.size(); ++t)
          {
            const TernaryTerm &p      = terms[t];
            const unsigned int idx[3] = {p.i, p.j, p.k};
            const double       y[3]   = {x[p.i], x[p.j], x[p.k]};
            const double       P      = y[0] * y[1] * y[2];
            const double       dP[3]  = {y[1] * y[2], y[0] * y[2], y[0] * y[1]};
            double             A = 0, dA[3] = {0, 0, 0};
            if (L[t].size() == 1)
              A = L[t][0];
            else
              {
                const double sum = L[t][0] + L[t][1] + L[t][2];
                const double w   = (1. - y[0] - y[1] - y[2]) / 3.;
                for (unsigned int m = 0; m < 3; ++m)
                  {
                    A += L[t][m] * (y[m] + w);
                    dA[m] = L[t][m] - sum / 3.;
                  }
              }
            G += P * A;
            if (g)
              for (unsigned int a = 0; a < 3; ++a)
                g[idx[a]] += dP[a] * A + P * dA[a];
            if (H)
              for (unsigned int a = 0; a < 3; ++a)
                for (unsigned int b = 0; b < 3; ++b)
                  {
                    // d2P/dx_a dx_b is the third fraction for a != b.
                    const double d2P = a == b ? 0. : y[3 - a - b];
                    H[idx[a] * K + idx[b]]
                      += d2P * A + dP[a] * dA[b] + dP[b] * dA[a];
                  }
          }
      }


      std::vector<double>
      evaluated(const std::vector<TemperatureFunction> &f, const double T)
      {
        std::vector<double> v(f.size());
        for (std::size_t k = 0; k < f.size(); ++k)
          v[k] = f[k].value(T);
        return v;
      }


      void
      check_terms(const RedlichKisterExpansion &e, const std::string &what)
      {
        const std::size_t K = e.end_members.size();
        for (const BinaryTerm &p : e.binaries)
          if (p.i == p.j || p.i >= K || p.j >= K)
            throw std::invalid_argument(
              "SolutionPhase: " + what + " interaction (" + std::to_string(p.i)
              + ", " + std::to_string(p.j)
              + ") is not a pair of distinct components among "
              + std::to_string(K));
        for (const TernaryTerm &p : e.ternaries)
          if (p.i == p.j || p.j == p.k || p.i == p.k || p.i >= K || p.j >= K
              || p.k >= K || (p.L.size() != 1 && p.L.size() != 3))
            throw std::invalid_argument(
              "SolutionPhase: " + what + " ternary (" + std::to_string(p.i)
              + ", " + std::to_string(p.j) + ", " + std::to_string(p.k)
              + ") needs three distinct components among " + std::to_string(K)
              + " and 1 or 3 functions");
      }


      /// Every pair stored as i < j: (x_j - x_i)^k = (-1)^k (x_i - x_j)^k.
      void
      order_pairs(RedlichKisterExpansion &e)
      {
        for (BinaryTerm &p : e.binaries)
          if (p.i > p.j)
            {
              std::swap(p.i, p.j);
              for (std::size_t k = 1; k < p.L.size(); k += 2)
                p.L[k] *= -1.;
            }
      }
    } // namespace


    void
    evaluate_expansion(const RedlichKisterExpansion &expansion,
                       const double                  T,
                       SolutionPhase::Evaluated     &e)
    {
      e.end_members = evaluated(expansion.end_members, T);
      e.binaries.resize(expansion.binaries.size());
      for (std::size_t t = 0; t < expansion.binaries.size(); ++t)
        e.binaries[t] = evaluated(expansion.binaries[t].L, T);
      e.ternaries.resize(expansion.ternaries.size());
      for (std::size_t t = 0; t < expansion.ternaries.size(); ++t)
        e.ternaries[t] = evaluated(expansion.ternaries[t].L, T);
      e.T = T;
    }


    double
    expansion_value(const RedlichKisterExpansion   &expansion,
                    const SolutionPhase::Evaluated &e,
                    const double                   *x,
                    double                         *g,
                    double                         *H)
    {
      const unsigned int K = expansion.end_members.size();
      double             P = 0;
      for (unsigned int i = 0; i < K; ++i)
        {
          P += x[i] * e.end_members[i];
          if (g)
            g[i] = e.end_members[i];
        }
      if (H)
        std::fill(H, H + K * K, 0.);
      add_binaries(expansion.binaries, e.binaries, x, K, P, g, H);
      add_ternaries(expansion.ternaries, e.ternaries, x, K, P, g, H);
      return P;
    }


    void
    magnetic_function(const double tau,
                      const double p,
                      double      &g,
                      double      &dg,
                      double      &d2g)
    {
      const double D = 518. / 1125. + 11692. / 15975. * (1. / p - 1.);
      if (tau <= 1)
        {
          const double c  = 474. / 497. * (1. / p - 1.);
          const double a  = 79. / (140. * p);
          const double t3 = tau * tau * tau, t9 = t3 * t3 * t3,
                       t15 = t9 * t3 * t3;
          g  = 1. - (a / tau + c * (t3 / 6. + t9 / 135. + t15 / 600.)) / D;
          dg = -(-a / (tau * tau) + c * (t3 / 2. + t9 / 15. + t15 / 40.) / tau)
               / D;
          d2g = -(2. * a / (tau * tau * tau)
                  + c * (t3 + 8. * t9 / 15. + 14. * t15 / 40.) / (tau * tau))
                / D;
        }
      else
        {
          const double t5 = std::pow(tau, -5.), t15 = t5 * t5 * t5,
                       t25 = t15 * t5 * t5;
          g                = -(t5 / 10. + t15 / 315. + t25 / 1500.) / D;
          dg               = (t5 / 2. + t15 / 21. + t25 / 60.) / (tau * D);
          d2g
            = -(3. * t5 + 16. * t15 / 21. + 26. * t25 / 60.) / (tau * tau * D);
        }
    }


    SolutionPhase::SolutionPhase(std::vector<double>      g0_a,
                                 std::vector<double>      g0_b,
                                 std::vector<Interaction> interactions_)
        : interactions(std::move(interactions_))
    {
      if (g0_a.size() != g0_b.size())
        throw std::invalid_argument(
          "SolutionPhase: g0_a and g0_b differ in length");
      const std::size_t K = g0_a.size();
      for (std::size_t i = 0; i < K; ++i)
        gibbs.end_members.push_back(
          TemperatureFunction::linear(g0_a[i], g0_b[i]));
      for (Interaction &p : interactions)
        {
          if (p.i == p.j || p.i >= K || p.j >= K)
            throw std::invalid_argument(
              "SolutionPhase: interaction (" + std::to_string(p.i) + ", "
              + std::to_string(p.j) + ") is not a pair of distinct components"
              + " among " + std::to_string(K));
          if (p.a.size() != p.b.size())
            throw std::invalid_argument(
              "SolutionPhase: interaction (" + std::to_string(p.i) + ", "
              + std::to_string(p.j) + ") has a and b of different lengths");
          // Store every pair as i < j: (x_j - x_i)^k = (-1)^k (x_i - x_j)^k.
          if (p.i > p.j)
            {
              std::swap(p.i, p.j);
              for (std::size_t k = 1; k < p.a.size(); k += 2)
                {
                  p.a[k] = -p.a[k];
                  p.b[k] = -p.b[k];
                }
            }
          BinaryTerm term;
          term.i = p.i;
          term.j = p.j;
          for (std::size_t k = 0; k < p.a.size(); ++k)
            term.L.push_back(TemperatureFunction::linear(p.a[k], p.b[k]));
          gibbs.binaries.push_back(term);
        }
    }


    SolutionPhase::SolutionPhase(RedlichKisterExpansion gibbs_,
                                 MagneticModel          magnetic_)
        : gibbs(std::move(gibbs_))
        , magnetic(std::move(magnetic_))
    {
      check_terms(gibbs, "Gibbs energy");
      order_pairs(gibbs);
      if (magnetic.active())
        for (RedlichKisterExpansion *e :
             {&magnetic.curie_temperature, &magnetic.magnetic_moment})
          {
            if (e->end_members.size() != n_components())
              throw std::invalid_argument(
                "SolutionPhase: the magnetic expansions need one end member"
                " per component");
            check_terms(*e, "magnetic");
            order_pairs(*e);
          }
    }


    void
    SolutionPhase::update(const double T) const
    {
      if (cached_gibbs.T == T)
        return;
      evaluate_expansion(gibbs, T, cached_gibbs);
      if (magnetic.active())
        {
          evaluate_expansion(magnetic.curie_temperature, T, cached_tc);
          evaluate_expansion(magnetic.magnetic_moment, T, cached_beta);
        }
    }


    double
    SolutionPhase::add_magnetic(const double *x,
                                const double  T,
                                double       *g,
                                double       *H) const
    {
      if (!magnetic.active())
        return 0;
      // Scratch kept with the phase: this runs per node and iteration.
      const unsigned int K = n_components();
      scratch.resize(3 * K + 2 * K * K);
      double *const dtc         = scratch.data();
      double *const dbeta       = dtc + K;
      double *const dtau        = dbeta + K;
      double *const Htc         = dtau + K;
      double *const Hbeta       = Htc + K * K;
      const bool    derivatives = g || H;
      double        tc          = expansion_value(magnetic.curie_temperature,
                                  cached_tc,
                                  x,
                                  derivatives ? dtc : nullptr,
                                  H ? Htc : nullptr);
      double        beta        = expansion_value(magnetic.magnetic_moment,
                                    cached_beta,
                                    x,
                                    derivatives ? dbeta : nullptr,
                                    H ? Hbeta : nullptr);
      // Antiferromagnetic side: the same law with the value scaled.
      const double stc = tc < 0 ? 1. / magnetic.afm_factor : 1.;
      const double sb  = beta < 0 ? 1. / magnetic.afm_factor : 1.;
      tc *= stc;
      beta *= sb;
      if (!(tc > 1e-9) || !(beta > 0))
        return 0;
      const double RT  = gas_constant * T;
      const double tau = T / tc;
      const double B   = std::log(beta + 1.);
      double       f, df, d2f;
      magnetic_function(tau, magnetic.p, f, df, d2f);
      if (g || H)
        {
          const double dB  = 1. / (beta + 1.);
          const double d2B = -dB * dB;
          for (unsigned int a = 0; a < K; ++a)
            {
              dtc[a] *= stc;
              dbeta[a] *= sb;
              dtau[a] = -tau * dtc[a] / tc;
              if (g)
                g[a] += RT * (dB * dbeta[a] * f + B * df * dtau[a]);
            }
          if (H)
            for (unsigned int a = 0; a < K; ++a)
              for (unsigned int b = 0; b < K; ++b)
                {
                  const double htc   = stc * Htc[a * K + b];
                  const double hbeta = sb * Hbeta[a * K + b];
                  const double htau
                    = tau / tc * (2. * dtc[a] * dtc[b] / tc - htc);
                  H[a * K + b]
                    += RT
                       * (d2B * dbeta[a] * dbeta[b] * f + dB * hbeta * f
                          + dB * df * (dbeta[a] * dtau[b] + dbeta[b] * dtau[a])
                          + B * d2f * dtau[a] * dtau[b] + B * df * htau);
                }
        }
      return RT * B * f;
    }


    double
    SolutionPhase::gibbs_energy(const double *x, const double T) const
    {
      update(T);
      const unsigned int K     = n_components();
      double             G     = 0;
      double             ideal = 0;
      for (unsigned int i = 0; i < K; ++i)
        {
          G += x[i] * cached_gibbs.end_members[i];
          ideal += x[i] * std::log(clipped(x[i]));
        }
      G += gas_constant * T * ideal;
      add_binaries(gibbs.binaries,
                   cached_gibbs.binaries,
                   x,
                   K,
                   G,
                   nullptr,
                   nullptr);
      add_ternaries(gibbs.ternaries,
                    cached_gibbs.ternaries,
                    x,
                    K,
                    G,
                    nullptr,
                    nullptr);
      return G + add_magnetic(x, T, nullptr, nullptr);
    }


    void
    SolutionPhase::gradient(const double *x, const double T, double *g) const
    {
      update(T);
      const unsigned int K  = n_components();
      const double       RT = gas_constant * T;
      for (unsigned int i = 0; i < K; ++i)
        g[i]
          = cached_gibbs.end_members[i] + RT * (std::log(clipped(x[i])) + 1.);
      double G = 0;
      add_binaries(gibbs.binaries, cached_gibbs.binaries, x, K, G, g, nullptr);
      add_ternaries(gibbs.ternaries,
                    cached_gibbs.ternaries,
                    x,
                    K,
                    G,
                    g,
                    nullptr);
      add_magnetic(x, T, g, nullptr);
    }


    void
    SolutionPhase::hessian(const double *x, const double T, double *H) const
    {
      update(T);
      const unsigned int K  = n_components();
      const double       RT = gas_constant * T;
      std::fill(H, H + K * K, 0.);
      for (unsigned int i = 0; i < K; ++i)
        H[i * K + i] = RT / clipped(x[i]);
      double G = 0;
      add_binaries(gibbs.binaries, cached_gibbs.binaries, x, K, G, nullptr, H);
      add_ternaries(gibbs.ternaries,
                    cached_gibbs.ternaries,
                    x,
                    K,
                    G,
                    nullptr,
                    H);
      add_magnetic(x, T, nullptr, H);
    }


    void
    SolutionPhase::chemical_potentials(const double *x,
                                       const double  T,
                                       double       *mu) const
    {
      const unsigned int K = n_components();
      gradient(x, T, mu);
      const double G   = gibbs_energy(x, T);
      double       xdg = 0;
      for (unsigned int j = 0; j < K; ++j)
        xdg += x[j] * mu[j];
      for (unsigned int i = 0; i < K; ++i)
        mu[i] += G - xdg;
    }


    void
    diffusion_potentials(const double *g, const unsigned int K, double *out)
    {
      for (unsigned int i = 0; i + 1 < K; ++i)
        out[i] = g[i] - g[K - 1];
    }


    void
    reduced_hessian(const double *H, const unsigned int K, double *out)
    {
      const unsigned int n   = K - 1;
      const double       HKK = H[n * K + n];
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = 0; j < n; ++j)
          out[i * n + j] = H[i * K + j] - H[i * K + n] - H[n * K + j] + HKK;
    }


    // With S = sum_k x_k M_k the sum over k expands to
    //   L_ij = delta_ij x_i M_i - x_i x_j (M_i + M_j - S).
    void
    onsager_mobility(const double      *x,
                     const double      *M,
                     const unsigned int K,
                     double            *out)
    {
      const unsigned int n = K - 1;
      double             S = 0;
      for (unsigned int k = 0; k < K; ++k)
        S += x[k] * M[k];
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = 0; j < n; ++j)
          out[i * n + j]
            = (i == j ? x[i] * M[i] : 0.) - x[i] * x[j] * (M[i] + M[j] - S);
    }


    // dS/dx_m = M_m - M_K, as x_K = 1 - sum_{i<K} x_i.
    void
    onsager_mobility_derivative(const double      *x,
                                const double      *M,
                                const unsigned int K,
                                double            *out)
    {
      const unsigned int n = K - 1;
      double             S = 0;
      for (unsigned int k = 0; k < K; ++k)
        S += x[k] * M[k];
      for (unsigned int m = 0; m < n; ++m)
        {
          const double dS = M[m] - M[n];
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int j = 0; j < n; ++j)
              {
                const double c = M[i] + M[j] - S;
                double       d = x[i] * x[j] * dS;
                if (i == m)
                  d -= x[j] * c;
                if (j == m)
                  d -= x[i] * c;
                if (i == j && i == m)
                  d += M[i];
                out[(m * n + i) * n + j] = d;
              }
        }
    }


    double
    Arrhenius::diffusivity(const double T) const
    {
      return D0 * std::exp(-Q / (gas_constant * T));
    }


    double
    Arrhenius::mobility(const double T) const
    {
      return diffusivity(T) / (gas_constant * T);
    }
    double
    limit_fraction_update(const double      *x,
                          double            *dx,
                          const unsigned int n,
                          double            &removed)
    {
      // A fraction at or below `exhausted` (one the thermodynamics drives
      // to zero, O in a Cu-rich Zr-Cu-O layer, reaches it by underflow) and
      // decreases below `negligible` do not limit the step: they would
      // freeze the whole node and stall Newton. Such a fraction is clipped
      // at zero instead.
      constexpr double negligible = 1e-12, exhausted = 1e-12;
      double           x_dependent = 1, dx_dependent = 0, alpha = 1;
      for (unsigned int a = 0; a < n; ++a)
        {
          x_dependent -= x[a];
          dx_dependent -= dx[a];
          if (dx[a] < -negligible && x[a] > exhausted)
            alpha = std::min(alpha, 0.9 * x[a] / -dx[a]);
        }
      if (dx_dependent < -negligible && x_dependent > exhausted)
        alpha = std::min(alpha, 0.9 * x_dependent / -dx_dependent);
      removed      = 0;
      bool clipped = false;
      for (unsigned int a = 0; a < n; ++a)
        {
          double step = alpha * dx[a];
          // What the scaling took off counts against convergence; a clip
          // of an exhausted fraction does not (Newton would otherwise never
          // converge where the thermodynamics asks for x < 0).
          removed = std::max(removed, std::abs(dx[a] - step));
          if (x[a] + step < 0)
            {
              step    = std::min(0.0, -x[a]);
              clipped = true;
            }
          dx[a] = step;
        }
      // A clipped update is a limited one: the caller restores the amounts.
      return clipped ? std::min(alpha, 1 - 1e-9) : alpha;
    }


  } // namespace thermo
} // namespace vitrum
