#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/patterns.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/text.h>
#include <vitrum/thermo/material.h>
#include <vitrum/thermo/tdb.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

namespace vitrum
{
  namespace thermo
  {
    namespace
    {
      using dealii::ParameterHandler;
      namespace Patterns = dealii::Patterns;
      using base::format_number;
      using base::trim;

      // ------------------------------------------------------------------
      // Parsing of the composite values ("a, b", "D0, Q", Redlich–Kister).
      // ------------------------------------------------------------------


      std::vector<std::string>
      split(const std::string &s, const char separator)
      {
        std::vector<std::string> parts;
        std::string              part;
        std::istringstream       in(s);
        while (std::getline(in, part, separator))
          parts.push_back(trim(part));
        if (!s.empty() && s.back() == separator)
          parts.push_back("");
        return parts;
      }


      /// A finite number occupying all of s (after trimming).
      bool
      parse_number(const std::string &s, double &value)
      {
        const std::string t = trim(s);
        if (t.empty())
          return false;
        char *end = nullptr;
        errno     = 0;
        value     = std::strtod(t.c_str(), &end);
        return errno == 0 && end == t.c_str() + t.size()
               && std::isfinite(value);
      }


      /// A number or a sum/difference of numbers, e.g. "-16.137 + 25".
      bool
      parse_sum(const std::string &s, double &value)
      {
        const std::string t = trim(s);
        const char       *p = t.c_str();
        const char *const e = p + t.size();
        value               = 0;
        double sign         = 1;
        while (true)
          {
            while (p < e && (*p == ' ' || *p == '\t'))
              ++p;
            char *end = nullptr;
            errno     = 0;
            double x  = std::strtod(p, &end);
            if (end == p || errno != 0 || !std::isfinite(x))
              return false;
            value += sign * x;
            p = end;
            while (p < e && (*p == ' ' || *p == '\t'))
              ++p;
            if (p == e)
              return std::isfinite(value);
            if (*p != '+' && *p != '-')
              return false;
            sign = (*p == '+' ? 1. : -1.);
            ++p;
          }
      }


      /// "a, b" with a possibly a sum of numbers.
      bool
      parse_linear(const std::string &s, double &a, double &b)
      {
        const auto parts = split(s, ',');
        return parts.size() == 2 && parse_sum(parts[0], a)
               && parse_number(parts[1], b);
      }


      /// "a0, b0; a1, b1; ..." (orders k = 0, 1, ...).
      bool
      parse_redlich_kister(const std::string   &s,
                           std::vector<double> &a,
                           std::vector<double> &b)
      {
        a.clear();
        b.clear();
        for (const std::string &term : split(s, ';'))
          {
            double ak, bk;
            if (!parse_linear(term, ak, bk))
              return false;
            a.push_back(ak);
            b.push_back(bk);
          }
        return !a.empty();
      }


      // ------------------------------------------------------------------
      // Patterns: each entry's allowed values, checked by deal.II while it
      // parses and shown after "expected" in error messages.
      // ------------------------------------------------------------------

      class CheckedPattern : public Patterns::PatternBase
      {
      public:
        CheckedPattern(std::function<bool(const std::string &)> check,
                       std::string                              text)
            : check(std::move(check))
            , text(std::move(text))
        {
        }

        bool
        match(const std::string &value) const override
        {
          return check(trim(value));
        }

        std::string
        description(const OutputStyle) const override
        {
          return text;
        }

        std::unique_ptr<Patterns::PatternBase>
        clone() const override
        {
          return std::make_unique<CheckedPattern>(check, text);
        }

      private:
        std::function<bool(const std::string &)> check;
        std::string                              text;
      };


      constexpr double       max_energy_kJ = 1000; // |a| of G0 and L, kJ/mol
      constexpr double       max_entropy   = 1000; // |b|, J/(mol K)
      constexpr double       max_D0        = 1e3;  // m^2/s
      constexpr double       max_Q_kJ      = 2000; // kJ/mol
      constexpr double       max_mixing_kJ = 500;  // |dH_mix|, kJ/mol
      constexpr unsigned int max_orders    = 10;   // Redlich–Kister orders

      CheckedPattern
      number_pattern(const double       lower,
                     const bool         lower_open,
                     const double       upper,
                     const std::string &unit)
      {
        std::ostringstream text;
        text << "a number " << (lower_open ? "> " : ">= ") << lower
             << " and <= " << upper << " (" << unit << ")";
        // Empty is "not set": declared so, and reported by required_number
        // when read, since a material file has no physical defaults.
        return CheckedPattern(
          [=](const std::string &s) {
            double v;
            return s.empty()
                   || (parse_number(s, v)
                       && (lower_open ? v > lower : v >= lower) && v <= upper);
          },
          text.str());
      }


      bool
      valid_symbol(const std::string &s)
      {
        static const std::regex symbol("[A-Za-z][A-Za-z0-9_]*");
        return std::regex_match(s, symbol);
      }


      CheckedPattern
      element_list_pattern()
      {
        return CheckedPattern(
          [](const std::string &s) {
            if (s.empty())
              return true;
            for (const std::string &e : split(s, ','))
              if (!valid_symbol(e))
                return false;
            return true;
          },
          "a comma-separated list of at least two element symbols (letters, "
          "digits, '_'), each listed once; the last one is the dependent "
          "component");
      }


      const std::string lattice_text
        = "'a, b' meaning G0(crystal) - G0(glass) = a + b T, with |a| <= 1000 "
          "(kJ/mol; a may be written as a sum of numbers such as "
          "'-16.137 + 25') and |b| <= 1000 (J/(mol K))";

      CheckedPattern
      lattice_pattern()
      {
        return CheckedPattern(
          [](const std::string &s) {
            double a, b;
            return s.empty()
                   || (parse_linear(s, a, b) && std::abs(a) <= max_energy_kJ
                       && std::abs(b) <= max_entropy);
          },
          lattice_text);
      }


      const std::string interaction_text
        = "empty (then L0 = 4 dH_mix from subsection Mixing enthalpy) or "
          "Redlich-Kister terms 'a0, b0; a1, b1; ...' meaning "
          "L_k = a_k + b_k T for k = 0, 1, ... (at most 10), with "
          "|a_k| <= 1000 (kJ/mol) and |b_k| <= 1000 (J/(mol K))";

      CheckedPattern
      interaction_pattern()
      {
        return CheckedPattern(
          [](const std::string &s) {
            if (s.empty())
              return true;
            std::vector<double> a, b;
            if (!parse_redlich_kister(s, a, b) || a.size() > max_orders)
              return false;
            for (unsigned int k = 0; k < a.size(); ++k)
              if (std::abs(a[k]) > max_energy_kJ
                  || std::abs(b[k]) > max_entropy)
                return false;
            return true;
          },
          interaction_text);
      }


      const std::string diffusion_text
        = "'D0, Q' meaning D* = D0 exp(-Q/RT), with 0 < D0 <= 1000 (m^2/s) "
          "and 0 <= Q <= 2000 (kJ/mol)";

      bool
      parse_arrhenius(const std::string &s, double &D0, double &Q)
      {
        const auto parts = split(s, ',');
        return parts.size() == 2 && parse_number(parts[0], D0)
               && parse_number(parts[1], Q) && D0 > 0 && D0 <= max_D0 && Q >= 0
               && Q <= max_Q_kJ;
      }

      CheckedPattern
      diffusion_pattern()
      {
        return CheckedPattern(
          [](const std::string &s) {
            double D0, Q;
            return s.empty() || parse_arrhenius(s, D0, Q);
          },
          diffusion_text);
      }


      CheckedPattern
      mixing_pattern()
      {
        return CheckedPattern(
          [](const std::string &s) {
            double v;
            return s.empty()
                   || (parse_number(s, v) && std::abs(v) <= max_mixing_kJ);
          },
          "empty or a number in [-500, 500] (kJ/mol)");
      }


      // ------------------------------------------------------------------
      // Where an entry is in the file, for messages.
      // ------------------------------------------------------------------

      /// One line of a parameter file as deal.II reads it.
      struct FileLine
      {
        unsigned int number = 0;
        std::string  text;    ///< the line as written, trimmed
        std::string  section; ///< "Crystal/Diffusion", "" at top level
        std::string  name;    ///< entry name of a "set" line
        std::string  value;   ///< its value, comment removed
      };


      std::string
      without_comment(const std::string &line)
      {
        for (std::size_t i = 0; i < line.size(); ++i)
          if (line[i] == '#' && (i == 0 || line[i - 1] != '\\'))
            return line.substr(0, i);
        return line;
      }


      std::string
      collapse_spaces(const std::string &s)
      {
        return base::one_line(s);
      }


      /// All lines of the file with their subsection path.
      std::vector<FileLine>
      scan_file(const std::string &filename)
      {
        std::vector<FileLine>    lines;
        std::vector<std::string> path;
        std::ifstream            in(filename);
        std::string              raw;
        while (std::getline(in, raw))
          {
            FileLine line;
            line.number = lines.size() + 1;
            line.text   = collapse_spaces(raw);
            for (unsigned int i = 0; i < path.size(); ++i)
              line.section += (i ? "/" : "") + path[i];
            const std::string code = collapse_spaces(without_comment(raw));
            if (code.rfind("subsection ", 0) == 0)
              path.push_back(trim(code.substr(11)));
            else if ((code == "end" || code == "END") && !path.empty())
              path.pop_back();
            else if (code.rfind("set ", 0) == 0)
              {
                const auto eq = code.find('=');
                line.name     = trim(code.substr(4, eq - 4));
                if (eq != std::string::npos)
                  line.value = trim(code.substr(eq + 1));
              }
            lines.push_back(line);
          }
        return lines;
      }


      std::string
      where(const std::string &section, const std::string &name)
      {
        return (section.empty() ? "" : "subsection " + section + ", ")
               + "entry '" + name + "'";
      }


      std::string
      joined(const std::vector<std::string> &list)
      {
        std::string s;
        for (const std::string &e : list)
          s += (s.empty() ? "" : ", ") + e;
        return s;
      }


      bool
      ends_with(const std::string &s, const std::string &suffix)
      {
        return s.size() >= suffix.size()
               && s.compare(s.size() - suffix.size(), suffix.size(), suffix)
                    == 0;
      }


      /**
       * Parse the file into prm, turning a deal.II exception into one
       * InputError line that says which file, line, subsection and entry,
       * and what is allowed.
       */
      void
      parse(ParameterHandler               &prm,
            const std::string              &filename,
            const bool                      skip_undefined,
            const std::vector<std::string> &elements)
      {
        try
          {
            prm.parse_input(filename, "", skip_undefined, false);
          }
        catch (const dealii::ExceptionBase &e)
          {
            std::ostringstream info;
            e.print_info(info);
            const std::string text = base::one_line(info.str());

            std::smatch      match;
            const std::regex location("^Line <([0-9]+)> of file <");
            if (!std::regex_search(text, match, location))
              throw InputError(filename + ": " + text);
            const unsigned int number = std::stoul(match[1].str());
            // The rest after "of file <FILENAME>:" (deal.II sometimes
            // omits the closing '>').
            std::string rest = match.suffix().str();
            if (rest.rfind(filename, 0) == 0)
              rest = rest.substr(filename.size());
            rest = trim(rest.substr(rest.find(':') + 1));

            const auto lines = scan_file(filename);
            FileLine   line;
            if (number >= 1 && number <= lines.size())
              line = lines[number - 1];
            const std::string head
              = filename + ", line " + std::to_string(number) + ": ";

            const std::string pattern_marker = "does not match the given "
                                               "pattern:";
            const auto        p              = rest.find(pattern_marker);
            if (p != std::string::npos && !line.name.empty())
              throw InputError(head + where(line.section, line.name) + " = '"
                               + line.value + "': expected "
                               + trim(rest.substr(p + pattern_marker.size())));

            if (rest.find("No entry with name") != std::string::npos
                && !line.name.empty())
              {
                std::string hint;
                if (line.section == "Mixing enthalpy"
                    || ends_with(line.section, "/Interaction"))
                  hint = "; pairs are named 'A-B' with A listed before B in "
                         "Elements = "
                         + joined(elements);
                else if (ends_with(line.section, "/Lattice stability")
                         || ends_with(line.section, "/Diffusion"))
                  hint = "; the entries are the elements " + joined(elements);
                throw InputError(head + where(line.section, line.name)
                                 + " is unknown" + hint);
              }
            throw InputError(filename + ", line " + std::to_string(number)
                             + " (\"" + line.text + "\"): " + rest);
          }
      }


      /// The line of entry `name` in `section`, or 0 if it is not set.
      unsigned int
      line_of(const std::string &filename,
              const std::string &section,
              const std::string &name)
      {
        for (const FileLine &line : scan_file(filename))
          if (line.section == section && line.name == name)
            return line.number;
        return 0;
      }


      [[noreturn]] void
      entry_error(const std::string &filename,
                  const std::string &section,
                  const std::string &name,
                  const std::string &what)
      {
        const unsigned int number = line_of(filename, section, name);
        throw InputError(filename
                         + (number ? ", line " + std::to_string(number) : "")
                         + ": " + where(section, name) + " " + what);
      }


      std::string
      pair_name(const std::vector<std::string> &elements,
                const unsigned int              i,
                const unsigned int              j)
      {
        return elements[i] + "-" + elements[j];
      }


      // ------------------------------------------------------------------
      // Declarations.
      // ------------------------------------------------------------------

      void
      declare_header(ParameterHandler &prm)
      {
        prm.declare_entry("Name",
                          "",
                          Patterns::Anything(),
                          "Name of the alloy system (default: the file name "
                          "without directory and extension).");
        prm.declare_entry(
          "Elements",
          "",
          element_list_pattern(),
          "Element symbols, comma-separated. The last one is the dependent "
          "component: the model solves for the others and uses diffusion "
          "potentials against it, so it should be present in every phase. "
          "Pairs in the subsections below are named 'A-B' in this order.");
        prm.declare_entry(
          "Phases",
          "crystal, glass",
          Patterns::Selection("crystal, glass|glass"),
          "The phases the file describes: 'crystal, glass' (every model), "
          "or 'glass' for a glass-only system (Model = deposition): then "
          "the subsections Crystal and Interface are not read and must not "
          "be set.");
      }


      void
      declare_phase(ParameterHandler               &prm,
                    const std::vector<std::string> &elements,
                    const bool                      crystal)
      {
        const unsigned int K = elements.size();
        if (crystal)
          {
            prm.enter_subsection("Lattice stability");
            for (const std::string &e : elements)
              prm.declare_entry(e,
                                "",
                                lattice_pattern(),
                                "G0(crystal) - G0(glass) of pure " + e
                                  + " = a + b T, written 'a, b' in kJ/mol and "
                                    "J/(mol K). Required.");
            prm.leave_subsection();
          }
        prm.enter_subsection("Interaction");
        for (unsigned int i = 0; i < K; ++i)
          for (unsigned int j = i + 1; j < K; ++j)
            prm.declare_entry(
              pair_name(elements, i, j),
              "",
              interaction_pattern(),
              "Redlich-Kister parameters of the pair in this phase, "
              "L_ij = sum_k (a_k + b_k T) (x_"
                + elements[i] + " - x_" + elements[j]
                + ")^k, written 'a0, b0; a1, b1; ...' in kJ/mol and J/(mol K). "
                  "Empty: L0 = 4 dH_mix from subsection Mixing enthalpy.");
        prm.leave_subsection();
        prm.enter_subsection("Diffusion");
        for (const std::string &e : elements)
          prm.declare_entry(e,
                            "",
                            diffusion_pattern(),
                            "Tracer diffusion of " + e
                              + " in this phase, D* = D0 exp(-Q/RT), written "
                                "'D0, Q' in m^2/s and kJ/mol. Required.");
        prm.leave_subsection();
      }


      /// "Co: 6.67, Ni: 6.59, ..." (cm^3/mol, every element once) -> m^3/mol
      /// in the material's order; "" -> empty.
      double
      required_number(ParameterHandler  &prm,
                      const std::string &filename,
                      const std::string &section,
                      const std::string &name);


      std::vector<double>
      read_element_values(const std::string &text,
                          const std::string &filename,
                          const std::string &section,
                          const std::string &entry,
                          const Material    &m,
                          const double       lower,
                          const double       upper,
                          const std::string &unit,
                          const std::string &symbol)
      {
        const auto fail = [&](const std::string &what) {
          entry_error(filename, section, entry, what);
        };
        std::vector<double> v(m.n_components(), 0.0);
        std::vector<bool>   given(m.n_components(), false);
        for (const auto &item : dealii::Utilities::split_string_list(text, ','))
          {
            const auto parts = dealii::Utilities::split_string_list(item, ':');
            char      *end   = nullptr;
            const double value
              = parts.size() == 2 ? std::strtod(parts[1].c_str(), &end) : -1;
            if (parts.size() != 2 || end == parts[1].c_str() || *end != '\0'
                || !(value > lower && value <= upper))
              fail("'" + item + "' is not 'Element: " + symbol + "' with "
                   + format_number(lower) + " < " + symbol
                   + " <= " + format_number(upper) + " " + unit);
            const auto it
              = std::find(m.elements.begin(), m.elements.end(), parts[0]);
            if (it == m.elements.end())
              fail("element '" + parts[0] + "' is not in Elements");
            const auto index = it - m.elements.begin();
            if (given[index])
              fail("element '" + parts[0] + "' is given twice");
            given[index] = true;
            v[index]     = value;
          }
        for (unsigned int i = 0; i < v.size(); ++i)
          if (!given[i])
            fail("no value for " + m.elements[i] + ": give every element");
        return v;
      }


      std::vector<double>
      read_element_volumes(const std::string &text,
                           const std::string &filename,
                           const Material    &m)
      {
        if (trim(text).empty())
          return {};
        std::vector<double> v = read_element_values(text,
                                                    filename,
                                                    "",
                                                    "Element molar volumes",
                                                    m,
                                                    1,
                                                    50,
                                                    "cm^3/mol",
                                                    "V");
        for (double &value : v)
          value *= 1e-6;
        return v;
      }


      /**
       * The optional subsection Surface: the free surface of the glass
       * (Model = deposition). Not set at all: absent; partly set: an error
       * naming the missing entry.
       */
      Material::Surface
      read_surface(ParameterHandler  &prm,
                   const std::string &filename,
                   const Material    &m)
      {
        Material::Surface surface;
        prm.enter_subsection("Surface");
        const std::string energy = trim(prm.get("Energy"));
        const bool        any    = !energy.empty()
                         || !trim(prm.get("Diffusivity")).empty()
                         || !trim(prm.get("Layer thickness")).empty();
        if (any)
          {
            if (energy.empty())
              entry_error(filename, "Surface", "Energy", "is not set");
            surface.given  = true;
            surface.energy = read_element_values(energy,
                                                 filename,
                                                 "Surface",
                                                 "Energy",
                                                 m,
                                                 -10,
                                                 10,
                                                 "J/m^2",
                                                 "gamma");
            surface.diffusivity
              = required_number(prm, filename, "Surface", "Diffusivity");
            surface.layer_thickness
              = required_number(prm, filename, "Surface", "Layer thickness")
                * 1e-9;
          }
        prm.leave_subsection();
        return surface;
      }


      void
      declare_all(ParameterHandler &prm, const std::vector<std::string> &el)
      {
        declare_header(prm);
        prm.declare_entry("Molar volume",
                          "",
                          number_pattern(1, false, 50, "cm^3/mol"),
                          "Molar volume V_m in cm^3/mol, one value for all "
                          "elements and phases. Required.");
        prm.declare_entry("Element molar volumes",
                          "",
                          Patterns::Anything(),
                          "Optional: 'Element: cm^3/mol, ...' for every "
                          "element. Then lengths of the partitioning model "
                          "are reported with V(x) = sum x_i V_i (Vegard) "
                          "on a coordinate that counts sites of V_m; empty: "
                          "every element has V_m.");
        prm.declare_entry("Gradient energy",
                          "",
                          number_pattern(0, true, 1e-6, "J/m"),
                          "Gradient energy coefficient kappa of each "
                          "independent mole fraction in J/m. Required.");

        prm.enter_subsection("Interface");
        prm.declare_entry("Energy",
                          "",
                          number_pattern(0, true, 10, "J/m^2"),
                          "Crystal/glass interface energy sigma in J/m^2. "
                          "Required.");
        prm.declare_entry("Width",
                          "",
                          number_pattern(0, true, 1000, "nm"),
                          "Interface width parameter lambda in nm, of the "
                          "profile phi = (1 + tanh(z / (2 lambda))) / 2. "
                          "Required.");
        prm.declare_entry("Mobility prefactor",
                          "",
                          number_pattern(0, true, 1e10, "m^4/(J s)"),
                          "Prefactor m0 of the interface mobility "
                          "m = m0 exp(-Q/RT), v = m dG (dG per volume), in "
                          "m^4/(J s). Required.");
        prm.declare_entry("Mobility activation energy",
                          "",
                          number_pattern(0, false, max_Q_kJ, "kJ/mol"),
                          "Activation energy Q of the interface mobility in "
                          "kJ/mol. Required.");
        prm.leave_subsection();

        prm.enter_subsection("Surface");
        prm.declare_entry("Energy",
                          "",
                          Patterns::Anything(),
                          "Surface energy of the glass per element, "
                          "'Element: J/m^2, ...' for every element: gamma(x) "
                          "= sum_i gamma_i x_i on a free surface. Optional "
                          "(Model = deposition needs the subsection).");
        prm.declare_entry("Diffusivity",
                          "",
                          number_pattern(0, true, 1e-3, "m^2/s"),
                          "Diffusivity D_s of every element in the mobile "
                          "surface layer, in m^2/s.");
        prm.declare_entry("Layer thickness",
                          "",
                          number_pattern(0, true, 100, "nm"),
                          "Thickness delta_s of the mobile surface layer in "
                          "nm.");
        prm.leave_subsection();

        prm.enter_subsection("Thermodynamic database");
        prm.declare_entry("File",
                          "",
                          Patterns::Anything(),
                          "A TDB file (Thermo-Calc / pycalphad format) "
                          "giving both phases: relative names are looked up "
                          "next to this file. Empty: the phases are given "
                          "by subsections Mixing enthalpy, Crystal and Glass "
                          "here.");
        prm.declare_entry("Crystal phase",
                          "",
                          Patterns::Anything(),
                          "The database's substitutional phase of the "
                          "crystal layer, e.g. FCC_A1 or HCP_A3.");
        prm.declare_entry("Glass phase",
                          "",
                          Patterns::Anything(),
                          "The database's liquid, whose undercooled state "
                          "is the glass, e.g. LIQUID.");
        prm.declare_entry("Glass transition temperature",
                          "",
                          number_pattern(1, false, 5000, "K"),
                          "Tg in K: below it the glass keeps the "
                          "configurational enthalpy and entropy the liquid "
                          "has at Tg (its vibrational part follows the "
                          "elements' stable crystals). Required with a "
                          "database.");
        prm.leave_subsection();

        prm.enter_subsection("Mixing enthalpy");
        for (unsigned int i = 0; i < el.size(); ++i)
          for (unsigned int j = i + 1; j < el.size(); ++j)
            prm.declare_entry(pair_name(el, i, j),
                              "",
                              mixing_pattern(),
                              "Equiatomic mixing enthalpy dH_mix of the pair "
                              "(Miedema) in kJ/mol; gives L0 = 4 dH_mix in "
                              "any phase without an Interaction entry for "
                              "the pair.");
        prm.leave_subsection();

        prm.enter_subsection("Crystal");
        declare_phase(prm, el, true);
        prm.leave_subsection();
        prm.enter_subsection("Glass");
        declare_phase(prm, el, false);
        prm.leave_subsection();
      }


      /// A number entry the file must set: material data has no defaults.
      double
      required_number(ParameterHandler  &prm,
                      const std::string &filename,
                      const std::string &section,
                      const std::string &name)
      {
        const std::string text = trim(prm.get(name));
        double            value;
        if (text.empty() || !parse_number(text, value))
          entry_error(filename,
                      section,
                      name,
                      "is not set: material files have no defaults, every "
                      "entry is required");
        return value;
      }


      std::vector<Interaction>
      read_interactions(ParameterHandler               &prm,
                        const std::string              &filename,
                        const std::vector<std::string> &elements,
                        const std::vector<std::string> &mixing,
                        const std::string              &phase)
      {
        const unsigned int       K = elements.size();
        std::vector<Interaction> result;
        prm.enter_subsection("Interaction");
        for (unsigned int i = 0, p = 0; i < K; ++i)
          for (unsigned int j = i + 1; j < K; ++j, ++p)
            {
              const std::string name = pair_name(elements, i, j);
              const std::string text = trim(prm.get(name));
              Interaction       pair;
              pair.i = i;
              pair.j = j;
              if (!text.empty())
                {
                  if (!parse_redlich_kister(text, pair.a, pair.b))
                    entry_error(filename,
                                phase + "/Interaction",
                                name,
                                "= '" + text + "': expected "
                                  + interaction_text);
                  for (double &a : pair.a)
                    a *= 1e3; // kJ/mol -> J/mol
                }
              else
                {
                  double dH;
                  if (!parse_number(mixing[p], dH))
                    entry_error(filename,
                                "Mixing enthalpy",
                                name,
                                "is not set, and the pair has no entry in "
                                "subsection "
                                  + phase
                                  + "/Interaction either: give the "
                                    "mixing enthalpy in kJ/mol or "
                                    "Redlich-Kister parameters");
                  pair.a = {4. * dH * 1e3};
                  pair.b = {0.};
                }
              result.push_back(pair);
            }
        prm.leave_subsection();
        return result;
      }


      std::vector<Arrhenius>
      read_diffusion(ParameterHandler               &prm,
                     const std::string              &filename,
                     const std::vector<std::string> &elements,
                     const std::string              &phase)
      {
        std::vector<Arrhenius> result;
        prm.enter_subsection("Diffusion");
        for (const std::string &e : elements)
          {
            const std::string text = trim(prm.get(e));
            Arrhenius         d;
            if (!parse_arrhenius(text, d.D0, d.Q))
              entry_error(filename,
                          phase + "/Diffusion",
                          e,
                          (text.empty() ? "is not set" : "= '" + text + "'")
                            + ": expected " + diffusion_text);
            d.Q *= 1e3; // kJ/mol -> J/mol
            result.push_back(d);
          }
        prm.leave_subsection();
        return result;
      }


      void
      read_diffusion_of_both_phases(ParameterHandler  &prm,
                                    const std::string &filename,
                                    Material          &m)
      {
        prm.enter_subsection("Crystal");
        m.crystal_diffusion
          = read_diffusion(prm, filename, m.elements, "Crystal");
        prm.leave_subsection();
        prm.enter_subsection("Glass");
        m.glass_diffusion = read_diffusion(prm, filename, m.elements, "Glass");
        prm.leave_subsection();
      }


      /// Every entry of `section` (recursively) that the file set.
      std::vector<std::string>
      entries_set(ParameterHandler               &prm,
                  const std::string              &section,
                  const std::vector<std::string> &names)
      {
        std::vector<std::string> set;
        for (const std::string &name : names)
          if (!trim(prm.get(name)).empty())
            set.push_back(section + "/" + name);
        return set;
      }


      /// The texts of subsection Mixing enthalpy, one per pair i < j.
      std::vector<std::string>
      mixing_enthalpies(ParameterHandler &prm, const Material &m)
      {
        const unsigned int       K = m.n_components();
        std::vector<std::string> mixing;
        prm.enter_subsection("Mixing enthalpy");
        for (unsigned int i = 0; i < K; ++i)
          for (unsigned int j = i + 1; j < K; ++j)
            mixing.push_back(trim(prm.get(pair_name(m.elements, i, j))));
        prm.leave_subsection();
        return mixing;
      }


      /**
       * A glass-only file (Phases = glass): the glass's interactions (from
       * the mixing enthalpies and Glass/Interaction) and diffusion. The
       * crystal and the interface do not exist; a file that sets any of
       * their entries is refused, so that no number is silently ignored.
       */
      Material
      read_glass_only(ParameterHandler  &prm,
                      const std::string &filename,
                      Material           m)
      {
        const unsigned int       K = m.n_components();
        std::vector<std::string> stray;
        prm.enter_subsection("Interface");
        for (const auto &e : entries_set(prm,
                                         "Interface",
                                         {"Energy",
                                          "Width",
                                          "Mobility prefactor",
                                          "Mobility activation energy"}))
          stray.push_back(e);
        prm.leave_subsection();
        prm.enter_subsection("Crystal");
        prm.enter_subsection("Lattice stability");
        for (const auto &e :
             entries_set(prm, "Crystal/Lattice stability", m.elements))
          stray.push_back(e);
        prm.leave_subsection();
        prm.enter_subsection("Diffusion");
        for (const auto &e : entries_set(prm, "Crystal/Diffusion", m.elements))
          stray.push_back(e);
        prm.leave_subsection();
        prm.leave_subsection();
        if (!stray.empty())
          throw InputError(filename + ": Phases = glass, but " + stray[0]
                           + " is set; a glass-only file has no crystal or "
                             "interface entries (remove them, or set Phases "
                             "= crystal, glass)");

        const std::vector<std::string> mixing = mixing_enthalpies(prm, m);
        prm.enter_subsection("Glass");
        m.glass = SolutionPhase(
          std::vector<double>(K, 0.),
          std::vector<double>(K, 0.),
          read_interactions(prm, filename, m.elements, mixing, "Glass"));
        m.glass_diffusion = read_diffusion(prm, filename, m.elements, "Glass");
        prm.leave_subsection();
        return m;
      }


      /// TDB names are upper case: "Co" -> "CO".
      std::vector<std::string>
      upper_case(const std::vector<std::string> &names)
      {
        std::vector<std::string> result;
        for (std::string n : names)
          {
            for (char &c : n)
              c = std::toupper(static_cast<unsigned char>(c));
            result.push_back(n);
          }
        return result;
      }


      /// Crystal and glass from the TDB named in subsection Thermodynamic
      /// database (prm is inside it).
      void
      read_database_phases(ParameterHandler  &prm,
                           const std::string &filename,
                           const std::string &tdb_file,
                           Material          &m)
      {
        const std::string section = "Thermodynamic database";
        const auto        name    = [&](const std::string &entry) {
          const std::string value = trim(prm.get(entry));
          if (value.empty())
            entry_error(filename,
                        section,
                        entry,
                        "is not set: a database needs the names of its "
                                  "crystal and glass phases");
          return upper_case({value})[0];
        };
        m.crystal_phase_name           = name("Crystal phase");
        m.glass_phase_name             = name("Glass phase");
        m.glass_transition_temperature = required_number(prm,
                                                         filename,
                                                         section,
                                                         "Glass transition "
                                                         "temperature");
        namespace fs                   = std::filesystem;
        const fs::path tdb             = fs::path(tdb_file).is_absolute()
                                           ? fs::path(tdb_file)
                                           : fs::path(filename).parent_path() / tdb_file;
        try
          {
            m.database
              = std::make_shared<const TdbDatabase>(read_tdb(tdb.string()));
            const auto elements = upper_case(m.elements);
            m.crystal           = substitutional_phase(*m.database,
                                             m.crystal_phase_name,
                                             elements);
            m.glass             = glass_phase(*m.database,
                                  m.glass_phase_name,
                                  elements,
                                  m.glass_transition_temperature);
          }
        catch (const InputError &e)
          {
            throw InputError(filename + ": " + section + "/File: " + e.what());
          }
      }


      /**
       * With a database, the estimates of the file-only description
       * (mixing enthalpies, lattice stabilities, interactions) must be
       * empty: two sources for one number would leave it unclear which
       * one the run used.
       */
      void
      refuse_estimates_beside_database(ParameterHandler               &prm,
                                       const std::string              &filename,
                                       const std::vector<std::string> &el)
      {
        const auto refuse = [&](const std::string &section,
                                const std::string &entry) {
          if (!trim(prm.get(entry)).empty())
            entry_error(filename,
                        section,
                        entry,
                        "is set, but the phases come from the Thermodynamic "
                        "database: remove it (or the database)");
        };
        std::vector<std::string> pairs;
        for (unsigned int i = 0; i < el.size(); ++i)
          for (unsigned int j = i + 1; j < el.size(); ++j)
            pairs.push_back(pair_name(el, i, j));
        prm.enter_subsection("Mixing enthalpy");
        for (const std::string &p : pairs)
          refuse("Mixing enthalpy", p);
        prm.leave_subsection();
        for (const std::string phase : {"Crystal", "Glass"})
          {
            prm.enter_subsection(phase);
            prm.enter_subsection("Interaction");
            for (const std::string &p : pairs)
              refuse(std::string(phase) + "/Interaction", p);
            prm.leave_subsection();
            if (std::string(phase) == "Crystal")
              {
                prm.enter_subsection("Lattice stability");
                for (const std::string &e : el)
                  refuse("Crystal/Lattice stability", e);
                prm.leave_subsection();
              }
            prm.leave_subsection();
          }
      }
    } // namespace


    unsigned int
    Material::element_index(const std::string &symbol) const
    {
      for (unsigned int i = 0; i < elements.size(); ++i)
        if (elements[i] == symbol)
          return i;
      throw InputError("material '" + name + "' has no element '" + symbol
                       + "' (its elements: " + joined(elements) + ")");
    }


    std::vector<double>
    Material::crystal_mobilities(const double T) const
    {
      std::vector<double> M;
      for (const Arrhenius &d : crystal_diffusion)
        M.push_back(d.mobility(T));
      return M;
    }


    std::vector<double>
    Material::glass_mobilities(const double T) const
    {
      std::vector<double> M;
      for (const Arrhenius &d : glass_diffusion)
        M.push_back(d.mobility(T));
      return M;
    }


    Material
    Material::read(const std::string &filename)
    {
      if (!std::ifstream(filename))
        throw InputError("cannot open material file '" + filename
                         + "': no such file or not readable");

      // Pass 1: the name and the element list, which the other entries
      // depend on.
      Material m;
      {
        ParameterHandler prm;
        declare_header(prm);
        parse(prm, filename, true, {});
        m.name        = trim(prm.get("Name"));
        m.has_crystal = prm.get("Phases") != "glass";
        for (const std::string &e : split(trim(prm.get("Elements")), ','))
          if (!e.empty())
            m.elements.push_back(e);
      }
      if (m.name.empty())
        {
          const auto slash = filename.find_last_of('/');
          m.name = filename.substr(slash == std::string::npos ? 0 : slash + 1);
          const auto dot = m.name.find_last_of('.');
          if (dot != std::string::npos && dot > 0)
            m.name = m.name.substr(0, dot);
        }
      const std::string elements_text = joined(m.elements);
      if (m.elements.size() < 2)
        entry_error(filename,
                    "",
                    "Elements",
                    "= '" + elements_text
                      + "': expected at least two element symbols");
      {
        std::set<std::string> seen;
        for (const std::string &e : m.elements)
          if (!seen.insert(e).second)
            entry_error(filename,
                        "",
                        "Elements",
                        "= '" + elements_text + "': element '" + e
                          + "' is listed twice");
      }

      // Pass 2: everything, strictly.
      ParameterHandler prm;
      declare_all(prm, m.elements);
      parse(prm, filename, false, m.elements);

      const unsigned int K = m.n_components();
      const auto         number
        = [&](const std::string &section, const std::string &entry) {
            return required_number(prm, filename, section, entry);
          };
      m.molar_volume    = number("", "Molar volume") * 1e-6;
      m.gradient_energy = number("", "Gradient energy");
      m.element_molar_volumes
        = read_element_volumes(prm.get("Element molar volumes"), filename, m);
      m.surface = read_surface(prm, filename, m);

      if (!m.has_crystal)
        return read_glass_only(prm, filename, m);

      prm.enter_subsection("Interface");
      m.interface_energy      = number("Interface", "Energy");
      m.interface_width       = number("Interface", "Width") * 1e-9;
      m.interface_mobility.D0 = number("Interface", "Mobility prefactor");
      m.interface_mobility.Q
        = number("Interface", "Mobility activation energy") * 1e3;
      prm.leave_subsection();

      prm.enter_subsection("Thermodynamic database");
      const std::string tdb_file = trim(prm.get("File"));
      if (!tdb_file.empty())
        {
          read_database_phases(prm, filename, tdb_file, m);
          prm.leave_subsection();
          refuse_estimates_beside_database(prm, filename, m.elements);
          read_diffusion_of_both_phases(prm, filename, m);
          return m;
        }
      prm.leave_subsection();

      const std::vector<std::string> mixing = mixing_enthalpies(prm, m);

      {
        prm.enter_subsection("Crystal");
        std::vector<double> a(K), b(K);
        prm.enter_subsection("Lattice stability");
        for (unsigned int i = 0; i < K; ++i)
          {
            const std::string text = trim(prm.get(m.elements[i]));
            if (!parse_linear(text, a[i], b[i]))
              entry_error(filename,
                          "Crystal/Lattice stability",
                          m.elements[i],
                          (text.empty() ? "is not set" : "= '" + text + "'")
                            + ": expected " + lattice_text);
            a[i] *= 1e3; // kJ/mol -> J/mol
          }
        prm.leave_subsection();
        m.crystal = SolutionPhase(
          a,
          b,
          read_interactions(prm, filename, m.elements, mixing, "Crystal"));
        prm.leave_subsection();
      }
      {
        prm.enter_subsection("Glass");
        m.glass = SolutionPhase(
          std::vector<double>(K, 0.),
          std::vector<double>(K, 0.),
          read_interactions(prm, filename, m.elements, mixing, "Glass"));
        prm.leave_subsection();
      }
      read_diffusion_of_both_phases(prm, filename, m);
      return m;
    }


    std::vector<double>
    parse_composition(const std::string &text,
                      const std::string &entry,
                      const Material    &material)
    {
      std::vector<double> x(material.n_components(), 0.0);
      for (const auto &item : dealii::Utilities::split_string_list(text, ','))
        {
          const auto parts = dealii::Utilities::split_string_list(item, ':');
          double     value = -1;
          if (parts.size() == 2)
            {
              char *end = nullptr;
              value     = std::strtod(parts[1].c_str(), &end);
              if (end == parts[1].c_str() || *end != '\0')
                value = -1;
            }
          if (parts.size() != 2 || value < 0 || value > 100)
            throw InputError(entry + ": '" + item
                             + "' is not 'Element: at.%' with 0 <= at.% "
                               "<= 100");
          unsigned int index;
          try
            {
              index = material.element_index(parts[0]);
            }
          catch (const InputError &)
            {
              throw InputError(entry + ": element '" + parts[0]
                               + "' is not in the material file");
            }
          x[index] = value;
        }
      double sum = 0;
      for (const double v : x)
        sum += v;
      if (std::abs(sum - 100) > 0.5)
        throw InputError(entry + ": the at.% add up to " + std::to_string(sum)
                         + ", not 100");
      for (double &v : x)
        v /= sum;
      return x;
    }
  } // namespace thermo
} // namespace vitrum
