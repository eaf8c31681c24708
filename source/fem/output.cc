#include <deal.II/base/mpi.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/output.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;

    void
    OutputParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Output");
      prm.declare_entry("Directory",
                        "output",
                        Patterns::DirectoryName(),
                        "Where fields (.pvtu/.vtu/.pvd), time series (.csv) "
                        "and checkpoints go; created if missing.");
      prm.declare_entry("Output times",
                        "",
                        Patterns::List(
                          base::QuantityPattern(base::seconds(), 0)),
                        "Simulated times at which fields are written; the "
                        "time stepper lands on them exactly [model time "
                        "units; s or with a unit, e.g. '30 min, 1 h'].");
      prm.declare_entry("Output every",
                        "0",
                        Patterns::Integer(0),
                        "Also write fields every this many steps (0: only at "
                        "Output times and at the end).");
      prm.declare_entry("Progress every",
                        "10",
                        Patterns::Integer(0),
                        "Print a progress line every this many steps (0: "
                        "never).");
      prm.leave_subsection();
    }


    void
    OutputParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Output");
      directory = prm.get("Directory");
      output_times.clear();
      output_times
        = base::get_quantities(prm, "Output times", base::seconds(), "Output/");
      output_every   = prm.get_integer("Output every");
      progress_every = prm.get_integer("Progress every");
      prm.leave_subsection();
      if (directory.empty())
        throw InputError("Output/Directory: must not be empty");
    }


    void
    OutputParameters::make_directory(MPI_Comm comm) const
    {
      std::string error;
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        {
          std::error_code code;
          std::filesystem::create_directories(directory, code);
          if (code)
            error = code.message();
          else
            {
              // Rank 0 alone writes several files: find out now, on every
              // rank, whether it can.
              const std::string probe = directory + "/.vitrum-write-test";
              if (!std::ofstream(probe))
                error = "the folder is not writable";
              std::filesystem::remove(probe, code);
            }
        }
      error = Utilities::MPI::broadcast(comm, error, 0);
      if (!error.empty())
        throw InputError("Output/Directory: cannot create or write in '"
                         + directory + "': " + error);
    }


    bool
    OutputParameters::is_output_time(const double t) const
    {
      for (const double target : output_times)
        if (std::abs(t - target) <= 1e-12 * std::max(1.0, target))
          return true;
      return false;
    }


    bool
    OutputParameters::fields_due(const double t, const unsigned int step) const
    {
      return is_output_time(t)
             || (output_every > 0 && step % output_every == 0);
    }


    FieldWriter::FieldWriter(const std::string &directory,
                             const std::string &basename,
                             MPI_Comm           comm)
        : directory(directory)
        , basename(basename)
        , comm(comm)
    {
    }


    template <int dim>
    void
    FieldWriter::write(DataOut<dim> &data_out, const double time)
    {
      std::string pvtu;
      base::guarded([&]() {
        pvtu = data_out.write_vtu_with_pvtu_record(directory + "/",
                                                   basename,
                                                   records.size(),
                                                   comm,
                                                   5,
                                                   8);
      });
      base::check_errors(comm);
      records.emplace_back(time, pvtu);
      write_pvd();
      base::check_errors(comm);
    }


    void
    FieldWriter::write_pvd() const
    {
      if (Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      const std::string name = directory + "/" + basename + ".pvd";
      base::guarded([&]() {
        std::ofstream pvd(name);
        DataOutBase::write_pvd_record(pvd, records);
        pvd.close();
        if (!pvd)
          throw InputError("cannot write '" + name
                           + "': check Output/Directory");
      });
    }


    std::string
    FieldWriter::serialize() const
    {
      std::ostringstream out;
      out << std::setprecision(17);
      for (const auto &[time, name] : records)
        out << time << ' ' << name << ' ';
      return out.str();
    }


    void
    FieldWriter::deserialize(const std::string &text)
    {
      records.clear();
      std::istringstream in(text);
      double             time;
      std::string        name;
      while (in >> time >> name)
        records.emplace_back(time, name);
      // (A model that writes no fields gets no empty series.)
      if (!records.empty())
        write_pvd();
    }


    template void
    FieldWriter::write<1>(DataOut<1> &, double);
    template void
    FieldWriter::write<2>(DataOut<2> &, double);
    template void
    FieldWriter::write<3>(DataOut<3> &, double);
  } // namespace fem
} // namespace vitrum
