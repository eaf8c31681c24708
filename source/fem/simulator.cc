#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <vitrum/base/collective.h>
#include <vitrum/fem/simulator.h>

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;

    Simulator::Simulator(MPI_Comm                      comm,
                         const std::string            &checkpoint_name,
                         const TimeSteppingParameters &time_prm,
                         const OutputParameters       &output_prm,
                         const CheckpointParameters   &checkpoint_prm)
        : comm(comm)
        , checkpoint_name(checkpoint_name)
        , time_prm(time_prm)
        , output_prm(output_prm)
        , checkpoint_prm(checkpoint_prm)
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
        , fields(output_prm.directory, "fields", comm, output_prm.format)
        , clock(time_prm.end_time)
    {
    }


    Simulator::~Simulator() = default;


    bool
    Simulator::is_root() const
    {
      return Utilities::MPI::this_mpi_process(comm) == 0;
    }


    void
    Simulator::make_timer()
    {
      if (!timer)
        timer = std::make_unique<TimerOutput>(comm,
                                              pcout,
                                              TimerOutput::never,
                                              TimerOutput::wall_times);
    }


    bool
    Simulator::finished() const
    {
      return time_prm.finished(time, step);
    }


    void
    Simulator::simulate()
    {
      make_timer();
      prepare();
      output_prm.make_directory(comm);
      const bool resume = checkpoint_prm.resume;
      pcout << "vitrum: " << title() << ", "
            << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s)"
            << (resume ? ", resuming from checkpoint" : "") << "\n"
            << details() << std::flush;

      if (resume)
        {
          const CheckpointState state = read_checkpoint_data();
          if (state.has("wall time"))
            clock.set_earlier_seconds(state.get_double("wall time"));
          time = state.get_double("time");
          step = static_cast<unsigned int>(state.get_double("step"));
          if (state.has("last dt"))
            last_dt = state.get_double("last dt");
          fields.deserialize(state.get_string("field records"),
                             state.has("xdmf records")
                               ? state.get_string("xdmf records")
                               : "");
          load_entries(state);
          open_tables(true);
        }
      else
        {
          open_tables(false);
          time    = 0;
          step    = 0;
          last_dt = 0;
          start_new_run();
          report();
          write_fields();
        }

      while (!finished())
        {
          last_dt = advance();
          time += last_dt;
          ++step;
          after_step();
          report();
          if (output_prm.fields_due(time, step))
            write_fields();
          if (checkpoint_prm.every > 0 && step % checkpoint_prm.every == 0)
            write_checkpoint();
          const std::string stop = end_of_step_check(comm, checkpoint_prm);
          if (!stop.empty())
            {
              write_checkpoint();
              pcout << stop_message(stop,
                                    time,
                                    time_unit(),
                                    step,
                                    output_prm.directory)
                    << std::endl;
              return;
            }
        }

      if (!fields.written_at(time))
        write_fields();
      finish();
      write_checkpoint();
      base::check_errors(comm);
      print_summary();
    }


    void
    Simulator::open_tables(const bool resume)
    {
      csv.clear();
      for (const Table &t : tables())
        {
          const std::string file = output_prm.directory + "/" + t.file;
          csv.push_back(
            resume
              ? std::make_unique<base::CsvWriter>(file,
                                                  t.columns,
                                                  is_root(),
                                                  step)
              : std::make_unique<base::CsvWriter>(file, t.columns, is_root()));
        }
    }


    base::CsvWriter &
    Simulator::table(const unsigned int i)
    {
      return *csv.at(i);
    }


    std::vector<double>
    Simulator::target_times(const std::vector<double> &extra) const
    {
      std::vector<double> targets = output_prm.output_times;
      targets.push_back(time_prm.end_time);
      for (const double t : extra)
        if (t < time_prm.end_time)
          targets.push_back(t);
      return targets;
    }


    void
    Simulator::report()
    {
      clock.record(time, last_dt);
      write_rows();
      if (output_prm.progress_every == 0
          || step % output_prm.progress_every != 0)
        return;
      char head[128], tail[160];
      std::snprintf(head,
                    sizeof(head),
                    "step %6u  t %10.4e%s  dt %9.3e  ",
                    step,
                    time,
                    time_unit().c_str(),
                    last_dt);
      std::snprintf(
        tail,
        sizeof(tail),
        "  DoFs %8llu  wall %s  left %s",
        n_unknowns(),
        base::format_duration(clock.elapsed_seconds()).c_str(),
        base::format_duration(clock.estimated_seconds_left()).c_str());
      pcout << head << progress_details() << tail << std::endl;
    }


    void
    Simulator::write_checkpoint()
    {
      TimerOutput::Scope scope(*timer, "checkpoint");
      CheckpointState    state;
      state.set("model", checkpoint_name);
      state.set("wall time", clock.elapsed_seconds());
      state.set("time", time);
      state.set("step", double(step));
      state.set("last dt", last_dt);
      state.set("field records", fields.serialize());
      const std::string xdmf = fields.serialize_xdmf();
      if (!xdmf.empty())
        state.set("xdmf records", xdmf);
      save_entries(state);
      write_checkpoint_data(state);
    }


    void
    Simulator::write_checkpoint_data(const CheckpointState &state) const
    {
      save_state_checkpoint(output_prm.directory, state, comm);
    }


    CheckpointState
    Simulator::read_checkpoint_data()
    {
      return load_state_checkpoint(output_prm.directory, comm, checkpoint_name);
    }


    double
    Simulator::peak_memory_mb() const
    {
      Utilities::System::MemoryStats memory;
      Utilities::System::get_memory_stats(memory);
      return Utilities::MPI::sum(memory.VmHWM / 1024.0, comm);
    }


    void
    Simulator::print_summary() const
    {
      std::ostringstream out;
      out << "\nFinished at t = " << time << time_unit() << " after " << step
          << " steps\n"
          << summary() << "Wall time "
          << base::format_duration(clock.elapsed_seconds());
      if (n_unknowns() > 0)
        out << ", DoFs " << n_unknowns();
      out << ", peak memory " << std::fixed << std::setprecision(1)
          << peak_memory_mb() << " MB (sum over ranks)\n"
          << "Results in " << output_prm.directory << "/: " << result_files()
          << '\n';
      pcout << out.str() << std::flush;
      timer->print_summary();
    }
  } // namespace fem
} // namespace vitrum
