#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>

#include <chrono>
#include <csignal>
#include <sstream>

namespace vitrum
{
  namespace base
  {
    namespace
    {
      std::string recorded;
      bool        has_record = false;

      volatile std::sig_atomic_t stop_signal = 0;

      std::chrono::steady_clock::time_point process_start
        = std::chrono::steady_clock::now();

      extern "C" void
      on_stop_signal(int signal)
      {
        stop_signal = signal;
      }
    } // namespace


    void
    record_error(const std::string &message)
    {
      if (has_record)
        return;
      recorded   = message.empty() ? "unknown error" : message;
      has_record = true;
    }


    bool
    has_recorded_error()
    {
      return has_record;
    }


    std::string
    describe_exception(const std::exception &e)
    {
      if (const auto *d = dynamic_cast<const dealii::ExceptionBase *>(&e))
        {
          std::ostringstream info;
          d->print_info(info);
          return one_line(info.str());
        }
      return e.what();
    }


    void
    check_errors(MPI_Comm comm)
    {
      int n_ranks = 1;
      MPI_Comm_size(comm, &n_ranks);
      const int rank  = dealii::Utilities::MPI::this_mpi_process(comm);
      int       mine  = has_record ? rank : n_ranks;
      int       first = mine;
      MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
      if (first == n_ranks)
        return;
      std::string message = dealii::Utilities::MPI::broadcast(
        comm, has_record ? recorded : std::string(), first);
      recorded.clear();
      has_record = false;
      throw InputError(message);
    }


    void
    install_stop_handlers()
    {
      process_start = std::chrono::steady_clock::now();
      struct sigaction action = {};
      action.sa_handler       = on_stop_signal;
      sigemptyset(&action.sa_mask);
      action.sa_flags = SA_RESTART;
      sigaction(SIGTERM, &action, nullptr);
      sigaction(SIGUSR1, &action, nullptr);
    }


    std::string
    received_stop_signal()
    {
      switch (stop_signal)
        {
          case 0:
            return "";
          case SIGTERM:
            return "SIGTERM";
          case SIGUSR1:
            return "SIGUSR1";
          default:
            return "signal " + std::to_string(int(stop_signal));
        }
    }


    double
    process_wall_seconds()
    {
      return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                           - process_start)
        .count();
    }
  } // namespace base
} // namespace vitrum
