#include <vitrum/thermo/phase_field.h>
#include <vitrum/thermo/solution_phase.h>

#include <cmath>

namespace vitrum
{
  namespace thermo
  {
    PhaseFunctions::PhaseFunctions(const double p)
    {
      h   = p * p * p * (6 * p * p - 15 * p + 10);
      dh  = 30 * p * p * (1 - p) * (1 - p);
      d2h = 60 * p * (1 - p) * (1 - 2 * p);
      g   = p * p * (1 - p) * (1 - p);
      dg  = 2 * p * (1 - p) * (1 - 2 * p);
      d2g = 2 - 12 * p + 12 * p * p;
    }


    PhasePoint::PhasePoint(const unsigned int K)
        : K(K)
        , n(K - 1)
        , x(K)
        , g_cr(K)
        , g_gl(K)
        , H_cr(K * K)
        , H_gl(K * K)
        , w_cr(K - 1)
        , w_gl(K - 1)
        , Hr_cr((K - 1) * (K - 1))
        , Hr_gl((K - 1) * (K - 1))
        , M(K)
        , dM_dphi(K)
        , L((K - 1) * (K - 1))
        , dL_dx((K - 1) * (K - 1) * (K - 1))
        , dL_dphi((K - 1) * (K - 1))
    {
    }


    void
    PhasePoint::evaluate(const Material            &material,
                         const std::vector<double> &log_M_cr,
                         const std::vector<double> &log_M_gl,
                         const double               T,
                         const PhaseFunctions      &pf,
                         const bool                 with_kinetics)
    {
      G_cr = material.crystal.gibbs_energy(x.data(), T);
      G_gl = material.glass.gibbs_energy(x.data(), T);
      material.crystal.gradient(x.data(), T, g_cr.data());
      material.glass.gradient(x.data(), T, g_gl.data());
      diffusion_potentials(g_cr.data(), K, w_cr.data());
      diffusion_potentials(g_gl.data(), K, w_gl.data());
      if (!with_kinetics)
        return;
      material.crystal.hessian(x.data(), T, H_cr.data());
      material.glass.hessian(x.data(), T, H_gl.data());
      reduced_hessian(H_cr.data(), K, Hr_cr.data());
      reduced_hessian(H_gl.data(), K, Hr_gl.data());
      // Mobilities interpolate geometrically: they differ by orders of
      // magnitude between the phases.
      for (unsigned int k = 0; k < K; ++k)
        {
          M[k]       = std::exp((1 - pf.h) * log_M_gl[k] + pf.h * log_M_cr[k]);
          dM_dphi[k] = M[k] * pf.dh * (log_M_cr[k] - log_M_gl[k]);
        }
      onsager_mobility(x.data(), M.data(), K, L.data());
      onsager_mobility_derivative(x.data(), M.data(), K, dL_dx.data());
      onsager_mobility(x.data(), dM_dphi.data(), K, dL_dphi.data());
    }
  } // namespace thermo
} // namespace vitrum
