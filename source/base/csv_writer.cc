#include <vitrum/base/collective.h>
#include <vitrum/base/csv_writer.h>
#include <vitrum/base/exceptions.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace vitrum
{
  namespace base
  {
    CsvWriter::CsvWriter(const std::string              &filename,
                         const std::vector<std::string> &columns,
                         const bool                      active)
        : filename(filename)
        , columns(columns)
        , active(active)
    {
      if (!active)
        return;
      out.open(filename);
      if (!opened())
        return;
      write_header();
    }


    bool
    CsvWriter::opened()
    {
      // Only rank 0 writes: its failure is recorded, and every rank stops
      // at the next base::check_errors().
      if (out)
        return true;
      std::error_code code;
      const bool      folder = std::filesystem::is_directory(filename, code);
      record_error("cannot write '" + filename + "'"
                   + (folder ? " (it is a directory)" : "")
                   + ": check Output/Directory");
      active = false;
      return false;
    }


    void
    CsvWriter::write_header()
    {
      for (unsigned int i = 0; i < columns.size(); ++i)
        out << (i ? "," : "") << columns[i];
      out << '\n' << std::flush;
    }


    CsvWriter::CsvWriter(const std::string              &filename,
                         const std::vector<std::string> &columns,
                         const bool                      active,
                         const unsigned int              last_step)
        : filename(filename)
        , columns(columns)
        , active(active)
    {
      if (!active)
        return;
      std::vector<std::string> kept;
      {
        std::ifstream in(filename);
        std::string   line;
        std::getline(in, line); // header
        while (std::getline(in, line))
          {
            std::istringstream row(line);
            double             step = 0;
            if (row >> step && step <= last_step)
              kept.push_back(line);
          }
      }
      out.open(filename, std::ios::trunc);
      if (!opened())
        return;
      write_header();
      for (const auto &line : kept)
        out << line << '\n';
      out << std::flush;
    }


    void
    CsvWriter::add_row(const std::string         &label,
                       const std::vector<double> &values)
    {
      if (!active)
        return;
      if (label.find(',') != std::string::npos)
        throw std::logic_error("CSV label with a comma: " + label);
      out << label << (values.empty() ? "" : ",");
      add_row(values);
    }


    void
    CsvWriter::add_row(const std::vector<double> &values)
    {
      if (!active)
        return;
      char buffer[32];
      for (unsigned int i = 0; i < values.size(); ++i)
        {
          std::snprintf(buffer, sizeof(buffer), "%.15g", values[i]);
          out << (i ? "," : "") << buffer;
        }
      out << '\n' << std::flush;
      if (!out)
        {
          record_error("cannot write '" + filename
                       + "' (disk full or file removed?)");
          active = false;
        }
    }
  } // namespace base
} // namespace vitrum
