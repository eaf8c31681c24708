#ifndef vitrum_fem_simulator_h
#define vitrum_fem_simulator_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/progress.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/output.h>
#include <vitrum/fem/time_stepping.h>

#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /// A CSV file a model writes in its output directory: name and columns
    /// (the first column is the step number, by which a resume trims it).
    struct Table
    {
      std::string              file;
      std::vector<std::string> columns;
    };


    /**
     * The run of a time-dependent model, in the spirit of ASPECT's
     * Simulator loop: a new run or a resumed one, then steps until the end
     * time, with the services every model needs around each step: CSV
     * tables (continued after a resume from the checkpoint's step), field
     * snapshots at the output times, a progress line, checkpoints at their
     * cadence and at the end, a stop on SIGTERM/SIGUSR1 or at the wall time
     * limit (after a checkpoint), errors of any rank ending all ranks, and
     * a summary with the timer's table.
     *
     * A model derives from Simulator (or from ImplicitModel, which adds
     * implicit BDF time stepping on an adaptive mesh) and supplies its
     * physics through the hooks below. The step loop is
     *
     *     dt = advance();  time += dt;  ++step;  after_step();
     *     write_rows(); progress line; fields if due; checkpoint if due;
     *     stop on a signal or the wall time limit;
     *
     * until finished(), then finish(), the final checkpoint and the
     * summary. Only simulate() is public.
     */
    class Simulator
    {
    public:
      Simulator(MPI_Comm                      comm,
                const std::string            &checkpoint_name,
                const TimeSteppingParameters &time_prm,
                const OutputParameters       &output_prm,
                const CheckpointParameters   &checkpoint_prm);
      virtual ~Simulator();

      /// The whole run: start or resume, step to the end, final output,
      /// final checkpoint and summary.
      void
      simulate();

    protected:
      /// @name What a model supplies
      /// @{

      /// "partitioning, <material>, 2D, 2 bilayer(s)": what runs.
      virtual std::string
      title() const = 0;
      /// Lines printed after the title (the schedule, say); may be empty.
      virtual std::string
      details() const
      {
        return "";
      }
      /// Input read at the start of the run rather than by the
      /// constructor (a dry run does not need it); may throw InputError.
      /// The timer exists.
      virtual void
      prepare()
      {
      }
      /// The CSV files of the model, in the order table() numbers them.
      virtual std::vector<Table>
      tables() const = 0;
      /// The state at t = 0: mesh, DoFs, fields, observables.
      virtual void
      start_new_run()
        = 0;
      /// Advance the state by one step from `time` that stands; return its
      /// size (time and step are updated by the loop).
      virtual double
      advance()
        = 0;
      /// After a step stands and time and step are updated: adapt the
      /// mesh, nucleate, update observables.
      virtual void
      after_step()
      {
      }
      /// Whether the run is over (default: End time or the step limit).
      virtual bool
      finished() const;
      /// One row of every table for the current state.
      virtual void
      write_rows()
        = 0;
      /// The model's part of the progress line ("F 1.2e+02  Newton 3").
      virtual std::string
      progress_details() const = 0;
      /// A field snapshot through `fields` (nothing for models without a
      /// mesh).
      virtual void
      write_fields()
      {
      }
      /// End-of-run outputs (a final profile, a report), once, when the
      /// run reached its end (not after a stop on a signal), after the last
      /// field snapshot and before the final checkpoint and the summary.
      virtual void
      finish()
      {
      }
      /// Unknowns of the discretization (0: none).
      virtual unsigned long long
      n_unknowns() const
      {
        return 0;
      }
      /// The model's lines of the final summary, each ending in '\n'.
      virtual std::string
      summary() const = 0;
      /// What the output directory holds, for the summary's last line.
      virtual std::string
      result_files() const = 0;
      /// The model's own checkpoint entries.
      virtual void
      save_entries(CheckpointState &state) const = 0;
      /// Write the checkpoint with the complete state (default: a
      /// checkpoint of the state alone, for models without a mesh).
      virtual void
      write_checkpoint_data(const CheckpointState &state) const;
      /// Read the newest checkpoint (and with it the mesh and vectors) and
      /// return its state (default: the state alone).
      virtual CheckpointState
      read_checkpoint_data();
      /// Restore the model's own entries (after time and step are).
      virtual void
      load_entries(const CheckpointState &state)
        = 0;
      /// " s" if times are seconds, "" for a dimensionless model.
      virtual std::string
      time_unit() const
      {
        return " s";
      }
      /// @}

      /// @name Services for models
      /// @{

      /// The i-th table of tables().
      base::CsvWriter &
      table(unsigned int i);
      /// Times a step must end on exactly: the output times, the end time
      /// and `extra` (schedule kinks, say).
      std::vector<double>
      target_times(const std::vector<double> &extra = {}) const;
      /// Make the timer if there is none yet (simulate() does; so do test
      /// aids that use a model without running it).
      void
      make_timer();
      /// Summed peak memory of all ranks (MB).
      double
      peak_memory_mb() const;
      bool
      is_root() const;

      MPI_Comm                   comm;
      std::string                checkpoint_name;
      TimeSteppingParameters     time_prm;
      OutputParameters           output_prm;
      CheckpointParameters       checkpoint_prm;
      dealii::ConditionalOStream pcout;
      /// Made when the run starts (after construction: an input error
      /// found by a constructor is not followed by the timer's warning).
      std::unique_ptr<dealii::TimerOutput> timer;
      FieldWriter                          fields;
      base::ProgressClock                  clock;

      double       time    = 0;
      unsigned int step    = 0;
      double       last_dt = 0; ///< size of the last step (0 at the start)
      /// @}

      /// Create the tables (new files, or continued at `step` on resume).
      void
      open_tables(bool resume);

    private:
      std::vector<std::unique_ptr<base::CsvWriter>> csv;

      /// Rows, and the progress line when due.
      void
      report();
      void
      write_checkpoint();
      void
      print_summary() const;
    };
  } // namespace fem
} // namespace vitrum

#endif
