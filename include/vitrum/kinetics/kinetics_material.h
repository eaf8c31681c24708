#ifndef vitrum_kinetics_kinetics_material_h
#define vitrum_kinetics_kinetics_material_h

#include <vitrum/kinetics/composition_dependence.h>
#include <vitrum/kinetics/driving_force.h>
#include <vitrum/rheology/viscosity.h>
#include <vitrum/thermo/material.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /// Nucleation and growth rates of a glass of composition x at T.
    struct Rates
    {
      double driving_force = 0;    ///< J/mol, of the chosen competitor
      double diffusivity   = 0;    ///< transport D, m^2/s
      double homogeneous   = 0;    ///< nucleation, 1/(m^3 s)
      double heterogeneous = 0;    ///< nucleation at interfaces, 1/(m^2 s)
      double growth        = 0;    ///< interface velocity U, m/s
      int    competitor    = -1;   ///< index into competitor_names(), or -1
      std::vector<double> nucleus; ///< composition of the winning nucleus
    };


    /**
     * Everything the crystallization kinetics of one glass needs, read from
     * a kinetics material file (example:
     * parameter_files/materials/TiZrNbHf-glass-kinetics.prm): where the
     * driving force comes from (a thermodynamic material file and the
     * crystalline competitors in it, or the Thompson–Spaepen estimate), the
     * nucleation and growth laws, the transport (diffusion or viscosity)
     * and the crystallization enthalpy for simulated DSC.
     *
     * rates() depends only on (x, T): a phase-field model can call it per
     * cell.
     */
    class KineticsMaterial
    {
    public:
      /// Read a kinetics file; relative file names inside it are looked up
      /// next to it, in the working directory and in vitrum's data
      /// folder (base::data_directories()).
      /// Throws InputError naming the file and entry.
      static KineticsMaterial
      read(const std::string &filename);

      std::string name;

      /// Element order of the compositions x passed in: the database's, or
      /// the file's `Elements` (empty: rates do not depend on x).
      std::vector<std::string> elements;

      /// Rates at composition x (all K mole fractions, or empty without a
      /// database) and temperature T (K).
      Rates
      rates(const std::vector<double> &x, double T) const;

      /// Driving force (J/mol) against each competitor; the largest wins.
      std::vector<DrivingForce>
      driving_forces(const std::vector<double> &x, double T) const;

      std::vector<std::string>
      competitor_names() const;

      /// The thermodynamic database, or nullptr (Thompson–Spaepen).
      const thermo::Material *
      database() const
      {
        return thermo.get();
      }

      /// Crystallization enthalpy released per mole (J/mol), for DSC.
      double crystallization_enthalpy = 0;
      double molar_volume             = 1e-5; ///< m^3/mol

      /// Transport diffusivity D(T) (m^2/s).
      double
      diffusivity(double T) const;

      // Driving force.
      enum class DrivingForceModel
      {
        database,
        thompson_spaepen
      } driving_force_model
        = DrivingForceModel::database;
      std::vector<std::string> solution_competitors; ///< their names
      /// The solution competitors' phases (same order as their names).
      std::vector<thermo::SolutionPhase> competitor_phases;
      std::vector<Compound>              compounds;
      double                             melting_enthalpy     = 0; ///< J/mol
      double                             liquidus_temperature = 0; ///< K
      /// Thompson-Spaepen with composition: T_l and dH_f as tables over a
      /// composition variable (empty tables: the constants above).
      CompositionRatio composition_variable;
      PiecewiseLinear  liquidus_table;         ///< K
      PiecewiseLinear  melting_enthalpy_table; ///< J/mol

      /// T_l (K) of the glass x: the table at its composition variable, or
      /// the constant.
      double
      liquidus_at(const std::vector<double> &x) const;

      /// dH_f (J/mol) of the glass x, likewise.
      double
      melting_enthalpy_at(const std::vector<double> &x) const;

      // Nucleation and growth: classical (from dg and D) or Arrhenius
      // (rate = prefactor exp(-Q/RT), for analytic checks).
      bool   arrhenius_nucleation           = false;
      double interface_energy               = 0.1;  ///< J/m^2
      double homogeneous_sites              = 0;    ///< 1/m^3
      double heterogeneous_sites            = 0;    ///< 1/m^2
      double contact_angle                  = M_PI; ///< rad
      double nucleation_prefactor           = 0;    ///< 1/(m^3 s), Arrhenius
      double nucleation_energy              = 0;    ///< J/mol, Arrhenius
      double interface_nucleation_prefactor = 0;    ///< 1/(m^2 s), Arrhenius
      bool   arrhenius_growth               = false;
      double growth_prefactor               = 0; ///< m/s, Arrhenius
      double growth_energy                  = 0; ///< J/mol, Arrhenius

      // Transport.
      bool                   viscous_transport = false;
      thermo::Arrhenius      diffusion;
      rheology::ViscosityLaw viscosity;
      double                 jump_distance = 3e-10; ///< m

    private:
      std::shared_ptr<const thermo::Material> thermo;

      /// InputError unless x has one fraction per element.
      void
      check_size(const std::vector<double> &x) const;
      /// The table's value at the composition variable of x, or the
      /// constant when the file gives no table.
      double
      tabulated(const PiecewiseLinear     &table,
                double                     constant,
                const std::vector<double> &x) const;
    };

  } // namespace kinetics
} // namespace vitrum

#endif
