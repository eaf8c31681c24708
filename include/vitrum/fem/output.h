#ifndef vitrum_fem_output_h
#define vitrum_fem_output_h

#include <deal.II/base/parameter_handler.h>

#include <deal.II/numerics/data_out.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * Where and when results are written (subsection "Output").
     */
    struct OutputParameters
    {
      /// File format of the field snapshots (entry Format).
      enum class FieldFormat
      {
        vtu,
        hdf5,
        /// hdf5 for 3D runs on more than 4 ranks, vtu otherwise.
        automatic
      };

      std::string         directory = "output";
      std::vector<double> output_times;
      unsigned int        output_every   = 0;
      unsigned int        progress_every = 10;
      FieldFormat         format         = FieldFormat::automatic;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);

      /// Create the directory (on rank 0) and wait until it exists.
      void
      make_directory(MPI_Comm comm) const;

      /// t is one of the Output times (to round-off).
      bool
      is_output_time(double t) const;

      /// Fields are to be written after this step (an output time, or
      /// Output every).
      bool
      fields_due(double t, unsigned int step) const;
    };


    /**
     * Field snapshots of a time series, in one of two formats:
     *
     * - vtu: parallel VTU files (one .pvtu per time and one .vtu per group
     *   of ranks, read by ParaView and by Python's vtk/meshio) plus a .pvd
     *   file listing all of them with their times, so ParaView opens the
     *   whole series at once. Each .vtu also carries its time and snapshot
     *   number (VTK field data TIME and CYCLE).
     * - hdf5: one <basename>_NNNNN.h5 per snapshot, written by all ranks
     *   together (MPI-IO), holding that snapshot's mesh (datasets "nodes",
     *   "cells") and one dataset per field, plus <basename>.xdmf listing
     *   every snapshot with its time. Each snapshot has its own mesh since
     *   the meshes adapt. The .xdmf file is rewritten after each snapshot,
     *   so it is valid whenever a run stops.
     *
     * A 1D run writes vtu whatever the format (its fields are small, and
     * the .xdmf file is written for meshes of quadrilaterals or
     * hexahedra).
     */
    class FieldWriter
    {
    public:
      FieldWriter(const std::string            &directory,
                  const std::string            &basename,
                  MPI_Comm                      comm,
                  OutputParameters::FieldFormat format
                  = OutputParameters::FieldFormat::vtu);

      /// Write one snapshot (DataOut already has its data and patches).
      /// `flags` are the VTU flags (e.g. physical units); their time and
      /// cycle are set here to the snapshot's time and number.
      template <int dim>
      void
      write(dealii::DataOut<dim>         &data_out,
            double                        time,
            dealii::DataOutBase::VtkFlags flags = {});

      /// The records written so far, as text (stored in checkpoints).
      std::string
      serialize() const;

      /// The XDMF entries written so far, as one line of text (stored in
      /// checkpoints; empty if none).
      std::string
      serialize_xdmf() const;

      /// Restore the records (after a restart) and rewrite the .pvd and
      /// .xdmf files; `xdmf` is what serialize_xdmf() gave.
      void
      deserialize(const std::string &text, const std::string &xdmf = "");

      unsigned int
      n_snapshots() const
      {
        return times.size();
      }

      /// The format the next snapshot of a run in `dim` dimensions on
      /// `n_ranks` ranks is written in: Format = auto continues a resumed
      /// series in the format it has.
      OutputParameters::FieldFormat
      format_for(unsigned int dim, unsigned int n_ranks) const;

      /// The file that lists the snapshots, for the run's summary:
      /// "fields.xdmf (ParaView: XDMF reader)" once a snapshot went to HDF5,
      /// "fields.pvd (ParaView)" otherwise.
      std::string
      index_file() const
      {
        return xdmf_entries.empty()
                 ? basename + ".pvd (ParaView)"
                 : basename + ".xdmf (ParaView: XDMF reader)";
      }

      /// Whether the last snapshot is of time t (a resumed run that is
      /// already at its end writes no second one).
      bool
      written_at(const double t) const
      {
        return !times.empty()
               && std::abs(times.back() - t)
                    <= 1e-12 * std::max(1.0, std::abs(t));
      }

    private:
      std::string                   directory;
      std::string                   basename;
      MPI_Comm                      comm;
      OutputParameters::FieldFormat format;
      /// The time of every snapshot, in either format.
      std::vector<double> times;
      /// The vtu snapshots (time, .pvtu name), listed in the .pvd file.
      std::vector<std::pair<double, std::string>> records;
      /// The hdf5 snapshots, listed in the .xdmf file.
      std::vector<dealii::XDMFEntry> xdmf_entries;
      std::vector<double>            xdmf_times;
      /// The dimension of the hdf5 snapshots (for rewriting the .xdmf file
      /// after a restart).
      unsigned int xdmf_dim = 0;

      template <int dim>
      void
      write_vtu(dealii::DataOut<dim>         &data_out,
                double                        time,
                dealii::DataOutBase::VtkFlags flags);
      template <int dim>
      void
      write_hdf5(dealii::DataOut<dim> &data_out, double time);
      void
      write_pvd() const;
      void
      write_xdmf() const;
    };
  } // namespace fem
} // namespace vitrum

#endif
