#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/schedule.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/models/model.h>

#include <petscversion.h>

#ifdef DEAL_II_WITH_TRILINOS
#  include <Trilinos_version.h>
#endif

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace
{
  using namespace vitrum;

  void
  print_help(std::ostream &out)
  {
    out << "vitrum: finite-element solver for metallic glasses and "
           "crystal-glass nanocomposites\n\n"
           "usage:\n"
           "  vitrum FILE.prm                 run the job in FILE.prm\n"
           "  vitrum --resume FILE.prm        continue from its last "
           "checkpoint\n"
           "  vitrum --dry-run FILE.prm       check FILE.prm and stop\n"
           "  vitrum --output-directory FILE.prm\n"
           "                                  print where FILE.prm writes "
           "results\n"
           "  vitrum --print-parameters [MODEL]\n"
           "                                  every parameter with default, "
           "allowed values\n"
           "                                  and documentation, in .prm "
           "syntax\n"
           "  vitrum --version                version, commit and the "
           "libraries it was built with\n"
           "  vitrum --help                   this text\n\n"
           "models (set Model = ...):\n";
    for (const auto &entry : models::registered_models())
      out << "  " << entry.name << ": " << entry.description << '\n';
    out << "\nRun with MPI: mpirun -np 4 vitrum FILE.prm\n";
  }


  struct Options
  {
    bool help = false, dry_run = false, resume = false, print = false,
         print_output_directory = false, version = false;
    std::string print_model;
    std::string file;
  };


  Options
  parse_command_line(const std::vector<std::string> &args)
  {
    Options options;
    for (unsigned int i = 0; i < args.size(); ++i)
      {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h")
          options.help = true;
        else if (a == "--version")
          options.version = true;
        else if (a == "--dry-run")
          options.dry_run = true;
        else if (a == "--resume")
          options.resume = true;
        else if (a == "--output-directory")
          options.print_output_directory = true;
        else if (a == "--print-parameters")
          {
            options.print = true;
            if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0)
              options.print_model = args[++i];
          }
        else if (a.rfind("--", 0) == 0)
          throw InputError("unknown option '" + a + "' (see vitrum --help)");
        else if (options.file.empty())
          options.file = a;
        else
          throw InputError("more than one parameter file given ('"
                           + options.file + "' and '" + a + "')");
      }
    if (!options.help && !options.print && !options.version
        && options.file.empty())
      throw InputError("no parameter file given (see vitrum --help)");
    return options;
  }


  /// The program's version, its commit and the libraries it was built
  /// with, one per line.
  std::string
  version_text()
  {
    std::ostringstream out;
    out << "vitrum " << VITRUM_VERSION << " (commit " << VITRUM_GIT_COMMIT
        << ")\n"
        << "deal.II " << DEAL_II_PACKAGE_VERSION << "\n"
        << "PETSc " << PETSC_VERSION_MAJOR << '.' << PETSC_VERSION_MINOR << '.'
        << PETSC_VERSION_SUBMINOR << "\n"
#ifdef DEAL_II_WITH_TRILINOS
        << "Trilinos " << TRILINOS_VERSION_STRING << "\n"
#endif
        << "p4est " << DEAL_II_P4EST_VERSION_MAJOR << '.'
        << DEAL_II_P4EST_VERSION_MINOR << '.' << DEAL_II_P4EST_VERSION_SUBMINOR
        << "\n"
        << "MPI standard " << MPI_VERSION << '.' << MPI_SUBVERSION << "\n";
    return out.str();
  }


  /**
   * The entries of the chosen model (and the common ones) as the run uses
   * them, defaults expanded: parsed again into a handler that declares only
   * that model, so parameters.prm lists what matters for this run.
   */
  std::unique_ptr<dealii::ParameterHandler>
  used_parameters(const Options &options, const std::string &model_name)
  {
    auto used = std::make_unique<dealii::ParameterHandler>();
    models::declare_all_parameters(*used, model_name);
    base::parse_parameter_file(*used, options.file);
    if (options.resume)
      {
        used->enter_subsection("Checkpointing");
        used->set("Resume", true);
        used->leave_subsection();
      }
    return used;
  }


  /// Writes <Output/Directory>/parameters.prm: the version, the file the
  /// run came from and every entry as used, so that results say how they
  /// were made. Rank 0 writes; an error there ends every rank.
  void
  write_used_parameters(dealii::ParameterHandler &used,
                        const std::string        &file,
                        MPI_Comm                  comm)
  {
    used.enter_subsection("Output");
    const std::string directory = used.get("Directory");
    used.leave_subsection();
    base::collective(comm, [&]() {
      if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      std::error_code failed;
      std::filesystem::create_directories(directory, failed);
      if (failed)
        throw InputError("Output/Directory: cannot create '" + directory
                         + "': " + failed.message());
      const std::string  path = directory + "/parameters.prm";
      std::ofstream      out(path);
      std::istringstream version(version_text());
      for (std::string line; std::getline(version, line);)
        out << "# " << line << '\n';
      out << "# parameters as used, defaults expanded, from '" << file << "'\n";
      used.print_parameters(out,
                            dealii::ParameterHandler::ShortPRM
                              | dealii::ParameterHandler::KeepDeclarationOrder);
      if (!out)
        throw InputError("cannot write '" + path + "': check Output/Directory");
    });
  }


  /// Checks that need more than a Pattern: values that must parse as
  /// schedules or name known things.
  void
  validate_common_entries(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Temperature");
    const std::string schedule = prm.get("Schedule");
    prm.leave_subsection();
    try
      {
        const auto parsed
          = base::Schedule::parse(schedule, base::Quantity::temperature());
        // No metallic glass, melt or crystal of one exists above 4000 K
        // (tungsten melts at 3695 K): such a schedule is a typing error,
        // and the kinetics would return NaN there.
        std::vector<double> times = {0.};
        for (const double t : parsed.breakpoints())
          times.push_back(t);
        for (const double t : times)
          if (parsed.value(t) > 4000)
            {
              char text[200];
              std::snprintf(text,
                            sizeof(text),
                            "%g K at t = %g s is above 4000 K, hotter "
                            "than any metallic glass, melt or crystal the "
                            "models describe",
                            parsed.value(t),
                            t);
              throw InputError(text);
            }
      }
    catch (const InputError &e)
      {
        std::string       message   = e.what();
        const std::string redundant = "Temperature schedule: ";
        if (message.rfind(redundant, 0) == 0)
          message = message.substr(redundant.size());
        throw InputError("Temperature/Schedule: " + message);
      }
  }


  int
  run(const Options &options, MPI_Comm comm)
  {
    const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    if (options.help)
      {
        if (root)
          print_help(std::cout);
        return 0;
      }
    if (options.version)
      {
        if (root)
          std::cout << version_text();
        return 0;
      }
    if (options.print)
      {
        if (!options.print_model.empty())
          models::find_model(options.print_model);
        dealii::ParameterHandler prm;
        models::declare_all_parameters(prm, options.print_model);
        if (root)
          prm.print_parameters(
            std::cout,
            dealii::ParameterHandler::PRM
              | dealii::ParameterHandler::KeepDeclarationOrder);
        return 0;
      }

    dealii::ParameterHandler prm;
    models::declare_all_parameters(prm);
    base::parse_parameter_file(prm, options.file);
    if (options.resume)
      {
        prm.enter_subsection("Checkpointing");
        prm.set("Resume", true);
        prm.leave_subsection();
      }
    validate_common_entries(prm);
    if (options.print_output_directory)
      {
        prm.enter_subsection("Output");
        if (root)
          std::cout << prm.get("Directory") << std::endl;
        prm.leave_subsection();
        return 0;
      }
    const auto &entry = models::find_model(prm.get("Model"));
    auto        model = entry.create(prm, comm, prm.get_integer("Dimension"));
    // Also in a dry run, so that the check of every shipped file covers it.
    const auto used = used_parameters(options, entry.name);
    // After the model has read its material files: their content is part
    // of the fingerprint.
    fem::set_run_fingerprint(fem::parameter_fingerprint(prm));
    // The model is destroyed before an error propagates: its TimerOutput
    // would otherwise print a warning over the message.
    std::exception_ptr error;
    try
      {
        if (options.resume && !model->writes_checkpoints())
          throw InputError(
            "--resume: model '" + entry.name
            + "' in this mode writes no checkpoints, so there is "
              "nothing to resume from; run it without --resume");
        if (options.resume && !options.dry_run)
          {
            prm.enter_subsection("Output");
            const std::string directory = prm.get("Directory");
            prm.leave_subsection();
            fem::check_resume(directory, comm);
          }
        if (!options.dry_run)
          {
            write_used_parameters(*used, options.file, comm);
            model->run();
            base::check_errors(comm);
          }
      }
    catch (...)
      {
        error = std::current_exception();
      }
    if (error)
      {
        model.reset();
        std::rethrow_exception(error);
      }
    if (options.dry_run)
      {
        if (root)
          std::cout << "vitrum: '" << options.file << "' is valid (model '"
                    << entry.name << "', " << prm.get_integer("Dimension")
                    << "D)" << std::endl;
        return 0;
      }
    return 0;
  }


  /**
   * Every rank that caught an error comes here. When the error was raised
   * on all ranks (every input error, and every error collected by
   * base::check_errors) they all arrive within moments: rank 0 prints the
   * message once and all exit with the code. A rank that is alone with its
   * error (the others wait in a collective call) prints it and ends the
   * whole job with that code instead of leaving it hanging.
   */
  int
  finish_after_error(MPI_Comm           error_comm,
                     const int          code,
                     const std::string &prefix,
                     const std::string &message)
  {
    const bool root = dealii::Utilities::MPI::this_mpi_process(error_comm) == 0;
    MPI_Request request;
    MPI_Ibarrier(error_comm, &request);
    const auto start = std::chrono::steady_clock::now();
    int        done  = 0;
    while (!done)
      {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (done
            || std::chrono::steady_clock::now() - start
                 > std::chrono::seconds(5))
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    if (done)
      {
        if (root)
          std::cerr << prefix << message << std::endl;
        return code;
      }
    std::cerr << prefix << message << std::endl;
    MPI_Abort(MPI_COMM_WORLD, code);
    return code;
  }
} // namespace


int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                           comm = MPI_COMM_WORLD;
  // Used by finish_after_error alone, so that its barrier cannot meet a
  // collective call of the run.
  MPI_Comm error_comm;
  MPI_Comm_dup(comm, &error_comm);
  vitrum::base::install_stop_handlers();
  int         code   = 1;
  std::string prefix = "vitrum: error: ", message;
  try
    {
      const std::vector<std::string> args(argv + 1, argv + argc);
      const int status = run(parse_command_line(args), comm);
      MPI_Comm_free(&error_comm);
      return status;
    }
  catch (const vitrum::InputError &e)
    {
      code    = 2;
      message = e.what();
    }
  catch (const vitrum::SolverError &e)
    {
      code    = 3;
      prefix  = "vitrum: solver failure: ";
      message = e.what();
    }
  catch (const dealii::ExceptionBase &e)
    {
      std::ostringstream info;
      e.print_info(info);
      message = vitrum::base::one_line(info.str());
    }
  catch (const std::exception &e)
    {
      message = e.what();
    }
  return finish_after_error(error_comm, code, prefix, message);
}
