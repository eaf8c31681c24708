#ifndef vitrum_rheology_molding_h
#define vitrum_rheology_molding_h

#include <vitrum/rheology/viscosity.h>

#include <deque>
#include <string>
#include <vector>

namespace vitrum
{
  namespace rheology
  {
    /**
     * What nanomolding needs to know about one glass-forming alloy: its
     * composition and atomic volume, its viscosity, its shear thinning, the
     * interface (wall-layer) diffusion of each element and its capillarity.
     * Read from a material file (parameter_files/materials/<alloy>.prm); all
     * members are SI.
     */
    struct MoldingMaterial
    {
      std::string              name;
      std::vector<std::string> elements;
      std::vector<double>      composition;      ///< mole fractions, sum 1
      double                   atomic_volume;    ///< Omega, m^3 per atom
      double                   glass_transition; ///< calorimetric Tg, K
      ViscosityLaw             viscosity;
      double                   activation_volume; ///< Eyring V, m^3
      double                   wall_layer;        ///< delta, m
      std::vector<double>      wall_prefactors;   ///< D_I0,k, m^2/s
      double                   wall_activation;   ///< Q_I, J per atom
      double                   surface_tension;   ///< gamma, J/m^2
      double                   contact_angle;     ///< theta, rad

      /// D_I,k(T) = D_I0,k exp(-Q_I / k_B T) of element k (m^2/s).
      double
      interface_diffusivity(unsigned int k, double T) const;

      /// The composition-weighted D_I(T) = sum_k x_k D_I,k(T): the one that
      /// fills the pore (m^2/s).
      double
      mean_interface_diffusivity(double T) const;

      /// Read and check a material file; InputError names the entry.
      static MoldingMaterial
      read(const std::string &filename);
    };


    /**
     * Filling laws of a cylindrical pore of diameter d under a pressure
     * difference p, exact for a long pore (SI units). Both mechanisms give a
     * front speed proportional to 1/L, so each is a constant K in
     * d(L^2)/dt = K.
     */
    namespace filling
    {
      /// Viscous (Hagen-Poiseuille): dL/dt = p d^2 / (32 eta L), so
      /// K = p d^2 / (16 eta), L^2 = K t.
      double
      viscous_coefficient(double p, double d, double eta);

      /// Interface diffusion in a wall layer delta with diffusivity D_I:
      /// dL/dt = 4 delta D_I p Omega / (d k_B T L), K = 8 delta D_I p Omega
      /// / (d k_B T).
      double
      diffusive_coefficient(double p,
                            double d,
                            double delta_D,
                            double omega,
                            double T);

      /// The diameter where both mechanisms fill equally fast,
      /// d_c = (factor delta D_I Omega eta / (k_B T))^(1/3); factor 128 for
      /// the exact Poiseuille integration, 256 for the published convention
      /// (wire velocity taken as L/t).
      double
      crossover_diameter(double delta_D,
                         double omega,
                         double eta,
                         double T,
                         double factor = 128.);

      /// Pressure difference across the meniscus that helps the filling,
      /// 4 gamma cos(theta) / d (negative for a non-wetting mold).
      double
      capillary_pressure(double gamma, double theta, double d);

      /**
       * Sum of the principal curvatures, div n, of the surface of
       * revolution z = f(r) about the axis r = 0 whose normal n points to
       * z < f: f'' / (1 + f'^2)^(3/2) in the meridian plane plus the hoop
       * curvature f' / (r (1 + f'^2)^(1/2)), which tends to f''(0) on the
       * axis. A spherical cap of radius R bulging to z < f has -2/R. The
       * liquid on the side z > f is pulled by the traction
       * -gamma (div n) n (Young-Laplace).
       */
      double
      mean_curvature_of_revolution(double df_dr, double d2f_dr2, double r);

      /**
       * Volume rate (m^3/s) that the wall layer carries to the front for
       * each element: Q_k = pi d delta D_I,k x_k Omega dp / (k_B T L), from
       * the atom flux delta D_I,k x_k grad(mu) / (Omega k_B T) per unit
       * perimeter with mu = p Omega falling by Omega dp over the length L.
       */
      std::vector<double>
      wall_volume_rates(const MoldingMaterial &material,
                        double                 d,
                        double                 L,
                        double                 dp,
                        double                 T);
    } // namespace filling


    /**
     * The composition along a molded wire, root (z = 0, at the pore
     * entrance) to tip (z = L), in N streamtubes of equal area across the
     * pore, each a stack of slices.
     *
     * The bulk composition is advected with the flow. The flow in the pore
     * is Poiseuille, u(r) = 2 U (1 - r^2 / R^2) with U the mean (viscous)
     * speed, so tube i (r^2/R^2 from i/N to (i+1)/N) moves at
     * s_i U, s_i = 2 (1 - (2i + 1) / (2N)) (mean of u over the tube; the s_i
     * average to 1). What the flow brings enters every tube at the root
     * with the feedstock composition. The front moves at U + U_wall, where
     * U_wall is the wall-layer deposit. Tubes faster than the front carry
     * their material up to it; there it is mixed with the wall-layer
     * deposit (fountain flow at the front) and the mixture is laid down in
     * the tubes that lag behind the front. N = 1 is plug flow: viscous
     * filling keeps the feedstock composition and the wall layer stacks its
     * fast diffusers at the tip. Bulk interdiffusion is neglected (about
     * (D t)^1/2 ~ 1-2 nm near Tg from the Stokes-Einstein diffusivity).
     *
     * Each slice remembers when its glass formed and since when it has been
     * in the pore (on the pore wall): feedstock formed at t = 0, since it
     * has been at the molding temperature in the reservoir from the start,
     * and entered with the initial plug (t = 0) or when the flow brought it;
     * deposited material formed and entered when it was laid down at the
     * front, a mixture of deposit and feedstock too; a mixture of feedstock
     * only keeps the latest times of its parts.
     */
    class WireComposition
    {
    public:
      /// One slice of one tube as seen from outside.
      struct Segment
      {
        unsigned int        tube;
        double              bottom;    ///< m from the root
        double              thickness; ///< m
        double              born;      ///< s, when its glass formed
        double              entered;   ///< s, since when it is in the pore
        std::vector<double> x;
      };

      /// A stretch [bottom, top] of the wire over which every tube is one
      /// segment: segment[i] is the index into segments() of tube i's.
      struct CrossSection
      {
        double                    bottom;
        double                    top;
        std::vector<unsigned int> segment;
      };

      explicit WireComposition(std::vector<double> feedstock,
                               unsigned int        tubes = 1);

      /// Start with a plug of feedstock of length L0 (m).
      void
      reset(double L0);

      /// One step: a viscous volume per area (m) enters at the root, the
      /// given volumes per area of each element (m) arrive at the tip, as
      /// glass formed at `time` (s).
      void
      add(double                     viscous_length,
          const std::vector<double> &tip_lengths,
          double                     time = 0.);

      double
      length() const;

      unsigned int
      n_tubes() const
      {
        return tubes.size();
      }

      /// Speed of tube i in units of the mean flow speed.
      double
      tube_speed(unsigned int i) const;

      /// Cross-section mean composition at distance z (m) from the root.
      std::vector<double>
      composition_at(double z) const;

      /// Mean composition of the whole wire (volume-weighted).
      std::vector<double>
      mean_composition() const;

      /// All slices, tube by tube (axis first), root first in each.
      std::vector<Segment>
      segments() const;

      /// The wire cut where any tube changes segment, root first.
      std::vector<CrossSection>
      cross_sections() const;

      /// The whole record (feedstock, tubes, slices) as one line of text
      /// with every number in hexadecimal, so that deserialize() restores
      /// it to the bit and a resumed run continues with the same wire.
      std::string
      serialize() const;

      /// Replace the record by one that serialize() wrote; InputError if
      /// the text is not such a record.
      void
      deserialize(const std::string &text);

    private:
      struct Slice
      {
        double              thickness;
        std::vector<double> x;
        double              born;
        double              entered;
      };
      std::vector<double> feedstock;
      /// per tube, root first
      std::vector<std::deque<Slice>> tubes;
      std::vector<double>            lengths;

      /// Append (or merge into the last slice) at the top of tube i.
      void
      push_top(unsigned int i, const Slice &slice);
    };
  } // namespace rheology
} // namespace vitrum

#endif
