#include <deal.II/base/parameter_handler.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/required_entry.h>
#include <vitrum/base/text.h>
#include <vitrum/kinetics/growth.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/kinetics/nucleation.h>
#include <vitrum/rheology/molding.h>
#include <vitrum/thermo/tdb.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vitrum
{
  namespace kinetics
  {
    namespace
    {
      using dealii::ParameterHandler;
      namespace P = dealii::Patterns;
      using base::trim;

      constexpr double avogadro = 6.02214076e23;

      void
      declare(ParameterHandler &prm)
      {
        prm.declare_entry("Name", "", P::Anything(), "Name of the glass.");
        prm.declare_entry("Elements",
                          "",
                          P::Anything(),
                          "Without a thermodynamic file: element symbols, "
                          "comma separated, in which compositions are given "
                          "(needed by a 'Composition variable').");
        prm.declare_entry("Thermodynamic material file",
                          "",
                          P::Anything(),
                          "Partitioning material file with the glass and "
                          "crystal phases (empty: Thompson-Spaepen).");
        prm.declare_entry("Crystallization enthalpy",
                          "",
                          base::OptionalDouble(0, 1e3),
                          "Heat released by crystallization (kJ/mol), for "
                          "simulated DSC traces.");
        prm.declare_entry("Molar volume",
                          "0",
                          P::Double(0, 100),
                          "Molar volume of the glass (cm^3/mol); 0 = that of "
                          "the thermodynamic file (required without one).");

        prm.enter_subsection("Driving force");
        prm.declare_entry("Model",
                          "database",
                          P::Selection("database|Thompson-Spaepen"),
                          "database: parallel tangent against the "
                          "competitors; Thompson-Spaepen: dH_f dT/T_l "
                          "2T/(T_l+T).");
        prm.declare_entry("Competitors",
                          "crystal",
                          P::Anything(),
                          "Solution phases that compete with the glass, "
                          "comma separated: 'crystal' (the thermodynamic "
                          "file's crystal phase) or, when that file uses a "
                          "TDB, any substitutional phase of it (FCC_A1, "
                          "BCC_A2, HCP_A3, ...).");
        prm.declare_entry("Database compounds",
                          "",
                          P::Anything(),
                          "Phases of the thermodynamic file's TDB, comma "
                          "separated, whose end members (one constituent "
                          "per sublattice, all of them elements of the "
                          "file) compete with the glass as compounds of "
                          "fixed composition, e.g. 'LAVES_C15, B2_AB'.");
        prm.declare_entry(
          "Compounds",
          "",
          P::Anything(),
          "Stoichiometric competitors, separated by '|': "
          "'NAME: El at.%, El at.%, ...; a, b' with G = a + b T "
          "in kJ/mol and J/(mol K) on the glass reference.");
        prm.declare_entry("Melting enthalpy",
                          "",
                          base::OptionalDouble(0, 1e3),
                          "Thompson-Spaepen dH_f (kJ/mol).");
        prm.declare_entry("Liquidus temperature",
                          "",
                          base::OptionalDouble(1, 1e4),
                          "Thompson-Spaepen T_l (K).");
        prm.declare_entry("Composition variable",
                          "",
                          P::Anything(),
                          "Thompson-Spaepen with composition: the variable r "
                          "the tables are given against, e.g. 'Ni/(Ni+Pd)' "
                          "(element symbols of 'Elements'); empty = the "
                          "constants above.");
        prm.declare_entry("Liquidus temperature table",
                          "",
                          P::Anything(),
                          "T_l(r) as 'r: K, r: K, ...', linear in between, "
                          "constant beyond the ends; empty = 'Liquidus "
                          "temperature'.");
        prm.declare_entry("Melting enthalpy table",
                          "",
                          P::Anything(),
                          "dH_f(r) as 'r: kJ/mol, ...', likewise; empty = "
                          "'Melting enthalpy'.");
        prm.leave_subsection();

        prm.enter_subsection("Nucleation");
        prm.declare_entry("Model",
                          "classical",
                          P::Selection("classical|Arrhenius"),
                          "classical: I = n D/a^2 exp(-f W*/kT); Arrhenius: "
                          "I = I0 exp(-Q/RT) (analytic checks).");
        prm.declare_entry("Interface energy",
                          "",
                          base::OptionalDouble(1e-4, 10),
                          "Glass/crystal interface energy sigma (J/m^2).");
        prm.declare_entry("Site fraction",
                          "",
                          base::OptionalDouble(0),
                          "Homogeneous sites per atom (times the Zeldovich "
                          "factor): n = fraction N_A / V_m.");
        prm.declare_entry("Interface site fraction",
                          "",
                          base::OptionalDouble(0),
                          "Heterogeneous sites per interface atom: n_s = "
                          "fraction (N_A / V_m)^(2/3).");
        prm.declare_entry("Contact angle",
                          "",
                          base::OptionalDouble(0, 180),
                          "Wetting angle of a nucleus on an interface "
                          "(degrees); 180 = no help from interfaces.");
        prm.declare_entry("Arrhenius prefactor",
                          "",
                          base::OptionalDouble(0),
                          "I0 (1/(m^3 s)) of the Arrhenius model.");
        prm.declare_entry("Arrhenius activation energy",
                          "",
                          base::OptionalDouble(0),
                          "Q (kJ/mol) of the Arrhenius model.");
        prm.declare_entry("Arrhenius interface prefactor",
                          "",
                          base::OptionalDouble(0),
                          "I0_s (1/(m^2 s)) of the Arrhenius model at "
                          "crystal/glass interfaces: I_s = I0_s exp(-Q/RT), "
                          "same Q.");
        prm.leave_subsection();

        prm.enter_subsection("Growth");
        prm.declare_entry("Model",
                          "classical",
                          P::Selection("classical|Arrhenius"),
                          "classical: U = D/a (1 - exp(-dg/RT)); Arrhenius: "
                          "U = U0 exp(-Q/RT).");
        prm.declare_entry("Arrhenius prefactor",
                          "",
                          base::OptionalDouble(0),
                          "U0 (m/s) of the Arrhenius model.");
        prm.declare_entry("Arrhenius activation energy",
                          "",
                          base::OptionalDouble(0),
                          "Q (kJ/mol) of the Arrhenius model.");
        prm.leave_subsection();

        prm.enter_subsection("Transport");
        prm.declare_entry("Mechanism",
                          "diffusion",
                          P::Selection("diffusion|viscosity"),
                          "diffusion: D = D0 exp(-Q/RT); viscosity: "
                          "Stokes-Einstein D = kT/(3 pi eta a).");
        prm.declare_entry("Diffusivity prefactor",
                          "",
                          base::OptionalDouble(0),
                          "D0 (m^2/s).");
        prm.declare_entry("Diffusion activation energy",
                          "",
                          base::OptionalDouble(0),
                          "Q (kJ/mol).");
        prm.declare_entry("Jump distance",
                          "",
                          base::OptionalDouble(0.01, 10),
                          "Atomic jump distance and diameter a (nm).");
        prm.declare_entry(
          "Viscosity material file",
          "",
          P::Anything(),
          "Mechanism = viscosity: a molding material file (e.g. "
          "Ni45Pd35P16B4.prm) whose Viscosity subsection is used, so "
          "crystallization and flow share one law; empty = the Viscosity "
          "subsection here. Relative names as for the thermodynamic file.");
        rheology::ViscosityLaw::declare_parameters(prm, true);
        prm.leave_subsection();
      }

      std::string
      find_file(const std::string &name, const std::string &next_to)
      {
        namespace fs          = std::filesystem;
        const fs::path beside = fs::path(next_to).parent_path() / name;
        if (!fs::path(name).is_absolute() && !fs::exists(name)
            && fs::exists(beside))
          return beside.string();
        return base::resolve_data_path(name);
      }


      std::vector<std::string>
      split(const std::string &s, const char c)
      {
        std::vector<std::string> parts;
        std::stringstream        in(s);
        std::string              part;
        while (std::getline(in, part, c))
          parts.push_back(trim(part));
        return parts;
      }

      /// "NAME: Ni 33.3, Zr 66.7; -40, 5" -> Compound.
      Compound
      parse_compound(const std::string      &text,
                     const thermo::Material &material,
                     const std::string      &where)
      {
        const auto        colon = text.find(':'), semicolon = text.find(';');
        const std::string usage
          = where + ": '" + text
            + "' is not 'NAME: El at.%, El at.%, ...; a, b' (G = a + b T in "
              "kJ/mol and J/(mol K))";
        if (colon == std::string::npos || semicolon == std::string::npos
            || semicolon < colon)
          throw InputError(usage);
        Compound c;
        c.name = trim(text.substr(0, colon));
        c.composition.assign(material.n_components(), 0.);
        double sum = 0;
        for (const std::string &item :
             split(text.substr(colon + 1, semicolon - colon - 1), ','))
          {
            std::istringstream in(item);
            std::string        symbol;
            double             value = -1;
            if (!(in >> symbol >> value) || value < 0)
              throw InputError(usage);
            c.composition[material.element_index(symbol)] += value;
            sum += value;
          }
        if (!(sum > 0))
          throw InputError(usage);
        for (double &v : c.composition)
          v /= sum;
        const auto ab = split(text.substr(semicolon + 1), ',');
        if (ab.size() != 2)
          throw InputError(usage);
        try
          {
            c.a = std::stod(ab[0]) * 1e3;
            c.b = std::stod(ab[1]);
          }
        catch (const std::exception &)
          {
            throw InputError(usage);
          }
        return c;
      }

      /// The tables of a composition-dependent Thompson-Spaepen estimate.
      void
      read_composition_dependence(KineticsMaterial  &m,
                                  const std::string &variable,
                                  const std::string &T_l_table,
                                  const std::string &dH_table,
                                  const std::string &filename)
      {
        const std::string where = filename + ": Driving force/";
        if (trim(variable).empty())
          {
            if (!trim(T_l_table).empty() || !trim(dH_table).empty())
              throw InputError(where
                               + "a Liquidus temperature or Melting enthalpy "
                                 "table needs a 'Composition variable'");
            return;
          }
        if (m.driving_force_model
            != KineticsMaterial::DrivingForceModel::thompson_spaepen)
          throw InputError(where
                           + "Composition variable: only with Model = "
                             "Thompson-Spaepen (a database has its own "
                             "composition dependence)");
        if (m.elements.empty())
          throw InputError(filename
                           + ": Composition variable needs 'Elements'");
        m.composition_variable
          = CompositionRatio::parse(variable,
                                    m.elements,
                                    where + "Composition variable");
        m.liquidus_table
          = PiecewiseLinear::parse(T_l_table,
                                   1.,
                                   where + "Liquidus temperature table");
        m.melting_enthalpy_table
          = PiecewiseLinear::parse(dH_table,
                                   1e3,
                                   where + "Melting enthalpy table");
        for (const double T : m.liquidus_table.y)
          if (!(T > 0))
            throw InputError(where
                             + "Liquidus temperature table: T_l must be > 0 K");
        for (const double h : m.melting_enthalpy_table.y)
          if (!(h >= 0))
            throw InputError(where
                             + "Melting enthalpy table: dH_f must be >= 0");
      }

      /// Whether a classical nucleation or growth law needs the driving
      /// force (with Arrhenius laws for both it is never computed). Called
      /// inside subsection Driving force.
      bool
      uses_driving_force(ParameterHandler &prm)
      {
        prm.leave_subsection();
        bool classical = false;
        for (const std::string section : {"Nucleation", "Growth"})
          {
            prm.enter_subsection(section);
            classical = classical || prm.get("Model") == "classical";
            prm.leave_subsection();
          }
        prm.enter_subsection("Driving force");
        return classical;
      }

      /// TDB names are upper case: "Co" -> "CO".
      std::string
      upper(std::string name)
      {
        for (char &c : name)
          c = std::toupper(static_cast<unsigned char>(c));
        return name;
      }

      std::vector<std::string>
      upper(const std::vector<std::string> &names)
      {
        std::vector<std::string> result;
        for (const std::string &n : names)
          result.push_back(upper(n));
        return result;
      }

      /// A solution competitor by name: the file's crystal, or a
      /// substitutional phase of its database.
      thermo::SolutionPhase
      solution_competitor(const thermo::Material &material,
                          const std::string      &name,
                          const std::string      &filename)
      {
        if (name == "crystal")
          return material.crystal;
        if (!material.database)
          throw InputError(filename + ": Driving force/Competitors: '" + name
                           + "' needs a thermodynamic file with a TDB (the "
                             "file's own phases are 'crystal')");
        try
          {
            return thermo::substitutional_phase(*material.database,
                                                upper(name),
                                                upper(material.elements));
          }
        catch (const InputError &e)
          {
            throw InputError(filename
                             + ": Driving force/Competitors: " + e.what());
          }
      }

      /**
       * Every end member of a TDB phase (a G parameter with one element
       * or VA per sublattice) made of the material's elements, as a
       * compound of fixed composition on the database's reference.
       */
      std::vector<Compound>
      end_member_compounds(const thermo::Material &material,
                           const std::string      &phase_name,
                           const std::string      &filename)
      {
        const std::string where
          = filename + ": Driving force/Database compounds: ";
        if (!material.database)
          throw InputError(where + "the thermodynamic file has no TDB");
        const auto  elements = upper(material.elements);
        const auto &db       = *material.database;
        const auto  phase    = upper(phase_name);
        try
          {
            db.phase(phase); // names the known phases if unknown
          }
        catch (const InputError &e)
          {
            throw InputError(where + e.what());
          }
        std::vector<Compound> result;
        for (const thermo::TdbParameter &p : db.parameters)
          {
            if (p.type != "G" || p.phase != phase || p.order != 0)
              continue;
            std::vector<std::string> end_member;
            bool                     usable = true, has_element = false;
            for (const auto &sublattice : p.constituents)
              {
                if (sublattice.size() != 1)
                  usable = false;
                else if (sublattice[0] == "VA")
                  end_member.push_back("VA");
                else if (std::find(elements.begin(),
                                   elements.end(),
                                   sublattice[0])
                         == elements.end())
                  usable = false;
                else
                  {
                    end_member.push_back(sublattice[0]);
                    has_element = true;
                  }
              }
            if (!usable || !has_element)
              continue;
            const auto energy
              = thermo::compound_gibbs_energy(db, phase, end_member, elements);
            Compound    c;
            std::string label = phase;
            for (const std::string &e : end_member)
              label += ":" + e;
            c.name        = label;
            c.composition = energy.composition;
            c.function    = energy.gibbs_energy;
            result.push_back(c);
          }
        if (result.empty())
          throw InputError(where + "phase " + phase
                           + " has no end member made of the elements "
                           + "of the thermodynamic file");
        return result;
      }

    } // namespace


    KineticsMaterial
    KineticsMaterial::read(const std::string &filename)
    {
      if (!std::ifstream(filename))
        throw InputError("cannot open kinetics material file '" + filename
                         + "'");
      ParameterHandler prm;
      declare(prm);
      try
        {
          prm.parse_input(filename, "", false, false);
        }
      catch (const dealii::ExceptionBase &e)
        {
          std::ostringstream info;
          e.print_info(info);
          throw InputError("kinetics material file " + filename + ": "
                           + base::one_line(info.str()));
        }

      // Entries a chosen model needs are required: no physical defaults.
      const auto number
        = [&](const std::string &entry, const std::string &section) {
            return base::required_double(
              prm,
              entry,
              filename + ": " + (section.empty() ? "" : section + "/"));
          };
      KineticsMaterial m;
      m.name                     = prm.get("Name");
      m.crystallization_enthalpy = number("Crystallization enthalpy", "") * 1e3;
      m.molar_volume             = prm.get_double("Molar volume") * 1e-6;
      const std::string thermo_file = prm.get("Thermodynamic material file");

      prm.enter_subsection("Driving force");
      m.driving_force_model                = prm.get("Model") == "database"
                                               ? DrivingForceModel::database
                                               : DrivingForceModel::thompson_spaepen;
      const std::string competitors        = prm.get("Competitors");
      const std::string compounds          = prm.get("Compounds");
      const std::string database_compounds = prm.get("Database compounds");
      const std::string variable           = prm.get("Composition variable");
      const std::string T_l_table = prm.get("Liquidus temperature table");
      const std::string dH_table  = prm.get("Melting enthalpy table");
      if (m.driving_force_model == DrivingForceModel::thompson_spaepen
          && uses_driving_force(prm))
        {
          if (trim(dH_table).empty())
            m.melting_enthalpy
              = number("Melting enthalpy", "Driving force") * 1e3;
          if (trim(T_l_table).empty())
            m.liquidus_temperature
              = number("Liquidus temperature", "Driving force");
        }
      prm.leave_subsection();
      m.elements = split(prm.get("Elements"), ',');
      m.elements.erase(std::remove(m.elements.begin(), m.elements.end(), ""),
                       m.elements.end());

      if (m.driving_force_model == DrivingForceModel::database)
        {
          if (thermo_file.empty())
            throw InputError(filename
                             + ": Driving force/Model = database needs a "
                               "'Thermodynamic material file'");
          m.thermo = std::make_shared<const thermo::Material>(
            thermo::Material::read(find_file(thermo_file, filename)));
          if (!m.thermo->has_crystal)
            throw InputError(filename
                             + ": Driving force/Thermodynamic "
                               "material file '"
                             + thermo_file
                             + "' describes a glass only (Phases = glass); "
                               "the driving force needs the crystal too");
          m.elements = m.thermo->elements;
          if (m.molar_volume == 0)
            m.molar_volume = m.thermo->molar_volume;
          for (const std::string &c : split(competitors, ','))
            if (!c.empty())
              {
                m.solution_competitors.push_back(c);
                m.competitor_phases.push_back(
                  solution_competitor(*m.thermo, c, filename));
              }
          for (const std::string &phase : split(database_compounds, ','))
            if (!phase.empty())
              for (Compound &c :
                   end_member_compounds(*m.thermo, phase, filename))
                m.compounds.push_back(std::move(c));
          for (const std::string &c : split(compounds, '|'))
            if (!c.empty())
              m.compounds.push_back(
                parse_compound(c,
                               *m.thermo,
                               filename + ": Driving force/Compounds"));
          if (m.solution_competitors.empty() && m.compounds.empty())
            throw InputError(filename
                             + ": Driving force: no Competitors and no "
                               "Compounds; at least one crystal is needed");
        }

      read_composition_dependence(m, variable, T_l_table, dH_table, filename);

      if (!(m.molar_volume > 0))
        throw InputError(filename
                         + ": Molar volume must be > 0 without a "
                           "thermodynamic material file");

      prm.enter_subsection("Nucleation");
      m.arrhenius_nucleation = prm.get("Model") == "Arrhenius";
      if (m.arrhenius_nucleation)
        {
          m.nucleation_prefactor = number("Arrhenius prefactor", "Nucleation");
          m.nucleation_energy
            = number("Arrhenius activation energy", "Nucleation") * 1e3;
          m.interface_nucleation_prefactor
            = number("Arrhenius interface prefactor", "Nucleation");
        }
      else
        {
          const double n_v    = avogadro / m.molar_volume;
          m.interface_energy  = number("Interface energy", "Nucleation");
          m.homogeneous_sites = number("Site fraction", "Nucleation") * n_v;
          m.heterogeneous_sites
            = number("Interface site fraction", "Nucleation")
              * std::pow(n_v, 2. / 3);
          m.contact_angle = number("Contact angle", "Nucleation") * M_PI / 180;
        }
      prm.leave_subsection();

      prm.enter_subsection("Growth");
      m.arrhenius_growth = prm.get("Model") == "Arrhenius";
      if (m.arrhenius_growth)
        {
          m.growth_prefactor = number("Arrhenius prefactor", "Growth");
          m.growth_energy
            = number("Arrhenius activation energy", "Growth") * 1e3;
        }
      prm.leave_subsection();

      prm.enter_subsection("Transport");
      m.viscous_transport  = prm.get("Mechanism") == "viscosity";
      const bool classical = !m.arrhenius_nucleation || !m.arrhenius_growth;
      if (classical && !m.viscous_transport)
        {
          m.diffusion.D0 = number("Diffusivity prefactor", "Transport");
          m.diffusion.Q
            = number("Diffusion activation energy", "Transport") * 1e3;
        }
      if (classical)
        m.jump_distance = number("Jump distance", "Transport") * 1e-9;
      const std::string viscosity_file = prm.get("Viscosity material file");
      if (m.viscous_transport && viscosity_file.empty())
        try
          {
            m.viscosity = rheology::ViscosityLaw::parse(prm);
          }
        catch (const InputError &e)
          {
            throw InputError(filename + ": Transport/" + e.what());
          }
      else if (m.viscous_transport)
        try
          {
            m.viscosity = rheology::MoldingMaterial::read(
                            find_file(viscosity_file, filename))
                            .viscosity;
          }
        catch (const InputError &e)
          {
            throw InputError(
              filename + ": Transport/Viscosity material file: " + e.what());
          }
      prm.leave_subsection();
      return m;
    }


    std::vector<std::string>
    KineticsMaterial::competitor_names() const
    {
      if (driving_force_model == DrivingForceModel::thompson_spaepen)
        return {"crystal (Thompson-Spaepen)"};
      std::vector<std::string> names = solution_competitors;
      for (const Compound &c : compounds)
        names.push_back(c.name);
      return names;
    }


    std::vector<DrivingForce>
    KineticsMaterial::driving_forces(const std::vector<double> &x,
                                     const double               T) const
    {
      if (driving_force_model == DrivingForceModel::thompson_spaepen)
        {
          DrivingForce df;
          df.value
            = thompson_spaepen(melting_enthalpy_at(x), liquidus_at(x), T);
          df.nucleus = x;
          return {df};
        }
      if (x.size() != thermo->n_components())
        throw InputError(
          "kinetics: the glass composition has " + std::to_string(x.size())
          + " fractions, the "
            "thermodynamic file "
          + std::to_string(thermo->n_components()) + " elements");
      std::vector<DrivingForce> forces;
      for (const thermo::SolutionPhase &phase : competitor_phases)
        forces.push_back(parallel_tangent(thermo->glass, phase, x, T));
      for (const Compound &c : compounds)
        forces.push_back(compound_driving_force(thermo->glass, c, x, T));
      return forces;
    }


    double
    KineticsMaterial::liquidus_at(const std::vector<double> &x) const
    {
      return tabulated(liquidus_table, liquidus_temperature, x);
    }


    double
    KineticsMaterial::melting_enthalpy_at(const std::vector<double> &x) const
    {
      return tabulated(melting_enthalpy_table, melting_enthalpy, x);
    }


    double
    KineticsMaterial::tabulated(const PiecewiseLinear     &table,
                                const double               constant,
                                const std::vector<double> &x) const
    {
      if (table.empty())
        return constant;
      check_size(x);
      return table.value(composition_variable.value(x));
    }


    void
    KineticsMaterial::check_size(const std::vector<double> &x) const
    {
      if (x.size() != elements.size())
        throw InputError("kinetics file " + name
                         + ": the glass composition has "
                         + std::to_string(x.size()) + " fractions, the file "
                         + std::to_string(elements.size()) + " elements");
    }


    double
    KineticsMaterial::diffusivity(const double T) const
    {
      if (viscous_transport)
        return stokes_einstein_diffusivity(T,
                                           viscosity.newtonian(T),
                                           jump_distance);
      return diffusion.diffusivity(T);
    }


    Rates
    KineticsMaterial::rates(const std::vector<double> &x, const double T) const
    {
      Rates        r;
      const double RT = thermo::gas_constant * T;
      if (arrhenius_nucleation && arrhenius_growth)
        {
          r.homogeneous
            = nucleation_prefactor * std::exp(-nucleation_energy / RT);
          r.heterogeneous = interface_nucleation_prefactor
                            * std::exp(-nucleation_energy / RT);
          r.growth = growth_prefactor * std::exp(-growth_energy / RT);
          return r;
        }
      const auto forces = driving_forces(x, T);
      for (unsigned int c = 0; c < forces.size(); ++c)
        if (r.competitor < 0 || forces[c].value > r.driving_force)
          {
            r.driving_force = forces[c].value;
            r.competitor    = c;
            r.nucleus       = forces[c].nucleus;
          }
      r.diffusivity      = diffusivity(T);
      const double dg_v  = r.driving_force / molar_volume;
      const double f_het = contact_angle_factor(contact_angle);
      if (arrhenius_nucleation)
        {
          r.homogeneous
            = nucleation_prefactor * std::exp(-nucleation_energy / RT);
          r.heterogeneous = interface_nucleation_prefactor
                            * std::exp(-nucleation_energy / RT);
        }
      else
        {
          r.homogeneous   = classical_nucleation_rate(homogeneous_sites,
                                                    r.diffusivity,
                                                    jump_distance,
                                                    interface_energy,
                                                    dg_v,
                                                    1.,
                                                    T);
          r.heterogeneous = classical_nucleation_rate(heterogeneous_sites,
                                                      r.diffusivity,
                                                      jump_distance,
                                                      interface_energy,
                                                      dg_v,
                                                      f_het,
                                                      T);
        }
      r.growth
        = arrhenius_growth
            ? growth_prefactor * std::exp(-growth_energy / RT)
            : growth_rate(r.diffusivity, jump_distance, r.driving_force, T);
      return r;
    }

  } // namespace kinetics
} // namespace vitrum
