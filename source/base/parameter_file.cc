#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include <filesystem>

#ifndef VITRUM_SOURCE_DIR
#  define VITRUM_SOURCE_DIR "."
#endif

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
               + line_of_file(filename, number)
               + "\"): " + match.suffix().str();
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
            sets = first != std::string::npos && line[first] != '#';
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


    std::string
    resolve_data_path(const std::string &name)
    {
      namespace fs = std::filesystem;
      std::string found = name;
      if (!(fs::path(name).is_absolute() || fs::exists(name)))
        {
          const fs::path in_source = fs::path(VITRUM_SOURCE_DIR) / name;
          if (fs::exists(in_source))
            found = in_source.string();
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
