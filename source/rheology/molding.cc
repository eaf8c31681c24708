#include <vitrum/base/exceptions.h>
#include <vitrum/rheology/molding.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

namespace vitrum
{
  namespace rheology
  {
    namespace
    {
      constexpr double pi = 3.14159265358979323846;

      void
      declare_material_entries(dealii::ParameterHandler &prm)
      {
        using namespace dealii::Patterns;
        prm.declare_entry("Name", "", Anything(), "Alloy name.");
        prm.declare_entry("Elements",
                          "",
                          Anything(),
                          "Element symbols, comma separated.");
        prm.declare_entry("Composition",
                          "",
                          Anything(),
                          "Feedstock composition 'El: at.%, ...' over the "
                          "elements (normalized to 100).");
        prm.declare_entry("Atomic volume",
                          "0",
                          Double(0.),
                          "Omega (cubic angstrom per atom).");
        prm.declare_entry("Glass transition temperature",
                          "0",
                          Double(0.),
                          "Calorimetric Tg (K), reported only.");
        ViscosityLaw::declare_parameters(prm);
        prm.enter_subsection("Shear thinning");
        prm.declare_entry("Activation volume",
                          "0.2",
                          Double(0.),
                          "Eyring activation volume V (nm^3): "
                          "tau0 = k_B T / V.");
        prm.leave_subsection();
        prm.enter_subsection("Interface diffusion");
        prm.declare_entry("Wall layer thickness",
                          "1",
                          Double(0.),
                          "delta (nm) of the fast-transport layer along "
                          "the mold wall.");
        prm.declare_entry("Prefactors",
                          "",
                          Anything(),
                          "D_I0 of each element 'El: value, ...' (m^2/s).");
        prm.declare_entry("Activation energy",
                          "1.58",
                          Double(0.),
                          "Q_I (eV per atom), shared by all elements.");
        prm.leave_subsection();
        prm.enter_subsection("Capillarity");
        prm.declare_entry("Surface tension",
                          "1",
                          Double(0.),
                          "gamma of the liquid against the mold (J/m^2).");
        prm.declare_entry("Contact angle",
                          "90",
                          Double(0., 180.),
                          "theta on the mold wall (degrees).");
        prm.leave_subsection();
      }

      /// "Ni: 45, Pd: 35" -> values in element order; missing ones are 0.
      std::vector<double>
      parse_element_values(const std::string              &text,
                           const std::vector<std::string> &elements,
                           const std::string              &entry)
      {
        std::vector<double> values(elements.size(), 0.);
        for (const auto &item : dealii::Utilities::split_string_list(text))
          {
            const auto parts = dealii::Utilities::split_string_list(item, ':');
            char      *end   = nullptr;
            double     value = -1;
            if (parts.size() == 2)
              {
                value = std::strtod(parts[1].c_str(), &end);
                if (end == parts[1].c_str() || *end != '\0')
                  value = -1;
              }
            if (value < 0)
              throw InputError(entry + ": '" + item
                               + "' is not 'Element: value' with value >= 0");
            const auto it
              = std::find(elements.begin(), elements.end(), parts[0]);
            if (it == elements.end())
              throw InputError(entry + ": element '" + parts[0]
                               + "' is not in 'Elements'");
            values[it - elements.begin()] = value;
          }
        return values;
      }
    } // namespace


    double
    MoldingMaterial::interface_diffusivity(const unsigned int k,
                                           const double       T) const
    {
      return wall_prefactors[k]
             * std::exp(-wall_activation / (boltzmann_constant * T));
    }


    double
    MoldingMaterial::mean_interface_diffusivity(const double T) const
    {
      double D = 0;
      for (unsigned int k = 0; k < elements.size(); ++k)
        D += composition[k] * interface_diffusivity(k, T);
      return D;
    }


    MoldingMaterial
    MoldingMaterial::read(const std::string &filename)
    {
      std::ifstream in(filename);
      if (!in)
        throw InputError("Material file '" + filename + "' cannot be read");
      dealii::ParameterHandler prm;
      declare_material_entries(prm);
      try
        {
          prm.parse_input(in, filename);
        }
      catch (const std::exception &e)
        {
          throw InputError("Material file '" + filename + "': " + e.what());
        }
      const std::string where = "Material file '" + filename + "': ";

      MoldingMaterial m;
      m.name     = prm.get("Name");
      m.elements = dealii::Utilities::split_string_list(prm.get("Elements"));
      if (m.elements.empty())
        throw InputError(where + "Elements: no element given");
      m.composition = parse_element_values(prm.get("Composition"),
                                           m.elements,
                                           where + "Composition");
      const double sum
        = std::accumulate(m.composition.begin(), m.composition.end(), 0.);
      if (!(sum > 0))
        throw InputError(where + "Composition: no element has at.% > 0");
      for (double &x : m.composition)
        x /= sum;
      m.atomic_volume = prm.get_double("Atomic volume") * 1e-30;
      if (!(m.atomic_volume > 0))
        throw InputError(where + "'Atomic volume' must be > 0 A^3");
      m.glass_transition = prm.get_double("Glass transition temperature");
      try
        {
          m.viscosity = ViscosityLaw::parse(prm);
        }
      catch (const InputError &e)
        {
          throw InputError(where + e.what());
        }
      prm.enter_subsection("Shear thinning");
      m.activation_volume = prm.get_double("Activation volume") * 1e-27;
      prm.leave_subsection();
      prm.enter_subsection("Interface diffusion");
      m.wall_layer      = prm.get_double("Wall layer thickness") * 1e-9;
      m.wall_prefactors = parse_element_values(prm.get("Prefactors"),
                                               m.elements,
                                               where + "Prefactors");
      m.wall_activation = prm.get_double("Activation energy") * electron_volt;
      prm.leave_subsection();
      prm.enter_subsection("Capillarity");
      m.surface_tension = prm.get_double("Surface tension");
      m.contact_angle   = prm.get_double("Contact angle") * pi / 180.;
      prm.leave_subsection();
      if (!(m.activation_volume > 0))
        throw InputError(where
                         + "Shear thinning/Activation volume must be > 0");
      return m;
    }


    namespace filling
    {
      double
      viscous_coefficient(const double p, const double d, const double eta)
      {
        return p * d * d / (16. * eta);
      }


      double
      diffusive_coefficient(const double p,
                            const double d,
                            const double delta_D,
                            const double omega,
                            const double T)
      {
        return 8. * delta_D * p * omega / (d * boltzmann_constant * T);
      }


      double
      crossover_diameter(const double delta_D,
                         const double omega,
                         const double eta,
                         const double T,
                         const double factor)
      {
        return std::cbrt(factor * delta_D * omega * eta
                         / (boltzmann_constant * T));
      }


      double
      capillary_pressure(const double gamma, const double theta, const double d)
      {
        return 4. * gamma * std::cos(theta) / d;
      }


      std::vector<double>
      wall_volume_rates(const MoldingMaterial &material,
                        const double           d,
                        const double           L,
                        const double           dp,
                        const double           T)
      {
        std::vector<double> Q(material.elements.size());
        const double        drive = pi * d * material.wall_layer
                             * material.atomic_volume * dp
                             / (boltzmann_constant * T * L);
        for (unsigned int k = 0; k < Q.size(); ++k)
          Q[k] = drive * material.interface_diffusivity(k, T)
                 * material.composition[k];
        return Q;
      }
    } // namespace filling


    WireComposition::WireComposition(std::vector<double> feedstock)
        : feedstock(std::move(feedstock))
    {
    }


    void
    WireComposition::reset(const double L0)
    {
      slices.clear();
      if (L0 > 0)
        slices.push_back({L0, feedstock});
    }


    void
    WireComposition::add(const double               viscous_length,
                         const std::vector<double> &tip_lengths)
    {
      if (viscous_length > 0)
        {
          // feedstock entering at the root joins a feedstock root slice
          if (!slices.empty() && slices.front().x == feedstock)
            slices.front().thickness += viscous_length;
          else
            slices.push_front({viscous_length, feedstock});
        }
      const double tip
        = std::accumulate(tip_lengths.begin(), tip_lengths.end(), 0.);
      if (tip > 0)
        {
          std::vector<double> x(tip_lengths.size());
          for (unsigned int k = 0; k < x.size(); ++k)
            x[k] = tip_lengths[k] / tip;
          slices.push_back({tip, x});
        }
    }


    double
    WireComposition::length() const
    {
      double L = 0;
      for (const auto &s : slices)
        L += s.thickness;
      return L;
    }


    std::vector<double>
    WireComposition::composition_at(const double z) const
    {
      double bottom = 0;
      for (const auto &s : slices)
        {
          if (z < bottom + s.thickness)
            return s.x;
          bottom += s.thickness;
        }
      return slices.empty() ? feedstock : slices.back().x;
    }


    std::vector<double>
    WireComposition::mean_composition() const
    {
      std::vector<double> mean(feedstock.size(), 0.);
      const double        L = length();
      if (!(L > 0))
        return feedstock;
      for (const auto &s : slices)
        for (unsigned int k = 0; k < mean.size(); ++k)
          mean[k] += s.thickness * s.x[k] / L;
      return mean;
    }
  } // namespace rheology
} // namespace vitrum
