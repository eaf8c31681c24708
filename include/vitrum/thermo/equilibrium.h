#ifndef vitrum_thermo_equilibrium_h
#define vitrum_thermo_equilibrium_h

#include <vitrum/thermo/solution_phase.h>

namespace vitrum
{
  namespace thermo
  {
    /// The two ends of a binary tie line (mole fractions of component 1).
    struct TieLine
    {
      double       x_a        = 0;
      double       x_b        = 0;
      unsigned int iterations = 0;
    };

    /**
     * Two-phase equilibrium of a binary system at T: the common tangent of
     * G_a(x) and G_b(x), x the mole fraction of component 1 (the second),
     * found by Newton's method on (x_a, x_b) from the given start:
     *   dG_a/dx (x_a) = dG_b/dx (x_b),
     *   G_a - x_a dG_a/dx = G_b - x_b dG_b/dx,
     * i.e. equal chemical potentials of both components. a and b may be
     * the same phase (a miscibility gap) if the start lies on both sides
     * of the gap. Throws SolverError if Newton does not converge or the
     * two ends fall together (a start inside one single-phase field).
     */
    TieLine
    common_tangent(const SolutionPhase &a,
                   const SolutionPhase &b,
                   double               T,
                   double               x_a_start,
                   double               x_b_start);
  } // namespace thermo
} // namespace vitrum

#endif
