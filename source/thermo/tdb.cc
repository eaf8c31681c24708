#include <vitrum/base/exceptions.h>
#include <vitrum/thermo/tdb.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace vitrum
{
  namespace thermo
  {
    namespace
    {
      const char *const supported_commands
        = "ELEMENT, SPECIES (single elements), FUNCTION, PHASE, CONSTITUENT, "
          "PARAMETER, TYPE_DEFINITION (SEQ, GES A_P_D <phase> MAGNETIC), "
          "TEMPERATURE_LIMITS, DEFINE_SYSTEM_DEFAULT, DEFAULT_COMMAND, "
          "DATABASE_INFORMATION, REFERENCE(S), REFERENCE_FILE, "
          "LIST_OF_REFERENCES, "
          "ADD_REFERENCES, ASSESSED_SYSTEMS, VERSION_DATE";

      const char *const supported_parameters
        = "G, L, TC, BMAGN (BM); mobility parameters MQ, MF, DQ, DF are "
          "skipped";

      /// A problem inside one command; the reader adds file and line.
      struct CommandError
      {
        std::string message;
      };

      [[noreturn]] void
      fail(const std::string &message)
      {
        throw CommandError{message};
      }


      /// One command: the text up to '!', upper case, one line per space.
      struct Command
      {
        std::string  text;
        unsigned int line = 0;
      };


      /// Split into '!'-terminated commands, dropping '$' comments.
      std::vector<Command>
      split_commands(const std::string &text, const std::string &source)
      {
        std::vector<Command> commands;
        Command              current;
        unsigned int         line       = 1;
        bool                 in_comment = false;
        for (const char c : text)
          {
            if (c == '\n')
              {
                ++line;
                in_comment = false;
                current.text += ' ';
                continue;
              }
            if (in_comment)
              continue;
            if (c == '$')
              {
                in_comment = true;
                continue;
              }
            if (c == '!')
              {
                if (current.line != 0)
                  commands.push_back(current);
                current = Command();
                continue;
              }
            if (std::isspace(static_cast<unsigned char>(c)))
              {
                current.text += ' ';
                continue;
              }
            if (current.line == 0)
              current.line = line;
            current.text += std::toupper(static_cast<unsigned char>(c));
          }
        if (current.line != 0)
          throw InputError(source + ":" + std::to_string(current.line)
                           + ": the command \"" + current.text.substr(0, 40)
                           + "\" is not ended by '!'");
        return commands;
      }


      std::vector<std::string>
      split(const std::string &s, const char separator)
      {
        std::vector<std::string> out;
        std::string              part;
        std::istringstream       in(s);
        while (std::getline(in, part, separator))
          out.push_back(part);
        if (!s.empty() && s.back() == separator)
          out.push_back("");
        return out;
      }


      std::string
      trimmed(const std::string &s)
      {
        const auto b = s.find_first_not_of(' ');
        if (b == std::string::npos)
          return "";
        return s.substr(b, s.find_last_not_of(' ') - b + 1);
      }


      std::vector<std::string>
      words(const std::string &s)
      {
        std::vector<std::string> out;
        std::istringstream       in(s);
        std::string              w;
        while (in >> w)
          out.push_back(w);
        return out;
      }


      double
      number(const std::string &s, const std::string &what)
      {
        char        *end = nullptr;
        const double v   = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0')
          fail(what + " \"" + s + "\" is not a number");
        return v;
      }


      /**
       * Whether word abbreviates keyword the Thermo-Calc way: each
       * '_'-separated part of the word starts its part of the keyword
       * (TYPE_DEF, TEMP_LIM, PARAM, CONST).
       */
      bool
      abbreviates(std::string word, const std::string &keyword)
      {
        std::replace(word.begin(), word.end(), '-', '_');
        const std::vector<std::string> w = split(word, '_');
        const std::vector<std::string> k = split(keyword, '_');
        if (w.size() > k.size())
          return false;
        for (std::size_t i = 0; i < w.size(); ++i)
          if (w[i].empty() || k[i].compare(0, w[i].size(), w[i]) != 0)
            return false;
        return true;
      }


      const std::vector<std::string> &
      keywords()
      {
        static const std::vector<std::string> k = {"ELEMENT",
                                                   "SPECIES",
                                                   "FUNCTION",
                                                   "PHASE",
                                                   "CONSTITUENT",
                                                   "PARAMETER",
                                                   "TYPE_DEFINITION",
                                                   "TEMPERATURE_LIMITS",
                                                   "DEFINE_SYSTEM_DEFAULT",
                                                   "DEFAULT_COMMAND",
                                                   "DATABASE_INFORMATION",
                                                   "REFERENCE_FILE",
                                                   "REFERENCE",
                                                   "REFERENCES",
                                                   "LIST_OF_REFERENCES",
                                                   "ADD_REFERENCES",
                                                   "ASSESSED_SYSTEMS",
                                                   "VERSION_DATE"};
        return k;
      }


      /// The keyword a command word stands for, or "" if none or several.
      std::string
      keyword_of(const std::string &word)
      {
        std::string found;
        for (const std::string &k : keywords())
          if (word == k)
            return k;
        for (const std::string &k : keywords())
          if (abbreviates(word, k))
            {
              if (!found.empty())
                return "";
              found = k;
            }
        return found;
      }


      /// A term of a raw expression: c T^n (ln T) or c times a FUNCTION.
      struct RawTerm
      {
        double      coefficient = 1;
        int         power       = 0;
        bool        with_log    = false;
        std::string function;
      };

      struct RawRange
      {
        double               lo = 0, hi = 0;
        std::vector<RawTerm> terms;
      };

      /// A FUNCTION or PARAMETER body before references are resolved.
      struct RawExpression
      {
        std::vector<RawRange> ranges;
        unsigned int          line = 0;
        std::string           what;
      };


      /// Parse "c*T**n*LN(T)*NAME#+..." (no spaces) into terms.
      std::vector<RawTerm>
      parse_terms(const std::string &s)
      {
        std::vector<RawTerm> terms;
        std::size_t          pos = 0;
        const std::size_t    n   = s.size();
        auto at = [&](const std::size_t k) { return k < n ? s[k] : '\0'; };
        while (pos < n)
          {
            RawTerm term;
            if (at(pos) == '+' || at(pos) == '-')
              term.coefficient = at(pos++) == '-' ? -1. : 1.;
            // A factor after '/' divides: numbers and powers of T only.
            bool divide = false;
            for (;;)
              {
                const char c = at(pos);
                if (std::isdigit(static_cast<unsigned char>(c)) || c == '.')
                  {
                    char        *end = nullptr;
                    const double v   = std::strtod(s.c_str() + pos, &end);
                    if (end == s.c_str() + pos)
                      fail("cannot read a number at \"" + s.substr(pos) + "\"");
                    term.coefficient
                      = divide ? term.coefficient / v : term.coefficient * v;
                    pos = end - s.c_str();
                  }
                else if (std::isalpha(static_cast<unsigned char>(c))
                         || c == '_')
                  {
                    const std::size_t b = pos;
                    while (std::isalnum(static_cast<unsigned char>(at(pos)))
                           || at(pos) == '_')
                      ++pos;
                    const std::string name = s.substr(b, pos - b);
                    if (at(pos) == '#')
                      ++pos;
                    const int direction = divide ? -1 : 1;
                    if (name != "T" && divide)
                      fail("only numbers and powers of T may follow '/' ("
                           + name + ")");
                    if (name == "T")
                      {
                        if (s.compare(pos, 2, "**") != 0)
                          term.power += direction;
                        else
                          {
                            pos += 2;
                            const bool paren = at(pos) == '(';
                            if (paren)
                              ++pos;
                            const std::size_t e = pos;
                            if (at(pos) == '+' || at(pos) == '-')
                              ++pos;
                            while (
                              std::isdigit(static_cast<unsigned char>(at(pos))))
                              ++pos;
                            if (pos == e || (paren && at(pos) != ')'))
                              fail("T** needs an integer power, as T**3 or "
                                   "T**(-1), at \""
                                   + s.substr(e) + "\"");
                            term.power
                              += direction * std::stoi(s.substr(e, pos - e));
                            if (paren)
                              ++pos;
                          }
                      }
                    else if ((name == "LN" || name == "LOG") && at(pos) == '(')
                      {
                        if (s.compare(pos, 3, "(T)") != 0)
                          fail(name + " of anything but T is not supported");
                        if (term.with_log)
                          fail("a power of LN(T) is not supported");
                        term.with_log = true;
                        pos += 3;
                      }
                    else if (at(pos) == '(')
                      fail("the function " + name
                           + "() is not supported; terms are c*T**n, "
                             "c/T**n, c*T*LN(T) and c*FUNCTION");
                    else
                      {
                        if (!term.function.empty())
                          fail("a product of two functions (" + term.function
                               + "*" + name + ") is not supported");
                        term.function = name;
                      }
                  }
                else
                  fail("unexpected \"" + std::string(1, c == '\0' ? ' ' : c)
                       + "\" in \"" + s + "\"");
                if ((at(pos) == '*' && at(pos + 1) != '*') || at(pos) == '/')
                  divide = at(pos++) == '/';
                else
                  break;
              }
            if (!term.function.empty() && (term.power != 0 || term.with_log))
              fail("a FUNCTION times a power or log of T (" + term.function
                   + ") is not supported");
            terms.push_back(term);
            if (pos < n && at(pos) != '+' && at(pos) != '-')
              fail("unexpected \"" + s.substr(pos) + "\" after a term");
          }
        return terms;
      }


      struct Defaults
      {
        double lo = 298.15;
        double hi = 6000;
      };


      /// "T_lo expr; T_hi Y expr; T_hi N ref" into ranges.
      RawExpression
      parse_ranges(const std::string &s, const Defaults &defaults)
      {
        RawExpression r;
        std::size_t   pos        = 0;
        auto          skip_blank = [&] {
          while (pos < s.size() && s[pos] == ' ')
            ++pos;
        };
        auto read_limit = [&](const double fallback) {
          skip_blank();
          if (pos < s.size() && s[pos] == ',')
            {
              while (pos < s.size() && (s[pos] == ',' || s[pos] == ' '))
                ++pos;
              return fallback;
            }
          const std::size_t b = pos;
          while (pos < s.size() && s[pos] != ' ' && s[pos] != ',')
            ++pos;
          const double v = number(s.substr(b, pos - b), "temperature limit");
          while (pos < s.size() && (s[pos] == ',' || s[pos] == ' '))
            ++pos;
          return v;
        };
        double lo = read_limit(defaults.lo);
        for (;;)
          {
            const std::size_t semicolon = s.find(';', pos);
            if (semicolon == std::string::npos)
              fail("an expression must end with ';' and an upper "
                   "temperature limit");
            std::string expression = s.substr(pos, semicolon - pos);
            expression.erase(std::remove(expression.begin(),
                                         expression.end(),
                                         ' '),
                             expression.end());
            pos             = semicolon + 1;
            const double hi = read_limit(defaults.hi);
            if (!(hi > lo))
              fail("temperature range [" + std::to_string(lo) + ", "
                   + std::to_string(hi) + ") is empty");
            r.ranges.push_back({lo, hi, parse_terms(expression)});
            skip_blank();
            const char flag = pos < s.size() ? s[pos] : ' ';
            ++pos;
            if (flag == 'N')
              return r; // the rest is a reference code
            if (flag != 'Y')
              fail("after an upper temperature limit comes Y (another "
                   "range follows) or N (last range)");
            lo = hi;
          }
      }


      struct TypeDefinition
      {
        bool         magnetic = false;
        std::string  phase;
        double       afm_factor = 0, p = 0;
        unsigned int line = 0;
      };


      /// The reader's state across commands.
      struct Reader
      {
        TdbDatabase                          db;
        Defaults                             defaults;
        std::map<std::string, RawExpression> functions;
        std::vector<RawExpression>           parameter_bodies;
        std::map<char, TypeDefinition>       types;
        std::set<std::string>                species;
        std::map<std::string, int>           resolving; // 1 busy, 2 done

        void
        element(const std::vector<std::string> &w);
        void
        species_command(const std::vector<std::string> &w);
        void
        function(const std::string &rest, unsigned int line);
        void
        phase(const std::vector<std::string> &w, unsigned int line);
        void
        constituent(const std::string &rest);
        void
        parameter(const std::string &rest, unsigned int line);
        void
        type_definition(const std::vector<std::string> &w, unsigned int line);
        void
        temperature_limits(const std::vector<std::string> &w);

        const TemperatureFunction &
        resolve_function(const std::string &name, unsigned int used_at);
        TemperatureFunction
        resolve(const RawExpression &e);
      };


      std::string
      phase_name(const std::string &token)
      {
        return token.substr(0, token.find(':'));
      }


      void
      Reader::element(const std::vector<std::string> &w)
      {
        if (w.size() < 3)
          fail("needs ELEMENT <name> <reference phase> [mass H298 S298]");
        TdbElement e;
        e.name            = w[1];
        e.reference_phase = w[2];
        if (w.size() > 3)
          e.mass = number(w[3], "mass");
        if (w.size() > 4)
          e.H298 = number(w[4], "H298");
        if (w.size() > 5)
          e.S298 = number(w[5], "S298");
        db.elements[e.name] = e;
      }


      void
      Reader::species_command(const std::vector<std::string> &w)
      {
        if (w.size() != 3)
          fail("needs SPECIES <name> <formula>");
        std::string formula = w[2];
        // A single element may carry the stoichiometry 1: NI or NI1.
        const std::size_t digits = formula.find_last_not_of("0123456789.") + 1;
        if (digits > 0 && digits < formula.size()
            && std::strtod(formula.c_str() + digits, nullptr) == 1.)
          formula.erase(digits);
        if (!db.elements.count(formula) || (w[1] != formula))
          fail("only species that are one element of the database, named "
               "as the element, are supported (got "
               + w[1] + " = " + w[2] + ")");
        species.insert(w[1]);
      }


      void
      Reader::function(const std::string &rest, const unsigned int line)
      {
        const std::vector<std::string> w = words(rest);
        if (w.empty())
          fail("needs FUNCTION <name> <T_lo> <expression>; <T_hi> N !");
        std::string name = w[0];
        if (!name.empty() && name.back() == '#')
          name.pop_back();
        RawExpression e
          = parse_ranges(rest.substr(rest.find(w[0]) + w[0].size()), defaults);
        e.line = line;
        e.what = "FUNCTION " + name;
        if (functions.count(name))
          fail("FUNCTION " + name + " is defined twice (first on line "
               + std::to_string(functions[name].line) + ")");
        functions[name] = e;
      }


      void
      Reader::phase(const std::vector<std::string> &w, const unsigned int line)
      {
        if (w.size() < 4)
          fail("needs PHASE <name> <type codes> <sublattices> <sites ...>");
        TdbPhase          p;
        const std::size_t colon = w[1].find(':');
        if (colon != std::string::npos && w[1].substr(colon) == ":Y")
          fail("the ionic liquid (:Y) is not supported");
        p.name       = phase_name(w[1]);
        p.type_codes = w[2];
        p.line       = line;
        const int n  = number(w[3], "number of sublattices");
        if (n < 1 || static_cast<int>(w.size()) != 4 + n)
          fail("PHASE " + p.name + " declares " + w[3]
               + " sublattices but gives " + std::to_string(w.size() - 4)
               + " site counts");
        for (int k = 0; k < n; ++k)
          p.sites.push_back(number(w[4 + k], "site count"));
        db.phases[p.name] = p;
      }


      void
      Reader::constituent(const std::string &rest)
      {
        const std::vector<std::string> w = words(rest);
        if (w.empty())
          fail("needs CONSTITUENT <phase> :A,B:VA: !");
        const std::string name = phase_name(w[0]);
        auto              it   = db.phases.find(name);
        if (it == db.phases.end())
          fail("phase " + name + " has no PHASE command before it");
        std::string list = rest.substr(rest.find(w[0]) + w[0].size());
        list.erase(std::remove(list.begin(), list.end(), ' '), list.end());
        list.erase(std::remove(list.begin(), list.end(), '%'), list.end());
        if (list.size() < 2 || list.front() != ':' || list.back() != ':')
          fail("constituents are written :A,B:VA: (sublattices between "
               "colons)");
        std::vector<std::string> sublattices
          = split(list.substr(1, list.size() - 2), ':');
        if (sublattices.size() != it->second.sites.size())
          fail("phase " + name + " has "
               + std::to_string(it->second.sites.size())
               + " sublattices, the CONSTITUENT command lists "
               + std::to_string(sublattices.size()));
        it->second.constituents.clear();
        for (const std::string &s : sublattices)
          {
            std::vector<std::string> c = split(s, ',');
            for (const std::string &x : c)
              if (x.empty())
                fail("an empty constituent in " + list);
            it->second.constituents.push_back(c);
          }
      }


      void
      Reader::parameter(const std::string &rest, const unsigned int line)
      {
        const std::size_t open  = rest.find('(');
        const std::size_t close = rest.find(')', open);
        if (open == std::string::npos || close == std::string::npos)
          fail("needs PARAMETER <type>(<phase>,<constituents>;<order>) "
               "<T_lo> <expression>; <T_hi> N !");
        const std::string type   = trimmed(rest.substr(0, open));
        std::string       inside = rest.substr(open + 1, close - open - 1);
        inside.erase(std::remove(inside.begin(), inside.end(), ' '),
                     inside.end());
        TdbParameter p;
        p.line = line;
        if (type == "G" || type == "L")
          p.type = "G";
        else if (type == "TC")
          p.type = "TC";
        else if (type == "BMAGN" || type == "BM")
          p.type = "BMAGN";
        else if (type == "MQ" || type == "MF" || type == "DQ" || type == "DF")
          {
            db.skipped.push_back("line " + std::to_string(line) + ": " + type
                                 + "(" + inside + ")");
            return;
          }
        else
          fail("parameter type " + type
               + " is not supported; supported: " + supported_parameters);
        const std::size_t semicolon = inside.find(';');
        if (semicolon != std::string::npos)
          p.order = number(inside.substr(semicolon + 1), "order");
        const std::string array = inside.substr(0, semicolon);
        const std::size_t comma = array.find(',');
        if (comma == std::string::npos)
          fail("no constituents in " + type + "(" + inside + ")");
        p.phase = phase_name(array.substr(0, comma));
        for (const std::string &s : split(array.substr(comma + 1), ':'))
          {
            std::vector<std::string> c = split(s, ',');
            for (std::string &x : c)
              {
                if (!x.empty() && x.back() == '%')
                  x.pop_back();
                if (x.empty() || x == "*")
                  fail("constituent \"" + x + "\" in " + type + "(" + inside
                       + ") is not supported (no wildcards)");
              }
            // CALPHAD programs read the interacting constituents in
            // alphabetical order whatever the order written, so
            // L(P,B,A;1) is L(P,A,B;1) times (x_A - x_B), not its negative
            // (pycalphad does the same, see its issue #17).
            std::sort(c.begin(), c.end());
            p.constituents.push_back(c);
          }
        RawExpression body = parse_ranges(rest.substr(close + 1), defaults);
        body.line          = line;
        body.what          = type + "(" + inside + ")";
        db.parameters.push_back(p);
        parameter_bodies.push_back(body);
      }


      void
      Reader::type_definition(const std::vector<std::string> &w,
                              const unsigned int              line)
      {
        if (w.size() < 3 || w[1].size() != 1)
          fail("needs TYPE_DEFINITION <code> SEQ * or TYPE_DEFINITION "
               "<code> GES A_P_D <phase> MAGNETIC <afm factor> <p>");
        TypeDefinition t;
        t.line = line;
        if (w[2] == "SEQ")
          {
            types[w[1][0]] = t;
            return;
          }
        if (w.size() == 8 && w[2] == "GES"
            && abbreviates(w[3], "AMEND_PHASE_DESCRIPTION")
            && abbreviates(w[5], "MAGNETIC"))
          {
            t.magnetic   = true;
            t.phase      = phase_name(w[4]);
            t.afm_factor = number(w[6], "antiferromagnetic factor");
            t.p          = number(w[7], "magnetic p");
            if (!(t.afm_factor < 0) || !(t.p > 0 && t.p < 1))
              fail("MAGNETIC needs a negative antiferromagnetic factor (-1 "
                   "BCC, -3 FCC/HCP) and 0 < p < 1 (0.4 BCC, 0.28 FCC/HCP)");
            types[w[1][0]] = t;
            return;
          }
        std::string what;
        for (std::size_t k = 2; k < w.size(); ++k)
          what += (k > 2 ? " " : "") + w[k];
        fail("\"" + what
             + "\" is not supported; supported are SEQ * and GES A_P_D "
               "<phase> MAGNETIC <afm factor> <p> (no DIS_PART, no other "
               "amendments)");
      }


      void
      Reader::temperature_limits(const std::vector<std::string> &w)
      {
        if (w.size() >= 3)
          {
            defaults.lo = number(w[1], "lower temperature limit");
            defaults.hi = number(w[2], "upper temperature limit");
          }
      }


      const TemperatureFunction &
      Reader::resolve_function(const std::string &name,
                               const unsigned int used_at)
      {
        const auto done = db.functions.find(name);
        if (done != db.functions.end())
          return done->second;
        const auto raw = functions.find(name);
        if (raw == functions.end())
          throw InputError(db.filename + ":" + std::to_string(used_at)
                           + ": FUNCTION " + name + " is not defined");
        if (resolving[name] == 1)
          throw InputError(db.filename + ":" + std::to_string(raw->second.line)
                           + ": FUNCTION " + name + " refers to itself");
        resolving[name]           = 1;
        TemperatureFunction f     = resolve(raw->second);
        resolving[name]           = 2;
        return db.functions[name] = f;
      }


      TemperatureFunction
      Reader::resolve(const RawExpression &e)
      {
        std::vector<double>                                 bounds;
        std::vector<std::vector<TemperatureFunction::Term>> pieces;
        for (const RawRange &r : e.ranges)
          {
            std::vector<TemperatureFunction::Term> own;
            TemperatureFunction                    referenced;
            for (const RawTerm &t : r.terms)
              if (t.function.empty())
                own.push_back({t.coefficient, t.power, t.with_log});
              else
                referenced
                  += t.coefficient * resolve_function(t.function, e.line);
            const TemperatureFunction range
              = (TemperatureFunction({r.lo, r.hi}, {own}) + referenced)
                  .restricted(r.lo, r.hi);
            for (unsigned int k = 0; k < range.n_ranges(); ++k)
              {
                if (bounds.empty())
                  bounds.push_back(range.breakpoints()[0]);
                bounds.push_back(range.breakpoints()[k + 1]);
                pieces.push_back(range.terms(k));
              }
          }
        return TemperatureFunction(bounds, pieces);
      }


      /// Magnetic type definitions onto the phases that list their codes.
      void
      apply_types(Reader &r)
      {
        for (auto &entry : r.db.phases)
          {
            TdbPhase &p = entry.second;
            for (const char code : p.type_codes)
              {
                const auto t = r.types.find(code);
                if (t == r.types.end() || !t->second.magnetic)
                  continue;
                p.magnetic   = true;
                p.afm_factor = t->second.afm_factor;
                p.p          = t->second.p;
              }
          }
        // A GES command naming its phase applies to it even without code.
        for (const auto &t : r.types)
          if (t.second.magnetic && t.second.phase != "@"
              && r.db.phases.count(t.second.phase))
            {
              TdbPhase &p  = r.db.phases[t.second.phase];
              p.magnetic   = true;
              p.afm_factor = t.second.afm_factor;
              p.p          = t.second.p;
            }
      }


      void
      check_parameters(const TdbDatabase &db)
      {
        for (const TdbParameter &p : db.parameters)
          {
            const auto        it = db.phases.find(p.phase);
            const std::string where
              = db.filename + ":" + std::to_string(p.line) + ": PARAMETER: ";
            if (it == db.phases.end())
              throw InputError(where + "phase " + p.phase
                               + " has no PHASE command");
            if (p.constituents.size() != it->second.sites.size())
              throw InputError(where + "phase " + p.phase + " has "
                               + std::to_string(it->second.sites.size())
                               + " sublattices, the parameter gives "
                               + std::to_string(p.constituents.size()));
          }
      }
    } // namespace


    const TdbPhase &
    TdbDatabase::phase(const std::string &name) const
    {
      const auto it = phases.find(name);
      if (it == phases.end())
        {
          std::string known;
          for (const auto &p : phases)
            known += (known.empty() ? "" : ", ") + p.first;
          throw InputError(filename + ": no phase " + name
                           + "; the database has " + known);
        }
      return it->second;
    }


    TdbDatabase
    parse_tdb(const std::string &text, const std::string &source_name)
    {
      Reader r;
      r.db.filename = source_name;
      for (const Command &c : split_commands(text, source_name))
        {
          const std::vector<std::string> w       = words(c.text);
          const std::string              keyword = keyword_of(w[0]);
          try
            {
              const std::string rest = trimmed(c.text).substr(w[0].size());
              if (keyword == "ELEMENT")
                r.element(w);
              else if (keyword == "SPECIES")
                r.species_command(w);
              else if (keyword == "FUNCTION")
                r.function(rest, c.line);
              else if (keyword == "PHASE")
                r.phase(w, c.line);
              else if (keyword == "CONSTITUENT")
                r.constituent(rest);
              else if (keyword == "PARAMETER")
                r.parameter(rest, c.line);
              else if (keyword == "TYPE_DEFINITION")
                r.type_definition(w, c.line);
              else if (keyword == "TEMPERATURE_LIMITS")
                r.temperature_limits(w);
              else if (keyword.empty())
                fail("unknown command; supported: "
                     + std::string(supported_commands));
              // The other keywords carry nothing the models use.
            }
          catch (const CommandError &e)
            {
              throw InputError(source_name + ":" + std::to_string(c.line) + ": "
                               + w[0] + ": " + e.message);
            }
        }
      try
        {
          for (const auto &f : r.functions)
            r.resolve_function(f.first, f.second.line);
          for (std::size_t k = 0; k < r.db.parameters.size(); ++k)
            r.db.parameters[k].value = r.resolve(r.parameter_bodies[k]);
        }
      catch (const CommandError &e)
        {
          throw InputError(source_name + ": " + e.message);
        }
      apply_types(r);
      check_parameters(r.db);
      return r.db;
    }


    TdbDatabase
    read_tdb(const std::string &filename)
    {
      std::ifstream in(filename);
      if (!in)
        throw InputError(filename + ": cannot open the TDB file");
      std::stringstream text;
      text << in.rdbuf();
      return parse_tdb(text.str(), filename);
    }


    namespace
    {
      /// Whether every sublattice after the first holds exactly VA.
      bool
      vacant_beyond_first(const TdbParameter &p)
      {
        for (std::size_t s = 1; s < p.constituents.size(); ++s)
          if (p.constituents[s] != std::vector<std::string>{"VA"})
            return false;
        return true;
      }


      std::string
      parameter_name(const TdbParameter &p)
      {
        std::string s = p.type + "(" + p.phase;
        for (std::size_t k = 0; k < p.constituents.size(); ++k)
          {
            s += k == 0 ? "," : ":";
            for (std::size_t c = 0; c < p.constituents[k].size(); ++c)
              s += (c ? "," : "") + p.constituents[k][c];
          }
        return s + ";" + std::to_string(p.order) + ")";
      }


      /**
       * The expansion of one parameter type (G, TC, BMAGN) of phase over
       * the elements, each term scaled by factor. Missing end members are
       * left as zero functions; has_end_member tells which were found.
       */
      RedlichKisterExpansion
      expansion_of(const TdbDatabase              &db,
                   const std::string              &phase,
                   const std::string              &type,
                   const std::vector<std::string> &elements,
                   const double                    factor,
                   std::vector<bool>              &has_end_member,
                   bool                           &any)
      {
        const unsigned int     K = elements.size();
        RedlichKisterExpansion e;
        e.end_members.resize(K);
        has_end_member.assign(K, false);
        any = false;
        std::map<std::pair<unsigned, unsigned>, std::size_t> pair_at;
        std::map<std::vector<unsigned>,
                 std::map<unsigned, const TdbParameter *>>
                                                  triples;
        std::map<std::vector<unsigned>, unsigned> seen;
        auto index = [&](const std::string &c) {
          return static_cast<unsigned>(
            std::find(elements.begin(), elements.end(), c) - elements.begin());
        };
        for (const TdbParameter &p : db.parameters)
          {
            if (p.phase != phase || p.type != type || !vacant_beyond_first(p))
              continue;
            std::vector<unsigned> idx;
            for (const std::string &c : p.constituents[0])
              idx.push_back(index(c));
            if (std::any_of(idx.begin(), idx.end(), [&](unsigned i) {
                  return i >= K;
                }))
              continue;
            // Same constituents and order; for a ternary the order names
            // the constituent it weights.
            std::vector<unsigned> key(idx);
            std::sort(key.begin(), key.end());
            key.push_back(idx.size() == 3 && p.order < 3 ? idx[p.order]
                                                         : p.order);
            if (seen.count(key))
              throw InputError(db.filename + ":" + std::to_string(p.line) + ": "
                               + parameter_name(p)
                               + " is given twice (also on line "
                               + std::to_string(seen[key]) + ")");
            seen[key]                   = p.line;
            any                         = true;
            const TemperatureFunction f = factor * p.value;
            if (idx.size() == 1)
              {
                e.end_members[idx[0]]  = f;
                has_end_member[idx[0]] = true;
              }
            else if (idx.size() == 2)
              {
                unsigned i = idx[0], j = idx[1];
                double   sign = 1;
                if (i > j)
                  {
                    std::swap(i, j);
                    sign = p.order % 2 ? -1. : 1.;
                  }
                auto at = pair_at.find({i, j});
                if (at == pair_at.end())
                  {
                    at = pair_at.insert({{i, j}, e.binaries.size()}).first;
                    e.binaries.push_back({i, j, {}});
                  }
                std::vector<TemperatureFunction> &L = e.binaries[at->second].L;
                if (L.size() <= p.order)
                  L.resize(p.order + 1);
                L[p.order] = sign * f;
              }
            else if (idx.size() == 3)
              {
                if (p.order > 2)
                  throw InputError(db.filename + ":" + std::to_string(p.line)
                                   + ": " + parameter_name(p)
                                   + ": a ternary parameter has order 0, 1 "
                                     "or 2 (the constituent it weights)");
                std::vector<unsigned> sorted(idx);
                std::sort(sorted.begin(), sorted.end());
                // Order n weights v of the n-th constituent in
                // alphabetical order.
                triples[sorted][idx[p.order]] = &p;
              }
            else
              throw InputError(db.filename + ":" + std::to_string(p.line) + ": "
                               + parameter_name(p)
                               + ": interactions of more than three "
                                 "constituents are not supported");
          }
        for (const auto &t : triples)
          {
            TernaryTerm term{t.first[0], t.first[1], t.first[2], {}};
            const bool  single
              = t.second.size() == 1 && t.second.begin()->second->order == 0;
            if (single)
              term.L = {factor * t.second.begin()->second->value};
            else
              {
                term.L.resize(3);
                for (unsigned m = 0; m < 3; ++m)
                  if (t.second.count(t.first[m]))
                    term.L[m] = factor * t.second.at(t.first[m])->value;
              }
            e.ternaries.push_back(term);
          }
        return e;
      }
    } // namespace


    SolutionPhase
    substitutional_phase(const TdbDatabase              &db,
                         const std::string              &phase_name_,
                         const std::vector<std::string> &elements)
    {
      const TdbPhase   &phase = db.phase(phase_name_);
      const std::string where = db.filename + ": phase " + phase.name;
      if (phase.constituents.empty())
        throw InputError(where + " has no CONSTITUENT command");
      for (std::size_t s = 1; s < phase.constituents.size(); ++s)
        if (std::find(phase.constituents[s].begin(),
                      phase.constituents[s].end(),
                      "VA")
            == phase.constituents[s].end())
          throw InputError(where + ": sublattice " + std::to_string(s + 1)
                           + " has no VA; a substitutional phase holds the "
                             "elements on the first sublattice and only "
                             "vacancies on the others");
      for (const std::string &el : elements)
        if (std::find(phase.constituents[0].begin(),
                      phase.constituents[0].end(),
                      el)
            == phase.constituents[0].end())
          throw InputError(where + " has no constituent " + el
                           + " on its first sublattice");
      const double           a1 = phase.sites[0];
      std::vector<bool>      found;
      bool                   any;
      RedlichKisterExpansion g
        = expansion_of(db, phase.name, "G", elements, 1. / a1, found, any);
      for (std::size_t i = 0; i < elements.size(); ++i)
        if (!found[i])
          throw InputError(where + ": no end-member parameter G(" + phase.name
                           + "," + elements[i]
                           + (phase.sites.size() > 1 ? ":VA" : "") + ";0) for "
                           + elements[i]);
      MagneticModel m;
      if (phase.magnetic)
        {
          bool                   any_tc, any_beta;
          std::vector<bool>      f;
          RedlichKisterExpansion tc
            = expansion_of(db, phase.name, "TC", elements, 1., f, any_tc);
          RedlichKisterExpansion beta
            = expansion_of(db, phase.name, "BMAGN", elements, 1., f, any_beta);
          if (any_tc && any_beta)
            {
              m.afm_factor        = phase.afm_factor;
              m.p                 = phase.p;
              m.curie_temperature = tc;
              m.magnetic_moment   = beta;
            }
        }
      return SolutionPhase(g, m);
    }


    namespace
    {
      /// The end member's G; magnetic end members only if ignore_magnetic.
      CompoundEnergy
      end_member(const TdbDatabase              &db,
                 const std::string              &phase_name_,
                 const std::vector<std::string> &constituents,
                 const std::vector<std::string> &elements,
                 const bool                      ignore_magnetic)
      {
        const TdbPhase &phase = db.phase(phase_name_);
        std::string     name  = "G(" + phase.name;
        for (std::size_t s = 0; s < constituents.size(); ++s)
          name += (s ? ":" : ",") + constituents[s];
        name += ";0)";
        if (constituents.size() != phase.sites.size())
          throw InputError(db.filename + ": " + name + ": phase " + phase.name
                           + " has " + std::to_string(phase.sites.size())
                           + " sublattices");
        const TdbParameter *g = nullptr;
        for (const TdbParameter &p : db.parameters)
          {
            if (p.phase != phase.name || p.order != 0)
              continue;
            bool same = true;
            for (std::size_t s = 0; s < constituents.size(); ++s)
              same = same
                     && p.constituents[s]
                          == std::vector<std::string>{constituents[s]};
            if (!same)
              continue;
            if (p.type == "G")
              g = &p;
            else if (p.type == "TC" && phase.magnetic && !ignore_magnetic)
              throw InputError(db.filename + ":" + std::to_string(p.line) + ": "
                               + name
                               + " is magnetic; the magnetic contribution of "
                                 "a compound is not supported");
          }
        if (!g)
          throw InputError(db.filename + ": no end member " + name
                           + " in the database");
        CompoundEnergy c;
        c.elements = elements;
        std::map<std::string, double> amount;
        double                        atoms = 0;
        for (std::size_t s = 0; s < constituents.size(); ++s)
          {
            if (constituents[s] == "VA")
              continue;
            atoms += phase.sites[s];
            amount[constituents[s]] += phase.sites[s];
            if (elements.empty()
                && std::find(c.elements.begin(),
                             c.elements.end(),
                             constituents[s])
                     == c.elements.end())
              c.elements.push_back(constituents[s]);
          }
        if (!(atoms > 0))
          throw InputError(db.filename + ": " + name + " holds no atoms");
        for (const auto &a : amount)
          if (std::find(c.elements.begin(), c.elements.end(), a.first)
              == c.elements.end())
            throw InputError(db.filename + ": " + name + " holds " + a.first
                             + ", which is not among the elements asked for");
        for (const std::string &el : c.elements)
          c.composition.push_back(amount.count(el) ? amount[el] / atoms : 0.);
        c.gibbs_energy = (1. / atoms) * g->value;
        return c;
      }
    } // namespace


    CompoundEnergy
    compound_gibbs_energy(const TdbDatabase              &db,
                          const std::string              &phase,
                          const std::vector<std::string> &constituents,
                          const std::vector<std::string> &elements)
    {
      return end_member(db, phase, constituents, elements, false);
    }


    TemperatureFunction
    element_reference(const TdbDatabase &db, const std::string &element)
    {
      const auto e = db.elements.find(element);
      if (e == db.elements.end())
        throw InputError(db.filename + ": no ELEMENT " + element);
      const TdbPhase          &phase = db.phase(e->second.reference_phase);
      std::vector<std::string> members(phase.sites.size(), "VA");
      members[0] = element;
      // The glass is modelled without magnetism, so its reference is the
      // chemical part of the stable phase.
      return end_member(db, phase.name, members, {}, true).gibbs_energy;
    }


    SolutionPhase
    frozen_liquid(const SolutionPhase                    &liquid,
                  const std::vector<TemperatureFunction> &reference,
                  const double                            Tg)
    {
      RedlichKisterExpansion e = liquid.gibbs_expansion();
      if (reference.size() != e.end_members.size())
        throw std::invalid_argument(
          "frozen_liquid: one reference per component is needed");
      for (std::size_t i = 0; i < reference.size(); ++i)
        e.end_members[i]
          = reference[i] + frozen_below(e.end_members[i] - reference[i], Tg);
      for (BinaryTerm &b : e.binaries)
        for (TemperatureFunction &L : b.L)
          L = frozen_below(L, Tg);
      for (TernaryTerm &t : e.ternaries)
        for (TemperatureFunction &L : t.L)
          L = frozen_below(L, Tg);
      return SolutionPhase(e, liquid.magnetic_model());
    }


    SolutionPhase
    glass_phase(const TdbDatabase              &db,
                const std::string              &liquid_phase,
                const std::vector<std::string> &elements,
                const double                    Tg)
    {
      std::vector<TemperatureFunction> reference;
      for (const std::string &el : elements)
        reference.push_back(element_reference(db, el));
      return frozen_liquid(substitutional_phase(db, liquid_phase, elements),
                           reference,
                           Tg);
    }
  } // namespace thermo
} // namespace vitrum
