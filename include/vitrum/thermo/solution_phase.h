#ifndef vitrum_thermo_solution_phase_h
#define vitrum_thermo_solution_phase_h

#include <vitrum/thermo/temperature_function.h>

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
     * Redlich–Kister terms of one pair (i, j) with temperature functions:
     *   x_i x_j sum_k L[k](T) (x_i - x_j)^k.
     */
    struct BinaryTerm
    {
      unsigned int                     i = 0;
      unsigned int                     j = 0;
      std::vector<TemperatureFunction> L; ///< one per order k = 0, 1, ...
    };


    /**
     * A ternary term of (i, j, k). With one function it is composition
     * independent, x_i x_j x_k L[0]; with three it is Muggianu's
     *   x_i x_j x_k (v_i L[0] + v_j L[1] + v_k L[2]),
     *   v_m = x_m + (1 - x_i - x_j - x_k) / 3,
     * which reduces to the binary-consistent form in a ternary system.
     */
    struct TernaryTerm
    {
      unsigned int                     i = 0;
      unsigned int                     j = 0;
      unsigned int                     k = 0;
      std::vector<TemperatureFunction> L; ///< 1 or 3 functions
    };


    /**
     * A composition- and temperature-dependent quantity in the form of a
     * CALPHAD solution phase:
     *   P(x, T) = sum_i x_i P_i(T) + binary terms + ternary terms.
     * It is the excess Gibbs energy with its reference part, and also the
     * Curie temperature and the magnetic moment of a magnetic phase.
     */
    struct RedlichKisterExpansion
    {
      std::vector<TemperatureFunction> end_members; ///< K functions
      std::vector<BinaryTerm>          binaries;
      std::vector<TernaryTerm>         ternaries;
    };


    /**
     * The magnetic contribution of Inden, Hillert and Jarl
     * (M. Hillert and M. Jarl, Calphad 2 (1978) 227):
     *   G_mag = R T ln(beta(x) + 1) g(tau),  tau = T / Tc(x),
     * with Tc (K) and beta (Bohr magnetons) expanded like the Gibbs
     * energy. Where Tc or beta is negative (antiferromagnetic) it is
     * divided by afm_factor (-1 for BCC, -3 for FCC and HCP). p is the
     * fraction of the magnetic enthalpy absorbed above Tc: 0.4 for BCC,
     * 0.28 otherwise. Without end members the phase is not magnetic.
     */
    struct MagneticModel
    {
      double                 afm_factor = -3;
      double                 p          = 0.28;
      RedlichKisterExpansion curie_temperature;
      RedlichKisterExpansion magnetic_moment;

      bool
      active() const
      {
        return !curie_temperature.end_members.empty();
      }
    };


    /**
     * A substitutional solution phase of K components:
     *   G(x, T) = sum_i x_i G0_i(T) + R T sum_i x_i ln x_i
     *           + sum_{i<j} x_i x_j sum_k L_ij,k(T) (x_i - x_j)^k
     *           + ternary terms + G_mag(x, T),
     * with G0_i(T) the molar Gibbs energy of pure i in this phase (J/mol)
     * and every G0 and L a TemperatureFunction. Compositions are passed as
     * all K mole fractions.
     *
     * gradient() and hessian() treat the K fractions as independent
     * variables; reduce them with diffusion_potentials() and
     * reduced_hessian() for K - 1 independent fractions.
     *
     * Fractions below minimum_fraction are clipped inside the logarithm
     * and its derivatives, so a Newton iterate that touches zero gives
     * large but finite numbers rather than NaN.
     *
     * The temperature functions are evaluated once per temperature and
     * kept for the next call at the same T (a field model calls the three
     * functions per node and Newton iteration at one T). That cache makes
     * a phase object unsafe to share between threads; give each thread
     * its own copy.
     */
    class SolutionPhase
    {
    public:
      static constexpr double minimum_fraction = 1e-30;

      SolutionPhase() = default;

      /// G0_i = a_i + b_i T and L_ij,k = a + b T (the material-file form).
      SolutionPhase(std::vector<double>      g0_a,
                    std::vector<double>      g0_b,
                    std::vector<Interaction> interactions);

      /// The general form: G0, binary and ternary terms, magnetism.
      SolutionPhase(RedlichKisterExpansion gibbs,
                    MagneticModel          magnetic = MagneticModel());

      unsigned int
      n_components() const
      {
        return gibbs.end_members.size();
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

      /// The (a, b) pairs of the material-file constructor; empty for a
      /// phase built from temperature functions.
      const std::vector<Interaction> &
      interactions_list() const
      {
        return interactions;
      }

      /// G0 and the binary (stored with i < j) and ternary terms.
      const RedlichKisterExpansion &
      gibbs_expansion() const
      {
        return gibbs;
      }

      const MagneticModel &
      magnetic_model() const
      {
        return magnetic;
      }

      /// The expansion and the magnetic terms evaluated at one T.
      struct Evaluated
      {
        double                           T = -1;
        std::vector<double>              end_members;
        std::vector<std::vector<double>> binaries;
        std::vector<std::vector<double>> ternaries;
      };

    private:
      RedlichKisterExpansion   gibbs;
      MagneticModel            magnetic;
      std::vector<Interaction> interactions;

      mutable Evaluated           cached_gibbs;
      mutable Evaluated           cached_tc;
      mutable Evaluated           cached_beta;
      mutable std::vector<double> scratch;

      /// Evaluate the temperature functions unless they are at T already.
      void
      update(double T) const;

      /// G_mag and, if wanted, its gradient and Hessian added to g and H.
      double
      add_magnetic(const double *x, double T, double *g, double *H) const;
    };


    /**
     * Value, gradient and Hessian (all K fractions independent) of an
     * expansion whose temperature functions were evaluated into e; g and H
     * may be null. K * K scratch is taken from H when it is given.
     */
    double
    expansion_value(const RedlichKisterExpansion   &expansion,
                    const SolutionPhase::Evaluated &e,
                    const double                   *x,
                    double                         *g,
                    double                         *H);

    /// Evaluate every temperature function of an expansion at T.
    void
    evaluate_expansion(const RedlichKisterExpansion &expansion,
                       double                        T,
                       SolutionPhase::Evaluated     &e);

    /**
     * The magnetic function g(tau) of Inden, Hillert and Jarl for the
     * fraction p and its first two derivatives in tau.
     */
    void
    magnetic_function(double tau, double p, double &g, double &dg, double &d2g);


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
     * Limit a Newton update dx of the K = n + 1 fractions of one node (n
     * independent ones x, the dependent one 1 - sum): scale dx by the
     * largest alpha <= 1 that leaves each fraction at least a tenth of what
     * it has (one update may use up 90 % of an element at a node, no
     * more), then clip at zero any independent fraction that would still
     * go below it. Fractions already at or below 1e-12 and decreases below
     * 1e-12 do not limit alpha (they are clipped). Returns alpha (below 1
     * if anything was clipped: the update was limited); `removed` is the
     * largest change taken off a component.
     */
    double
    limit_fraction_update(const double *x,
                          double       *dx,
                          unsigned int  n,
                          double       &removed);


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
