#ifndef vitrum_base_collective_h
#define vitrum_base_collective_h

#include <mpi.h>

#include <string>

namespace vitrum
{
  namespace base
  {
    /**
     * Errors that one MPI rank hits while the others go on (a file only
     * rank 0 writes, a directory only it creates) must not leave the others
     * waiting in a collective call. Such code records the error here instead
     * of throwing; check_errors(), called by all ranks at fixed points (once
     * per time step, after each output, at the end of a run), then makes
     * every rank throw the same InputError, printed once.
     */

    /// Record an error of this rank (the first one is kept).
    void
    record_error(const std::string &message);

    /// Whether this rank has recorded an error since the last check.
    bool
    has_recorded_error();

    /**
     * Collective: if any rank recorded an error, every rank throws
     * InputError with the message of the lowest such rank (and the record
     * is cleared). Otherwise nothing happens.
     */
    void
    check_errors(MPI_Comm comm);

    /// Run f, recording (instead of propagating) any exception it throws.
    template <typename F>
    void
    guarded(F &&f);

    /// Run f on every rank (or wherever it does work) and check_errors().
    template <typename F>
    void
    collective(MPI_Comm comm, F &&f)
    {
      guarded(f);
      check_errors(comm);
    }


    /**
     * Stop requests. install_stop_handlers() makes SIGTERM and SIGUSR1
     * (what SLURM sends before the wall-clock limit; mpirun forwards
     * SIGUSR1) set a flag instead of ending the process; runs look at it
     * once per step through a collective check, write a checkpoint and end
     * with exit code 0.
     */
    void
    install_stop_handlers();

    /// The signal received since install_stop_handlers() ("" if none):
    /// "SIGTERM" or "SIGUSR1". Local to this rank.
    std::string
    received_stop_signal();

    /// Wall seconds since install_stop_handlers() (this process's life).
    double
    process_wall_seconds();
  } // namespace base
} // namespace vitrum


#include <exception>

namespace vitrum
{
  namespace base
  {
    std::string
    describe_exception(const std::exception &e);

    template <typename F>
    void
    guarded(F &&f)
    {
      try
        {
          f();
        }
      catch (const std::exception &e)
        {
          record_error(describe_exception(e));
        }
    }
  } // namespace base
} // namespace vitrum

#endif
