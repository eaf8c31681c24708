#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/jmak.h>

#include <cmath>
#include <limits>

namespace vitrum
{
  namespace kinetics
  {
    JmakIntegrator::JmakIntegrator(const unsigned int dimension)
        : moments(dimension + 1, 0.)
    {
      if (dimension < 1 || dimension > 3)
        throw InputError("JMAK: the dimension of growth must be 1, 2 or 3");
    }


    double
    JmakIntegrator::shape_factor() const
    {
      switch (dimension())
        {
          case 1:
            return 2;
          case 2:
            return M_PI;
          default:
            return 4 * M_PI / 3;
        }
    }


    void
    JmakIntegrator::step(const double h,
                         const double I0,
                         const double I1,
                         const double U0,
                         const double U1)
    {
      const unsigned int d = dimension();
      // R(t + s) - R(t) for s in [0, h] with U linear.
      const auto grown
        = [&](double s) { return U0 * s + (U1 - U0) * s * s / (2 * h); };
      const double dR = grown(h);

      // Old nuclei: binomial shift of the moments by dR.
      std::vector<double> shifted(d + 1, 0.);
      for (unsigned int k = 0; k <= d; ++k)
        {
          double binomial = 1;
          for (unsigned int j = k + 1; j-- > 0;)
            {
              shifted[k] += binomial * std::pow(dR, k - j) * moments[j];
              binomial = binomial * j / (k - j + 1);
            }
        }

      // New nuclei: 4-point Gauss-Legendre on [0, h].
      static const double node[4]   = {-0.8611363115940526,
                                       -0.3399810435848563,
                                       0.3399810435848563,
                                       0.8611363115940526};
      static const double weight[4] = {0.3478548451374538,
                                       0.6521451548625461,
                                       0.6521451548625461,
                                       0.3478548451374538};
      for (unsigned int q = 0; q < 4; ++q)
        {
          const double s = h * (1 + node[q]) / 2;
          const double I = I0 + (I1 - I0) * s / h;
          const double r = dR - grown(s);
          double       p = 1;
          for (unsigned int k = 0; k <= d; ++k, p *= r)
            shifted[k] += weight[q] * h / 2 * I * p;
        }
      moments = shifted;
    }


    double
    JmakIntegrator::extended_fraction() const
    {
      return shape_factor() * moments.back();
    }


    double
    JmakIntegrator::fraction() const
    {
      return -std::expm1(-extended_fraction());
    }


    double
    JmakIntegrator::rate(const double U) const
    {
      const unsigned int d = dimension();
      return (1 - fraction()) * shape_factor() * d * U * moments[d - 1];
    }


    double
    jmak_constant_rates(const double       I,
                        const double       U,
                        const double       t,
                        const unsigned int dimension)
    {
      JmakIntegrator shape(dimension);
      return -std::expm1(-shape.shape_factor() * I * std::pow(U, dimension)
                         * std::pow(t, dimension + 1) / (dimension + 1));
    }


    double
    jmak_time_to_fraction(const double       I,
                          const double       U,
                          const double       X,
                          const unsigned int dimension)
    {
      const double k = JmakIntegrator(dimension).shape_factor() * I
                       * std::pow(U, dimension) / (dimension + 1);
      if (!(k > 0))
        return std::numeric_limits<double>::infinity();
      return std::pow(-std::log1p(-X) / k, 1. / (dimension + 1));
    }
  } // namespace kinetics
} // namespace vitrum
