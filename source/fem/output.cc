#include <deal.II/base/mpi.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/output.h>

#include <boost/archive/text_iarchive.hpp>
#include <boost/archive/text_oarchive.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
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
                        "Where fields (.pvtu/.vtu/.pvd or .h5/.xdmf), time "
                        "series (.csv) and checkpoints go; created if "
                        "missing.");
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
      prm.declare_entry(
        "Format",
        "auto",
        Patterns::Selection("vtu|hdf5|auto"),
        "File format of the field snapshots: vtu (one .pvtu per snapshot and "
        "one .vtu per group of ranks, listed in fields.pvd), hdf5 (one .h5 "
        "per snapshot written by all ranks together, listed in fields.xdmf: "
        "few large files, for many ranks on a cluster file system) or auto "
        "(hdf5 for 3D runs on more than 4 ranks, vtu otherwise; a resumed "
        "series keeps its format). 1D runs always write vtu.");
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
      output_every                  = prm.get_integer("Output every");
      progress_every                = prm.get_integer("Progress every");
      const std::string format_name = prm.get("Format");
      prm.leave_subsection();
      if (format_name == "vtu")
        format = FieldFormat::vtu;
      else if (format_name == "hdf5")
        format = FieldFormat::hdf5;
      else if (format_name == "auto")
        format = FieldFormat::automatic;
      else
        throw InputError("Output/Format: '" + format_name
                         + "' is not a format; allowed values: vtu, hdf5, "
                           "auto");
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


    FieldWriter::FieldWriter(const std::string                  &directory,
                             const std::string                  &basename,
                             MPI_Comm                            comm,
                             const OutputParameters::FieldFormat format)
        : directory(directory)
        , basename(basename)
        , comm(comm)
        , format(format)
    {
    }


    OutputParameters::FieldFormat
    FieldWriter::format_for(const unsigned int dim,
                            const unsigned int n_ranks) const
    {
      using Format = OutputParameters::FieldFormat;
      if (dim == 1)
        return Format::vtu;
      if (format != Format::automatic)
        return format;
      if (!times.empty())
        return !records.empty() && records.back().first == times.back()
                 ? Format::vtu
                 : Format::hdf5;
      return dim == 3 && n_ranks > 4 ? Format::hdf5 : Format::vtu;
    }


    template <int dim>
    void
    FieldWriter::write(DataOut<dim>         &data_out,
                       const double          time,
                       DataOutBase::VtkFlags flags)
    {
      if (dim == 1 && format == OutputParameters::FieldFormat::hdf5
          && times.empty() && Utilities::MPI::this_mpi_process(comm) == 0)
        std::cout << "vitrum: note: Output/Format = hdf5 is for 2D and 3D; "
                     "this 1D run writes its fields as VTU (fields.pvd)"
                  << std::endl;
      if (format_for(dim, Utilities::MPI::n_mpi_processes(comm))
          == OutputParameters::FieldFormat::hdf5)
        write_hdf5(data_out, time);
      else
        write_vtu(data_out, time, flags);
      times.push_back(time);
    }


    template <int dim>
    void
    FieldWriter::write_vtu(DataOut<dim>         &data_out,
                           const double          time,
                           DataOutBase::VtkFlags flags)
    {
      flags.time  = time;
      flags.cycle = times.size();
      // zlib's fastest level instead of deal.II's default, its best
      // compression (4 % of a PFHub 1a run went to zlib).
      flags.compression_level = DataOutBase::VtkFlags::best_speed;
      data_out.set_flags(flags);
      std::string pvtu;
      base::guarded([&]() {
        pvtu = data_out.write_vtu_with_pvtu_record(directory + "/",
                                                   basename,
                                                   times.size(),
                                                   comm,
                                                   5,
                                                   8);
      });
      base::check_errors(comm);
      records.emplace_back(time, pvtu);
      write_pvd();
      base::check_errors(comm);
    }


    template <int dim>
    void
    FieldWriter::write_hdf5(DataOut<dim> &data_out, const double time)
    {
      const std::string h5
        = basename + "_" + Utilities::int_to_string(times.size(), 5) + ".h5";
      // Vertices shared by cells of a rank are written once (a quarter of
      // the points of a .vtu in 2D, an eighth in 3D); every field is
      // continuous, or constant on a rank (subdomain, rank).
      DataOutBase::DataOutFilter filter(
        DataOutBase::DataOutFilterFlags(true, true));
      data_out.write_filtered_data(filter);
      for (unsigned int i = 0; i < filter.n_data_sets(); ++i)
        if (filter.get_data_set_name(i).find('/') != std::string::npos)
          throw std::logic_error("field '" + filter.get_data_set_name(i)
                                 + "' cannot be an HDF5 dataset name");
      // All ranks open, write and close the file together.
      data_out.write_hdf5_parallel(filter, directory + "/" + h5, comm);
      xdmf_entries.push_back(
        data_out.create_xdmf_entry(filter, h5, time, comm));
      xdmf_times.push_back(time);
      xdmf_dim = dim;
      write_xdmf();
      base::check_errors(comm);
    }


    void
    FieldWriter::write_xdmf() const
    {
      if (Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      const std::string name = directory + "/" + basename + ".xdmf";
      base::guarded([&]() {
        // The file DataOut::write_xdmf_file writes, but with each time to
        // 17 digits (it gives 6, which would merge snapshots closer than
        // 1e-6 relative and not match the .pvd and .vtu times); the meshes
        // are of quadrilaterals or hexahedra. Written to a new file, which
        // then replaces the old one: a valid file whenever a run stops.
        const ReferenceCell cell = xdmf_dim == 3
                                     ? ReferenceCells::Hexahedron
                                     : ReferenceCells::Quadrilateral;
        const std::string   part = name + ".tmp";
        std::ofstream       xdmf(part);
        xdmf << "<?xml version=\"1.0\" ?>\n"
             << "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
             << "<Xdmf Version=\"2.0\">\n"
             << "  <Domain>\n"
             << "    <Grid Name=\"CellTime\" GridType=\"Collection\" "
                "CollectionType=\"Temporal\">\n";
        for (std::size_t i = 0; i < xdmf_entries.size(); ++i)
          {
            std::string content     = xdmf_entries[i].get_xdmf_content(3, cell);
            const std::string key   = "<Time Value=\"";
            const auto        begin = content.find(key);
            if (begin != std::string::npos)
              {
                const auto         from = begin + key.size();
                std::ostringstream time;
                time << std::setprecision(17) << xdmf_times[i];
                content.replace(from,
                                content.find('"', from) - from,
                                time.str());
              }
            xdmf << content;
          }
        xdmf << "    </Grid>\n"
             << "  </Domain>\n"
             << "</Xdmf>\n";
        xdmf.close();
        if (!xdmf)
          throw InputError("cannot write '" + part
                           + "': check Output/Directory");
        std::filesystem::rename(part, name);
      });
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


    std::string
    FieldWriter::serialize_xdmf() const
    {
      if (xdmf_entries.empty())
        return "";
      // The dimension and the times, then the entries as deal.II stores
      // them (a Boost text archive).
      std::ostringstream out;
      out << std::setprecision(17) << xdmf_dim << ' ' << xdmf_entries.size();
      for (std::size_t i = 0; i < xdmf_entries.size(); ++i)
        out << ' ' << xdmf_times[i];
      out << ' ';
      {
        boost::archive::text_oarchive archive(out, boost::archive::no_header);
        archive << xdmf_entries;
      }
      // (The archive separates some items by line breaks, which it reads
      // as any white space.)
      std::string text = out.str();
      std::replace(text.begin(), text.end(), '\n', ' ');
      return text;
    }


    void
    FieldWriter::deserialize(const std::string &text, const std::string &xdmf)
    {
      records.clear();
      std::istringstream in(text);
      double             time;
      std::string        name;
      while (in >> time >> name)
        records.emplace_back(time, name);

      xdmf_entries.clear();
      xdmf_times.clear();
      if (!xdmf.empty())
        {
          std::istringstream xin(xdmf);
          std::size_t        n = 0;
          xin >> xdmf_dim >> n;
          xdmf_times.resize(n);
          for (double &t : xdmf_times)
            xin >> t;
          boost::archive::text_iarchive archive(xin, boost::archive::no_header);
          archive >> xdmf_entries;
          if (!xin || xdmf_entries.size() != n)
            throw InputError("checkpoint is damaged: its XDMF entries cannot "
                             "be read");
        }

      times.clear();
      for (const auto &record : records)
        times.push_back(record.first);
      times.insert(times.end(), xdmf_times.begin(), xdmf_times.end());
      std::sort(times.begin(), times.end());

      // (A model that writes no fields gets no empty series.)
      if (!records.empty())
        write_pvd();
      if (!xdmf_entries.empty())
        write_xdmf();
      base::check_errors(comm);
    }


    template void
    FieldWriter::write<1>(DataOut<1> &, double, DataOutBase::VtkFlags);
    template void
    FieldWriter::write<2>(DataOut<2> &, double, DataOutBase::VtkFlags);
    template void
    FieldWriter::write<3>(DataOut<3> &, double, DataOutBase::VtkFlags);
  } // namespace fem
} // namespace vitrum
