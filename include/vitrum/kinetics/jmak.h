#ifndef vitrum_kinetics_jmak_h
#define vitrum_kinetics_jmak_h

#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /**
     * Kolmogorov–Johnson–Mehl–Avrami extended-volume integral along any
     * history of nucleation rate I(t) and growth velocity U(t):
     *   X_ext(t) = g int_0^t I(tau) (R(t) - R(tau))^d dtau,
     *   R(t) = int_0^t U,  X = 1 - exp(-X_ext),
     * with d the dimension of growth and g = 4 pi / 3 (d = 3) or pi (d = 2)
     * (I per volume or per area).
     *
     * State: the moments M_k(t) = int_0^t I(tau) (R(t) - R(tau))^k dtau,
     * k = 0..d, so X_ext = g M_d. Over a step with I and U linear in time
     * the update is exact:
     *   M_k(t+h) = sum_j C(k,j) dR^(k-j) M_j(t)
     *            + int_t^(t+h) I(tau) (R(t+h) - R(tau))^k dtau,
     * the new-nuclei integral (a polynomial of degree <= 2d + 1) by 4-point
     * Gauss–Legendre. Every term is non-negative, so nothing cancels when
     * grains nucleated long ago keep growing (unlike expanding
     * (R(t) - R(tau))^d in moments of R(tau)). Constant rates reproduce
     * X = 1 - exp(-g I U^d t^(d+1) / (d+1)) to round-off.
     */
    class JmakIntegrator
    {
    public:
      explicit JmakIntegrator(unsigned int dimension = 3);

      /// Advance by h (s) with rates I0, U0 at the start and I1, U1 at the
      /// end of the step, linear in between.
      void
      step(double h, double I0, double I1, double U0, double U1);

      double
      extended_fraction() const;

      /// Transformed fraction X = 1 - exp(-X_ext).
      double
      fraction() const;

      /// dX/dt = (1 - X) g d U M_(d-1) (1/s) for the current U (for d = 1
      /// M_0 counts nuclei).
      double
      rate(double U) const;

      /// Number of nuclei per volume (or area) formed so far, M_0.
      double
      nuclei() const
      {
        return moments[0];
      }

      unsigned int
      dimension() const
      {
        return moments.size() - 1;
      }

      /// Geometric factor g of the dimension.
      double
      shape_factor() const;

    private:
      std::vector<double> moments;
    };


    /// Closed form for constant rates: X = 1 - exp(-g I U^d t^(d+1)/(d+1)).
    double
    jmak_constant_rates(double I, double U, double t, unsigned int dimension);

    /// Time at which constant rates reach the fraction X (s).
    double
    jmak_time_to_fraction(double I, double U, double X, unsigned int dimension);
  } // namespace kinetics
} // namespace vitrum

#endif
