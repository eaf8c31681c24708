#ifndef vitrum_thermo_tdb_h
#define vitrum_thermo_tdb_h

#include <vitrum/thermo/solution_phase.h>
#include <vitrum/thermo/temperature_function.h>

#include <map>
#include <string>
#include <vector>

namespace vitrum
{
  namespace thermo
  {
    /// An ELEMENT line: the element and its stable (SER) phase.
    struct TdbElement
    {
      std::string name;
      std::string reference_phase;
      double      mass = 0; ///< g/mol
      double      H298 = 0; ///< H(298.15 K) - H(0 K), J/mol
      double      S298 = 0; ///< S(298.15 K), J/(mol K)
    };


    /// A PHASE with its CONSTITUENT line and magnetic type definition.
    struct TdbPhase
    {
      std::string                           name;
      std::string                           type_codes;
      std::vector<double>                   sites;        ///< per sublattice
      std::vector<std::vector<std::string>> constituents; ///< per sublattice
      bool                                  magnetic   = false;
      double                                afm_factor = 0;
      double                                p          = 0;
      unsigned int                          line       = 0;
    };


    /**
     * A PARAMETER: type "G" (G and L are the same thing in a TDB), "TC"
     * or "BMAGN", with the constituents of each sublattice in alphabetical
     * order (as CALPHAD programs read them, whatever the order written) and
     * the order ;n: a binary term of order n multiplies (x_A - x_B)^n with
     * A before B, a ternary term of order n weights v of the n-th
     * constituent.
     */
    struct TdbParameter
    {
      std::string                           type;
      std::string                           phase;
      std::vector<std::vector<std::string>> constituents;
      unsigned int                          order = 0;
      TemperatureFunction                   value;
      unsigned int                          line = 0;
    };


    /**
     * A thermodynamic database read from a TDB file (Thermo-Calc and
     * pycalphad format). FUNCTION references are resolved, so every
     * parameter is one TemperatureFunction.
     */
    struct TdbDatabase
    {
      std::string                                filename;
      std::map<std::string, TdbElement>          elements;
      std::map<std::string, TdbPhase>            phases;
      std::map<std::string, TemperatureFunction> functions;
      std::vector<TdbParameter>                  parameters;
      /// Commands read but not used (mobility parameters), with lines.
      std::vector<std::string> skipped;

      /// The phase, or InputError naming the file and the known phases.
      const TdbPhase &
      phase(const std::string &name) const;
    };


    /// Read a TDB file; InputError names the file, line and command.
    TdbDatabase
    read_tdb(const std::string &filename);

    /// Read TDB text; source_name stands for the file in messages.
    TdbDatabase
    parse_tdb(const std::string &text, const std::string &source_name);


    /**
     * A substitutional phase of the database for the given elements, in
     * their order, per mole of atoms: the first sublattice holds the
     * elements, any others only VA (LIQUID; FCC_A1 (X)1(VA)1; BCC_A2
     * (X)1(VA)3; HCP_A3 (X)1(VA)0.5). Energies are divided by the first
     * sublattice's site count. Binary and ternary interactions among the
     * elements, and the magnetic model of a magnetic phase, are taken;
     * missing interactions are zero, a missing end member is an
     * InputError.
     */
    SolutionPhase
    substitutional_phase(const TdbDatabase              &database,
                         const std::string              &phase,
                         const std::vector<std::string> &elements);


    /// G of one end member per mole of atoms and its composition.
    struct CompoundEnergy
    {
      TemperatureFunction      gibbs_energy; ///< J/mol of atoms, SER
      std::vector<std::string> elements;
      std::vector<double>      composition; ///< mole fractions
    };

    /**
     * The end member of phase with one constituent per sublattice (VA
     * allowed), per mole of atoms: G divided by the sum of the site counts
     * of the sublattices not holding VA. The composition is over elements
     * if given (InputError if the end member holds another element), else
     * over the elements of the end member in the order they appear.
     */
    CompoundEnergy
    compound_gibbs_energy(const TdbDatabase              &database,
                          const std::string              &phase,
                          const std::vector<std::string> &constituents,
                          const std::vector<std::string> &elements = {});

    /**
     * G of the element in its stable phase (the ELEMENT line's reference
     * phase) per mole of atoms: the end member's G parameter, without a
     * magnetic contribution.
     */
    TemperatureFunction
    element_reference(const TdbDatabase &database, const std::string &element);


    /**
     * The glass as an undercooled liquid whose configurational part
     * freezes at Tg: with ref_i the reference of component i,
     *   G0_i^glass = ref_i + frozen_below(G0_i^liquid - ref_i, Tg),
     *   L^glass    = frozen_below(L^liquid, Tg)
     * for every binary and ternary function. Above Tg the glass is the
     * liquid; below, the excess over the crystal reference keeps the
     * entropy and enthalpy it had at Tg while the vibrational part follows
     * the reference. A magnetic model of the liquid is kept unchanged.
     */
    SolutionPhase
    frozen_liquid(const SolutionPhase                    &liquid,
                  const std::vector<TemperatureFunction> &reference,
                  double                                  Tg);

    /// frozen_liquid() of the database's liquid with element_reference().
    SolutionPhase
    glass_phase(const TdbDatabase              &database,
                const std::string              &liquid_phase,
                const std::vector<std::string> &elements,
                double                          Tg);
  } // namespace thermo
} // namespace vitrum

#endif
