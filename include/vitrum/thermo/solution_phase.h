#ifndef vitrum_thermo_solution_phase_h
#define vitrum_thermo_solution_phase_h

#include <vector>

namespace vitrum
{
  namespace thermo
  {
    /// Molar gas constant R in J/(mol K).
    constexpr double gas_constant = 8.314462618;

    /**
     * Redlich–Kister parameters of one pair (i, j), i < j:
     *   L_ij(T) = sum_k (a[k] + b[k] T) (x_i - x_j)^k     (J/mol).
     */
    struct Interaction
    {
      unsigned int        i = 0;
      unsigned int        j = 0;
      std::vector<double> a; ///< J/mol, one per order k = 0, 1, ...
      std::vector<double> b; ///< J/(mol K), same length as a
    };


    /**
     * A substitutional solution phase of K components:
     *   G(x, T) = sum_i x_i G0_i(T) + R T sum_i x_i ln x_i
     *           + sum_{i<j} x_i x_j sum_k L_ij,k(T) (x_i - x_j)^k,
     * with G0_i(T) = a_i + b_i T the molar Gibbs energy of pure i in this
     * phase (J/mol). Compositions are passed as all K mole fractions.
     *
     * gradient() and hessian() treat the K fractions as independent
     * variables; reduce them with diffusion_potentials() and
     * reduced_hessian() for K - 1 independent fractions.
     *
     * Fractions below minimum_fraction are clipped inside the logarithm
     * and its derivatives, so a Newton iterate that touches zero gives
     * large but finite numbers rather than NaN.
     */
    class SolutionPhase
    {
    public:
      static constexpr double minimum_fraction = 1e-12;

      SolutionPhase() = default;
      SolutionPhase(std::vector<double>      g0_a,
                    std::vector<double>      g0_b,
                    std::vector<Interaction> interactions);

      unsigned int
      n_components() const
      {
        return g0_a.size();
      }

      /// G in J/mol.
      double
      gibbs_energy(const double *x, double T) const;

      /// g[i] = dG/dx_i, i = 0..K-1, all fractions independent (J/mol).
      void
      gradient(const double *x, double T, double *g) const;

      /// H[i*K + j] = d2G/dx_i dx_j, all fractions independent (J/mol).
      void
      hessian(const double *x, double T, double *H) const;

      /**
       * Partial molar Gibbs energies (chemical potentials)
       * mu_i = G + dG/dx_i - sum_j x_j dG/dx_j (J/mol); sum_i x_i mu_i = G.
       */
      void
      chemical_potentials(const double *x, double T, double *mu) const;

      const std::vector<Interaction> &
      interactions_list() const
      {
        return interactions;
      }

    private:
      std::vector<double>      g0_a;
      std::vector<double>      g0_b;
      std::vector<Interaction> interactions;
    };


    /**
     * Diffusion potentials against the last (dependent) component:
     * out[i] = g[i] - g[K-1], i = 0..K-2. For g the gradient of G they
     * equal mu_i - mu_K and dG/dx_i with x_K = 1 - sum_{i<K} x_i.
     */
    void
    diffusion_potentials(const double *g, unsigned int K, double *out);

    /**
     * Hessian of G with respect to the K - 1 independent fractions:
     * out[i*(K-1) + j] = H_ij - H_iK - H_Kj + H_KK.
     */
    void
    reduced_hessian(const double *H, unsigned int K, double *out);

    /**
     * Lattice-frame Onsager mobility matrix for a vacancy mechanism
     * (Andersson and Agren, J. Appl. Phys. 72 (1992) 1350):
     *   L_ij = sum_k (delta_ik - x_i)(delta_jk - x_j) x_k M_k,
     * with M_k the atomic mobility of k (m^2 mol/(J s)). Rows and columns
     * sum to zero, so J_i = -sum_{j<K} L_ij grad(mu_j - mu_K); out is the
     * (K-1) x (K-1) block, row-major.
     */
    void
    onsager_mobility(const double *x,
                     const double *M,
                     unsigned int  K,
                     double       *out);

    /**
     * dL_ij/dx_m for m = 0..K-2 with x_K = 1 - sum_{i<K} x_i and the
     * mobilities M held fixed: out[(m*(K-1) + i)*(K-1) + j].
     */
    void
    onsager_mobility_derivative(const double *x,
                                const double *M,
                                unsigned int  K,
                                double       *out);


    /**
     * Atomic mobility from a tracer diffusion coefficient
     * D* = D0 exp(-Q / RT):  M = D* / (R T)  (m^2 mol/(J s)).
     */
    struct Arrhenius
    {
      double D0 = 0; ///< m^2/s
      double Q  = 0; ///< J/mol

      double
      diffusivity(double T) const;
      double
      mobility(double T) const;
    };
  } // namespace thermo
} // namespace vitrum

#endif
