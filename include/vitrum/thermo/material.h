#ifndef vitrum_thermo_material_h
#define vitrum_thermo_material_h

#include <vitrum/thermo/solution_phase.h>
#include <vitrum/thermo/tdb.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace thermo
  {
    /**
     * Everything vitrum knows about one crystal/glass alloy system, read
     * from a material file (format in the README, example in
     * parameter_files/materials/). All members are in SI units; the file
     * uses the units materials scientists quote (kJ/mol, cm^3/mol, nm).
     *
     * The last element listed is the dependent component: the model solves
     * for the other K - 1 fractions and uses diffusion potentials against
     * it, so it should be present everywhere (never zero).
     */
    struct Material
    {
      std::string              name;
      std::vector<std::string> elements;
      /// False for a glass-only file (`Phases = glass`): the crystal, the
      /// interface and the crystal's diffusion are absent.
      bool has_crystal = true;

      /// Molar volume, same for all elements and phases (m^3/mol): the
      /// volume per mole of sites the model's densities refer to.
      double molar_volume = 1e-5;
      /// Molar volume of each element (m^3/mol), if the file gives them;
      /// empty: every element takes molar_volume. Models that conserve
      /// atoms on a fixed mesh read their coordinate as sites and turn it
      /// into physical length with V(x) = sum_i x_i V_i (Vegard).
      std::vector<double> element_molar_volumes;

      /// V(x) / molar_volume for all K fractions x (1 without element
      /// molar volumes): physical length per unit of the site coordinate.
      double
      volume_ratio(const double *x) const
      {
        if (element_molar_volumes.empty())
          return 1.;
        double v = 0;
        for (unsigned int i = 0; i < element_molar_volumes.size(); ++i)
          v += x[i] * element_molar_volumes[i];
        return v / molar_volume;
      }

      /// G0 of pure elements: glass is the reference (G0 = 0), the crystal
      /// has G0_i = a_i + b_i T (the lattice stability, J/mol).
      SolutionPhase crystal;
      SolutionPhase glass;

      /// The TDB the phases come from (nullptr: the material file gives
      /// them), the names of its phases used, and the glass transition
      /// temperature of the glass phase (K).
      std::shared_ptr<const TdbDatabase> database;
      std::string                        crystal_phase_name;
      std::string                        glass_phase_name;
      double                             glass_transition_temperature = 0;

      /// The free surface of the glass (subsection Surface, optional).
      struct Surface
      {
        bool                given = false;
        std::vector<double> energy;              ///< gamma_i, J/m^2, K
        double              diffusivity     = 0; ///< D_s, m^2/s
        double              layer_thickness = 0; ///< delta_s, m
      };
      Surface surface;
      /// Tracer diffusion of each element in each phase.
      std::vector<Arrhenius> crystal_diffusion;
      std::vector<Arrhenius> glass_diffusion;

      /// Gradient energy coefficient of each independent fraction (J/m).
      double gradient_energy = 0;

      /// Crystal/glass interface: energy (J/m^2), width parameter lambda
      /// of phi = (1 + tanh(z / (2 lambda))) / 2 (m), and mobility
      /// m(T) = m0 exp(-Q / RT) relating velocity to driving pressure
      /// v = m dG (m^4/(J s)).
      double    interface_energy = 0.1;
      double    interface_width  = 1e-9;
      Arrhenius interface_mobility; ///< D0 holds m0 (m^4/(J s))

      unsigned int
      n_components() const
      {
        return elements.size();
      }

      /// Index of an element by symbol, or throws InputError.
      unsigned int
      element_index(const std::string &symbol) const;

      /// Double-well height W (J/mol): W g(phi)/V_m with g = phi^2(1-phi)^2
      /// gives the interface energy and width above: W = 3 sigma V_m / lambda.
      double
      well_height() const
      {
        return 3. * interface_energy * molar_volume / interface_width;
      }

      /// kappa_phi = 6 sigma lambda (J/m).
      double
      phase_gradient_energy() const
      {
        return 6. * interface_energy * interface_width;
      }

      /// Allen–Cahn coefficient L_phi = m sigma / kappa_phi = m / (6 lambda)
      /// (m^3/(J s)), so that a flat interface moves at v = m dG.
      double
      phase_field_mobility(double T) const
      {
        return interface_mobility.D0
               * std::exp(-interface_mobility.Q / (gas_constant * T))
               / (6. * interface_width);
      }

      /// Atomic mobilities M_k (m^2 mol/(J s)) of each phase at T.
      std::vector<double>
      crystal_mobilities(double T) const;
      std::vector<double>
      glass_mobilities(double T) const;

      /**
       * Read a material file. Any problem (missing file, unknown element,
       * value out of range, a pair with neither an interaction parameter
       * nor a mixing enthalpy) throws InputError naming the file and entry.
       */
      static Material
      read(const std::string &filename);
    };

    /**
     * "Cr: 36, Co: 33, Ni: 31" (at.%) -> mole fractions in the material's
     * element order; missing elements are 0. The at.% must add up to 100
     * (within 0.5) and are normalized. `entry` (e.g. "Laminate/Glass
     * composition") names the parameter in error messages.
     */
    std::vector<double>
    parse_composition(const std::string &text,
                      const std::string &entry,
                      const Material    &material);
  } // namespace thermo
} // namespace vitrum

#endif
