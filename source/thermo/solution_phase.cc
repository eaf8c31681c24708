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
       * The Redlich–Kister sum S(d) = sum_k (a_k + b_k T) d^k of one pair
       * and its first two derivatives with respect to d, by Horner's rule.
       */
      inline void
      redlich_kister(const Interaction &p,
                     const double       T,
                     const double       d,
                     double            &S,
                     double            &dS,
                     double            &d2S)
      {
        S = dS = d2S = 0;
        for (std::size_t k = p.a.size(); k-- > 0;)
          {
            d2S = d2S * d + 2. * dS;
            dS  = dS * d + S;
            S   = S * d + (p.a[k] + p.b[k] * T);
          }
      }
    } // namespace


    SolutionPhase::SolutionPhase(std::vector<double>      g0_a_,
                                 std::vector<double>      g0_b_,
                                 std::vector<Interaction> interactions_)
        : g0_a(std::move(g0_a_))
        , g0_b(std::move(g0_b_))
        , interactions(std::move(interactions_))
    {
      if (g0_a.size() != g0_b.size())
        throw std::invalid_argument(
          "SolutionPhase: g0_a and g0_b differ in length");
      const std::size_t K = g0_a.size();
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
        }
    }


    double
    SolutionPhase::gibbs_energy(const double *x, const double T) const
    {
      const unsigned int K     = n_components();
      double             G     = 0;
      double             ideal = 0;
      for (unsigned int i = 0; i < K; ++i)
        {
          G += x[i] * (g0_a[i] + g0_b[i] * T);
          ideal += x[i] * std::log(clipped(x[i]));
        }
      G += gas_constant * T * ideal;
      for (const Interaction &p : interactions)
        {
          double S, dS, d2S;
          redlich_kister(p, T, x[p.i] - x[p.j], S, dS, d2S);
          G += x[p.i] * x[p.j] * S;
        }
      return G;
    }


    void
    SolutionPhase::gradient(const double *x, const double T, double *g) const
    {
      const unsigned int K  = n_components();
      const double       RT = gas_constant * T;
      for (unsigned int i = 0; i < K; ++i)
        g[i] = g0_a[i] + g0_b[i] * T + RT * (std::log(clipped(x[i])) + 1.);
      for (const Interaction &p : interactions)
        {
          const double xi = x[p.i], xj = x[p.j];
          double       S, dS, d2S;
          redlich_kister(p, T, xi - xj, S, dS, d2S);
          g[p.i] += xj * S + xi * xj * dS;
          g[p.j] += xi * S - xi * xj * dS;
        }
    }


    void
    SolutionPhase::hessian(const double *x, const double T, double *H) const
    {
      const unsigned int K  = n_components();
      const double       RT = gas_constant * T;
      std::fill(H, H + K * K, 0.);
      for (unsigned int i = 0; i < K; ++i)
        H[i * K + i] = RT / clipped(x[i]);
      for (const Interaction &p : interactions)
        {
          const double xi = x[p.i], xj = x[p.j];
          double       S, dS, d2S;
          redlich_kister(p, T, xi - xj, S, dS, d2S);
          const double xx = xi * xj;
          H[p.i * K + p.i] += 2. * xj * dS + xx * d2S;
          H[p.j * K + p.j] += -2. * xi * dS + xx * d2S;
          const double off = S + (xi - xj) * dS - xx * d2S;
          H[p.i * K + p.j] += off;
          H[p.j * K + p.i] += off;
        }
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
  } // namespace thermo
} // namespace vitrum
