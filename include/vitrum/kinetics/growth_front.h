#ifndef vitrum_kinetics_growth_front_h
#define vitrum_kinetics_growth_front_h

#include <deal.II/base/tensor.h>

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

      /// |grad eta| of the travelling-wave profile as a function of eta:
      /// g(eta) = eta (1 - eta) / l.
      double
      profile_slope(const double eta) const
      {
        return eta * (1. - eta) / width;
      }

      /// g'(eta).
      double
      profile_slope_derivative(const double eta) const
      {
        return (1. - 2. * eta) / width;
      }

      /**
       * Curvature-free growth. The Laplacian of a front's profile holds, on
       * top of the normal second derivative that shapes the profile, the
       * curvature part |grad eta| div n (n = grad eta / |grad eta|), which
       * slows a crystal of radius R by (d - 1) l / (r R). Subtracting it,
       * with |grad eta| taken as the profile's g(eta), makes every front move
       * at U whatever its curvature (the counter term of Sun and Beckermann,
       * J. Comput. Phys. 220 (2007) 626):
       *
       *   d eta/dt = (U / l) [ (l^2 / r) (lap eta - g(eta) div n) + f(eta) ].
       *
       * Its weak form needs first derivatives only:
       *   -(g div n, psi) = (n . grad g, psi) + (g n, grad psi),
       * which vanishes for a planar front. This returns the normal
       * n = grad eta / sqrt(|grad eta|^2 + eps^2); eps = 2.5e-4 / l (a
       * thousandth of the profile's steepest slope 1/(4 l)) keeps n bounded
       * in the glass and in crystals, where g is zero anyway. (A larger eps
       * would shorten n inside the front and bend the planar profile.)
       */
      template <int dim>
      dealii::Tensor<1, dim>
      normal(const dealii::Tensor<1, dim> &gradient) const
      {
        const double eps = 2.5e-4 / width;
        return gradient / std::sqrt(gradient.norm_square() + eps * eps);
      }
    };
  } // namespace kinetics
} // namespace vitrum

#endif
