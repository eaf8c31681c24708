#ifndef vitrum_thermo_phase_field_h
#define vitrum_thermo_phase_field_h

#include <vitrum/thermo/material.h>

#include <vector>

namespace vitrum
{
  namespace thermo
  {
    /**
     * Interpolation h(phi) = phi^3 (6 phi^2 - 15 phi + 10) and double well
     * g(phi) = phi^2 (1 - phi)^2 of a two-phase field (1 crystal, 0 glass),
     * with their first and second derivatives.
     */
    struct PhaseFunctions
    {
      double h, dh, d2h, g, dg, d2g;

      explicit PhaseFunctions(double phi);
    };


    /**
     * The thermodynamics and kinetics of one point of a two-phase,
     * K-component field from its K mole fractions x, phi and T: both phases'
     * molar Gibbs energies, full gradients and Hessians and their reductions
     * to the K - 1 independent fractions (diffusion potentials against the
     * last element), and the lattice-frame Onsager mobilities of atomic
     * mobilities interpolated geometrically between the phases by h(phi),
     * with their derivatives in x and phi. Free of FE code; the buffers are
     * kept so that a quadrature loop allocates nothing.
     */
    struct PhasePoint
    {
      unsigned int        K, n;
      std::vector<double> x;                      ///< K fractions (input)
      std::vector<double> g_cr, g_gl, H_cr, H_gl; ///< full gradients/Hessians
      std::vector<double> w_cr, w_gl;             ///< reduced gradients (n)
      std::vector<double> Hr_cr, Hr_gl;           ///< reduced Hessians (n x n)
      std::vector<double> M, dM_dphi;             ///< atomic mobilities (K)
      std::vector<double> L, dL_dx, dL_dphi; ///< Onsager (n x n, n^3, n x n)
      double              G_cr = 0, G_gl = 0;

      explicit PhasePoint(unsigned int K);

      /**
       * Fill the energies and potentials and, with_kinetics, the Hessians,
       * mobilities and their derivatives. log_M_cr/gl are ln M_k of each
       * element in each phase (M_k = D*_k / RT); they are read only
       * with_kinetics.
       */
      void
      evaluate(const Material            &material,
               const std::vector<double> &log_M_cr,
               const std::vector<double> &log_M_gl,
               double                     T,
               const PhaseFunctions      &pf,
               bool                       with_kinetics);
    };
  } // namespace thermo
} // namespace vitrum

#endif
