#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/required_entry.h>
#include <vitrum/rheology/molding.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>

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
        // Material data: no defaults, every number is required.
        using base::OptionalDouble;
        using dealii::Patterns::Anything;
        prm.declare_entry("Name", "", Anything(), "Alloy name.");
        prm.declare_entry("Elements",
                          "",
                          Anything(),
                          "Element symbols, comma separated.");
        prm.declare_entry("Composition",
                          "",
                          Anything(),
                          "Feedstock composition 'El: at.%, ...' over the "
                          "elements (adding up to 100).");
        prm.declare_entry("Atomic volume",
                          "",
                          OptionalDouble(0.),
                          "Omega (cubic angstrom per atom).");
        prm.declare_entry(
          "Glass transition temperature",
          "",
          OptionalDouble(0.),
          "Calorimetric Tg (K); the viscosity's relaxation time "
          "is given at this temperature.");
        ViscosityLaw::declare_parameters(prm);
        prm.enter_subsection("Shear thinning");
        prm.declare_entry("Activation volume",
                          "",
                          OptionalDouble(0.),
                          "Eyring activation volume V (nm^3): "
                          "tau0 = k_B T / V.");
        prm.leave_subsection();
        prm.enter_subsection("Interface diffusion");
        prm.declare_entry("Wall layer thickness",
                          "",
                          OptionalDouble(0.),
                          "delta (nm) of the fast-transport layer along "
                          "the mold wall.");
        prm.declare_entry("Prefactors",
                          "",
                          Anything(),
                          "D_I0 of each element 'El: value, ...' (m^2/s).");
        prm.declare_entry("Activation energy",
                          "",
                          OptionalDouble(0.),
                          "Q_I (eV per atom), shared by all elements.");
        prm.leave_subsection();
        prm.enter_subsection("Capillarity");
        prm.declare_entry("Surface tension",
                          "",
                          OptionalDouble(0.),
                          "gamma of the liquid against the mold (J/m^2).");
        prm.declare_entry("Contact angle",
                          "",
                          OptionalDouble(0., 180.),
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
      dealii::ParameterHandler prm;
      declare_material_entries(prm);
      base::parse_input_file(prm, filename, "Material file");
      const std::string where = "Material file '" + filename + "': ";

      const auto number
        = [&](const std::string &section, const std::string &entry) {
            return base::required_double(
              prm,
              entry,
              where + (section.empty() ? "" : section + "/"));
          };
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
      if (std::abs(sum - 100) > 0.5)
        {
          char text[96];
          std::snprintf(text,
                        sizeof(text),
                        "Composition: the at.%% add up to %g, not 100",
                        sum);
          throw InputError(where + text);
        }
      for (double &x : m.composition)
        x /= sum;
      m.atomic_volume = number("", "Atomic volume") * 1e-30;
      if (!(m.atomic_volume > 0))
        throw InputError(where + "'Atomic volume' must be > 0 A^3");
      m.glass_transition = number("", "Glass transition temperature");
      try
        {
          m.viscosity = ViscosityLaw::parse(prm, m.glass_transition);
        }
      catch (const InputError &e)
        {
          throw InputError(where + e.what());
        }
      prm.enter_subsection("Shear thinning");
      m.activation_volume
        = number("Shear thinning", "Activation volume") * 1e-27;
      prm.leave_subsection();
      prm.enter_subsection("Interface diffusion");
      m.wall_layer
        = number("Interface diffusion", "Wall layer thickness") * 1e-9;
      m.wall_prefactors = parse_element_values(prm.get("Prefactors"),
                                               m.elements,
                                               where + "Prefactors");
      m.wall_activation
        = number("Interface diffusion", "Activation energy") * electron_volt;
      prm.leave_subsection();
      prm.enter_subsection("Capillarity");
      m.surface_tension = number("Capillarity", "Surface tension");
      m.contact_angle   = number("Capillarity", "Contact angle") * pi / 180.;
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


      double
      mean_curvature_of_revolution(const double df_dr,
                                   const double d2f_dr2,
                                   const double r)
      {
        const double g2       = 1 + df_dr * df_dr;
        const double meridian = d2f_dr2 / std::pow(g2, 1.5);
        // the hoop term's limit on the axis, where f' = 0: f''(0)
        const double hoop = r > 0 ? df_dr / (r * std::sqrt(g2)) : d2f_dr2;
        return meridian + hoop;
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


    WireComposition::WireComposition(std::vector<double> feedstock,
                                     const unsigned int  n)
        : feedstock(std::move(feedstock))
        , tubes(std::max(1u, n))
        , lengths(std::max(1u, n), 0.)
    {
    }


    double
    WireComposition::tube_speed(const unsigned int i) const
    {
      const double N = tubes.size();
      return 2. * (1. - (2. * i + 1.) / (2. * N));
    }


    void
    WireComposition::reset(const double L0)
    {
      for (unsigned int i = 0; i < tubes.size(); ++i)
        {
          tubes[i].clear();
          lengths[i] = 0;
          if (L0 > 0)
            push_top(i, {L0, feedstock, 0., 0.});
        }
    }


    void
    WireComposition::push_top(const unsigned int i, const Slice &slice)
    {
      auto &tube = tubes[i];
      if (!tube.empty() && tube.back().x == slice.x
          && tube.back().born == slice.born
          && tube.back().entered == slice.entered)
        tube.back().thickness += slice.thickness;
      else
        tube.push_back(slice);
      lengths[i] += slice.thickness;
    }


    void
    WireComposition::add(const double               viscous_length,
                         const std::vector<double> &tip_lengths,
                         const double               time)
    {
      const unsigned int N = tubes.size();
      const double       tip
        = std::accumulate(tip_lengths.begin(), tip_lengths.end(), 0.);
      const double L_new = length() + std::max(0., viscous_length) + tip;
      // what reaches the front: the wall deposit plus what the fast tubes
      // carry beyond it (volumes per cross-section area, per element)
      std::vector<double> pool    = tip_lengths;
      double              volume  = tip;
      double              born    = tip > 0 ? time : 0.;
      double              entered = tip > 0 ? time : 0.;
      for (unsigned int i = 0; i < N; ++i)
        {
          auto        &tube = tubes[i];
          const double s    = tube_speed(i) * viscous_length;
          if (s > 0)
            {
              tube.push_front({s, feedstock, 0., time});
              lengths[i] += s;
            }
          for (double excess = lengths[i] - L_new; excess > 0 && !tube.empty();)
            {
              Slice       &top  = tube.back();
              const double take = std::min(excess, top.thickness);
              for (unsigned int k = 0; k < pool.size(); ++k)
                pool[k] += take / N * top.x[k];
              volume += take / N;
              if (!(tip > 0))
                {
                  born    = std::max(born, top.born);
                  entered = std::max(entered, top.entered);
                }
              top.thickness -= take;
              lengths[i] -= take;
              excess -= take;
              if (top.thickness <= 1e-15 * L_new)
                tube.pop_back();
            }
        }
      if (!(volume > 0))
        return;
      std::vector<double> x(pool.size());
      for (unsigned int k = 0; k < x.size(); ++k)
        x[k] = pool[k] / volume;
      for (unsigned int i = 0; i < N; ++i)
        if (L_new - lengths[i] > 1e-15 * L_new)
          push_top(i, {L_new - lengths[i], x, born, entered});
    }


    double
    WireComposition::length() const
    {
      return *std::max_element(lengths.begin(), lengths.end());
    }


    std::vector<WireComposition::Segment>
    WireComposition::segments() const
    {
      std::vector<Segment> list;
      for (unsigned int i = 0; i < tubes.size(); ++i)
        {
          double z = 0;
          for (const auto &s : tubes[i])
            {
              list.push_back({i, z, s.thickness, s.born, s.entered, s.x});
              z += s.thickness;
            }
        }
      return list;
    }


    std::vector<WireComposition::CrossSection>
    WireComposition::cross_sections() const
    {
      const auto          segs = segments();
      const double        L    = length();
      std::vector<double> cuts = {0., L};
      for (const auto &s : segs)
        if (s.bottom > 0)
          cuts.push_back(s.bottom);
      std::sort(cuts.begin(), cuts.end());
      std::vector<double> z = {cuts[0]};
      for (const double c : cuts)
        if (c > z.back() + 1e-12 * L)
          z.push_back(c);
      z.back() = L;

      // first segment index of each tube
      std::vector<unsigned int> first(tubes.size() + 1, 0);
      for (unsigned int i = 0; i < tubes.size(); ++i)
        first[i + 1] = first[i] + tubes[i].size();
      std::vector<unsigned int> at(first.begin(), first.end() - 1);
      std::vector<CrossSection> list;
      for (unsigned int j = 0; j + 1 < z.size(); ++j)
        {
          const double mid = 0.5 * (z[j] + z[j + 1]);
          CrossSection c{z[j], z[j + 1], {}};
          for (unsigned int i = 0; i < tubes.size(); ++i)
            {
              while (at[i] + 1 < first[i + 1]
                     && segs[at[i]].bottom + segs[at[i]].thickness < mid)
                ++at[i];
              c.segment.push_back(at[i]);
            }
          list.push_back(c);
        }
      return list;
    }


    std::vector<double>
    WireComposition::composition_at(const double z) const
    {
      std::vector<double> mean(feedstock.size(), 0.);
      for (const auto &tube : tubes)
        {
          double                     bottom = 0;
          const std::vector<double> *x      = &feedstock;
          for (const auto &s : tube)
            {
              x = &s.x;
              if (z < bottom + s.thickness)
                break;
              bottom += s.thickness;
            }
          for (unsigned int k = 0; k < mean.size(); ++k)
            mean[k] += (*x)[k] / tubes.size();
        }
      return mean;
    }


    namespace
    {
      void
      write_hex(std::string &text, const double value)
      {
        char buffer[40];
        std::snprintf(buffer, sizeof(buffer), " %a", value);
        text += buffer;
      }


      /// Reads the numbers of a serialized wire, in order.
      class HexReader
      {
      public:
        explicit HexReader(const std::string &text)
            : in(text)
        {
        }

        double
        number()
        {
          std::string token;
          if (!(in >> token))
            fail("it ends early");
          char        *end   = nullptr;
          const double value = std::strtod(token.c_str(), &end);
          if (end != token.c_str() + token.size())
            fail("'" + token + "' is not a number");
          return value;
        }

        /// A count (of tubes, slices, elements) below `limit`.
        std::size_t
        count(const double limit)
        {
          const double n = number();
          if (!(n >= 0 && n < limit && n == std::floor(n)))
            fail("a count is " + std::to_string(n));
          return static_cast<std::size_t>(n);
        }

        void
        finish()
        {
          std::string token;
          if (in >> token)
            fail("it goes on after the last tube");
        }

      private:
        std::istringstream in;

        [[noreturn]] static void
        fail(const std::string &why)
        {
          throw InputError("the wire composition of the checkpoint cannot "
                           "be read: "
                           + why);
        }
      };
    } // namespace


    std::string
    WireComposition::serialize() const
    {
      // elements, feedstock; tubes; per tube its length and slices, each
      // thickness, born, entered and composition
      std::string text = "wire";
      write_hex(text, feedstock.size());
      for (const double x : feedstock)
        write_hex(text, x);
      write_hex(text, tubes.size());
      for (unsigned int i = 0; i < tubes.size(); ++i)
        {
          write_hex(text, lengths[i]);
          write_hex(text, tubes[i].size());
          for (const Slice &s : tubes[i])
            {
              write_hex(text, s.thickness);
              write_hex(text, s.born);
              write_hex(text, s.entered);
              for (const double x : s.x)
                write_hex(text, x);
            }
        }
      return text;
    }


    void
    WireComposition::deserialize(const std::string &text)
    {
      if (text.rfind("wire ", 0) != 0)
        throw InputError("the wire composition of the checkpoint cannot be "
                         "read: it does not start with 'wire'");
      HexReader           in(text.substr(5));
      const std::size_t   K = in.count(1e3);
      std::vector<double> new_feedstock(K);
      for (double &x : new_feedstock)
        x = in.number();
      const std::size_t              N = in.count(1e6);
      std::vector<std::deque<Slice>> new_tubes(N);
      std::vector<double>            new_lengths(N);
      for (std::size_t i = 0; i < N; ++i)
        {
          new_lengths[i]             = in.number();
          const std::size_t n_slices = in.count(1e9);
          for (std::size_t j = 0; j < n_slices; ++j)
            {
              Slice s;
              s.thickness = in.number();
              s.born      = in.number();
              s.entered   = in.number();
              s.x.resize(K);
              for (double &x : s.x)
                x = in.number();
              new_tubes[i].push_back(s);
            }
        }
      in.finish();
      if (N == 0)
        throw InputError("the wire composition of the checkpoint cannot be "
                         "read: it has no tube");
      feedstock = std::move(new_feedstock);
      tubes     = std::move(new_tubes);
      lengths   = std::move(new_lengths);
    }


    std::vector<double>
    WireComposition::mean_composition() const
    {
      std::vector<double> mean(feedstock.size(), 0.);
      double              volume = 0;
      for (const auto &tube : tubes)
        for (const auto &s : tube)
          {
            volume += s.thickness;
            for (unsigned int k = 0; k < mean.size(); ++k)
              mean[k] += s.thickness * s.x[k];
          }
      if (!(volume > 0))
        return feedstock;
      for (double &m : mean)
        m /= volume;
      return mean;
    }
  } // namespace rheology
} // namespace vitrum
