#ifndef vitrum_kinetics_growth_front_h
#define vitrum_kinetics_growth_front_h

#include <cmath>

namespace vitrum
{
  namespace kinetics
  {
    /**
     * The pointwise part of an Allen-Cahn equation whose planar front moves
     * at a prescribed growth rate U (eta = 1 crystal, 0 glass):
     *
     *   d eta/dt = (U / l) [ (l^2 / r) lap eta + f(eta) ],
     *   f(eta)  = eta (1 - eta) - (1 / r) eta (1 - eta) (1 - 2 eta).
     *
     * The double-well part (1/r) balances the gradient term for the profile
     * eta = 1 / (1 + exp(s / l)) (s the distance outside the crystal), and
     * the logistic tilt eta (1 - eta) moves that profile at exactly U. The
     * relaxation ratio r in (0, 1) keeps the glass (eta = 0) stable: f'(0)
     * = 1 - 1/r < 0, so crystals grow only from nuclei. A curved front
     * moves at U (1 - (d - 1) l / (r R)), so the phase-field critical radius
     * is (d - 1) l / r; nuclei are placed larger than that.
     *
     * Lengths are in any unit as long as l, R and U use the same one.
     */
    struct GrowthFront
    {
      double width = 1.;  ///< l
      double ratio = 0.8; ///< r

      /// Coefficient of lap eta, in units of U / l.
      double
      diffusivity() const
      {
        return width * width / ratio;
      }

      /// f(eta) (dimensionless; times U / l).
      double
      reaction(const double eta) const
      {
        const double e = eta * (1. - eta);
        return e * (1. - (1. - 2. * eta) / ratio);
      }

      /// f'(eta).
      double
      reaction_derivative(const double eta) const
      {
        // d/d eta of eta (1-eta) = 1 - 2 eta;
        // of eta (1-eta)(1-2eta) = 1 - 6 eta + 6 eta^2.
        return (1. - 2. * eta) - (1. - 6. * eta + 6. * eta * eta) / ratio;
      }

      /// The travelling-wave profile at signed distance s outside the
      /// crystal surface (negative inside).
      double
      profile(const double s) const
      {
        return 1. / (1. + std::exp(s / width));
      }

      /// Radius below which a d-dimensional crystal shrinks.
      double
      critical_radius(const int dim) const
      {
        return (dim - 1) * width / ratio;
      }
    };
  } // namespace kinetics
} // namespace vitrum

#endif
