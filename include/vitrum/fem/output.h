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
      std::string         directory = "output";
      std::vector<double> output_times;
      unsigned int        output_every   = 0;
      unsigned int        progress_every = 10;

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
     * Field snapshots as parallel VTU files (one .pvtu per time, read by
     * ParaView and by Python's vtk/meshio) plus a .pvd file listing all of
     * them with their times, so ParaView opens the whole series at once.
     */
    class FieldWriter
    {
    public:
      FieldWriter(const std::string &directory,
                  const std::string &basename,
                  MPI_Comm           comm);

      /// Write one snapshot (DataOut already has its data and patches).
      template <int dim>
      void
      write(dealii::DataOut<dim> &data_out, double time);

      /// The records written so far, as text (stored in checkpoints).
      std::string
      serialize() const;

      /// Restore the records (after a restart) and rewrite the .pvd file.
      void
      deserialize(const std::string &text);

      unsigned int
      n_snapshots() const
      {
        return records.size();
      }

      /// Whether the last snapshot is of time t (a resumed run that is
      /// already at its end writes no second one).
      bool
      written_at(const double t) const
      {
        return !records.empty()
               && std::abs(records.back().first - t)
                    <= 1e-12 * std::max(1.0, std::abs(t));
      }

    private:
      std::string                                 directory;
      std::string                                 basename;
      MPI_Comm                                    comm;
      std::vector<std::pair<double, std::string>> records;

      void
      write_pvd() const;
    };
  } // namespace fem
} // namespace vitrum

#endif
