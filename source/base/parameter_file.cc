#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <filesystem>

namespace vitrum
{
  namespace base
  {
    std::string
    one_line(const std::string &text)
    {
      std::istringstream in(text);
      std::string        word, result;
      while (in >> word)
        result += (result.empty() ? "" : " ") + word;
      return result;
    }


    namespace
    {
      /// The text of line `number` (1-based) of a file, trimmed.
      std::string
      line_of_file(const std::string &filename, const unsigned int number)
      {
        std::ifstream in(filename);
        std::string   line;
        for (unsigned int i = 0; i < number && std::getline(in, line); ++i)
          ;
        return one_line(line);
      }


      /// The subsections open at line `number` of a file, as
      /// "Outer/Inner/" (empty at the top level).
      std::string
      subsection_path_at(const std::string &filename, const unsigned int number)
      {
        std::ifstream            in(filename);
        std::string              line;
        std::vector<std::string> path;
        for (unsigned int i = 1; i < number && std::getline(in, line); ++i)
          {
            const std::string text = one_line(line.substr(0, line.find('#')));
            if (text.rfind("subsection ", 0) == 0)
              path.push_back(text.substr(11));
            else if (text == "end" && !path.empty())
              path.pop_back();
          }
        std::string result;
        for (const std::string &name : path)
          result += name + "/";
        return result;
      }


      /**
       * deal.II's "The entry value V for the entry named E does not match
       * the given pattern: P" for a quantity (base::QuantityPattern, alone
       * or in a list) becomes "Sub/E: 'V' is not a time >= 0 s; use a
       * number in s or one with a unit: ...". Other messages stay.
       */
      std::string
      explain_quantity_mismatch(const std::string &message,
                                const std::string &path)
      {
        std::smatch      match;
        const std::regex mismatch(
          "The entry value (.*) for the entry named (.*) does not match the "
          "given pattern:? (.*)$");
        if (!std::regex_search(message, match, mismatch))
          return message;
        const std::string value       = match[1].str();
        const std::string entry       = match[2].str();
        const std::string description = match[3].str();
        const std::regex  quantity("(a [a-z ]+(?: (?:>=|<=|from) [^;]*)?; use "
                                   "a number in [^>]*)");
        std::smatch       found;
        if (!std::regex_search(description, found, quantity))
          return message;
        const bool list = description.find("List of") != std::string::npos;
        return path + entry + ": '" + value + "' "
               + (list ? "has an item that is not " : "is not ")
               + found[1].str();
      }


      /// deal.II says "Line <N> of file <F>: ...": say instead which line,
      /// quoting it, and drop the repeated file name.
      std::string
      with_offending_line(const std::string &message,
                          const std::string &filename)
      {
        std::smatch      match;
        const std::regex location("Line <([0-9]+)> of file <[^:]*:\\s*");
        if (!std::regex_search(message, match, location))
          return ": " + message;
        const unsigned int number = std::stoul(match[1].str());
        return ", line " + std::to_string(number) + " (\""
               + line_of_file(filename, number) + "\"): "
               + explain_quantity_mismatch(match.suffix().str(),
                                           subsection_path_at(filename,
                                                              number));
      }
    } // namespace


    void
    parse_parameter_file(dealii::ParameterHandler &prm,
                         const std::string        &filename)
    {
      if (std::filesystem::is_directory(filename))
        throw InputError("parameter file '" + filename
                         + "' is a directory, not a file");
      if (!std::ifstream(filename))
        throw InputError("cannot open parameter file '" + filename
                         + "': no such file or not readable");
      {
        // A file that sets nothing would silently run the defaults.
        std::ifstream in(filename);
        std::string   line;
        bool          sets = false;
        while (!sets && std::getline(in, line))
          {
            const auto first = line.find_first_not_of(" \t\r");
            sets             = first != std::string::npos && line[first] != '#';
          }
        if (!sets)
          throw InputError("parameter file '" + filename
                           + "' is empty (or only comments): give at least "
                             "'set Model = ...'");
      }
      parse_input_file(prm, filename, "parameter file");
    }


    void
    parse_input_file(dealii::ParameterHandler &prm,
                     const std::string        &filename,
                     const std::string        &kind)
    {
      if (std::filesystem::is_directory(filename))
        throw InputError(kind + " '" + filename
                         + "' is a directory, not a file");
      if (!std::ifstream(filename))
        throw InputError("cannot open " + kind + " '" + filename
                         + "': no such file or not readable");
      try
        {
          prm.parse_input(filename, "", false, false);
        }
      catch (const dealii::ExceptionBase &e)
        {
          std::ostringstream info;
          e.print_info(info);
          throw InputError(
            "in " + kind + " '" + filename + "'"
            + with_offending_line(one_line(info.str()), filename));
        }
    }


    std::vector<std::string>
    data_directories()
    {
      namespace fs = std::filesystem;
      std::vector<std::string> folders;
      if (const char *const env = std::getenv("VITRUM_DATA_DIR"))
        if (*env != '\0')
          folders.emplace_back(env);
      std::error_code code;
      const fs::path  exe = fs::read_symlink("/proc/self/exe", code);
      if (!code)
        for (const fs::path &folder :
             {exe.parent_path().parent_path() / "share" / "vitrum",
              exe.parent_path() / "share" / "vitrum"})
          if (fs::is_directory(folder, code))
            folders.push_back(folder.lexically_normal().string());
      return folders;
    }


    std::string
    resolve_data_path(const std::string &name)
    {
      namespace fs      = std::filesystem;
      std::string found = name;
      if (!name.empty() && !(fs::path(name).is_absolute() || fs::exists(name)))
        for (const std::string &folder : data_directories())
          {
            const fs::path shipped = fs::path(folder) / name;
            if (fs::exists(shipped))
              {
                found = shipped.string();
                break;
              }
          }
      if (!name.empty() && fs::exists(found))
        record_input_file(found);
      return found;
    }


    namespace
    {
      std::vector<std::string> &
      recorded_files()
      {
        static std::vector<std::string> files;
        return files;
      }
    } // namespace


    void
    record_input_file(const std::string &path)
    {
      auto &files = recorded_files();
      if (std::find(files.begin(), files.end(), path) == files.end())
        files.push_back(path);
    }


    const std::vector<std::string> &
    input_files()
    {
      return recorded_files();
    }
  } // namespace base
} // namespace vitrum
