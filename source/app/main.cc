#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/schedule.h>
#include <vitrum/models/model.h>

#include <iostream>
#include <string>
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
           "  vitrum --help                   this text\n\n"
           "models (set Model = ...):\n";
    for (const auto &entry : models::registered_models())
      out << "  " << entry.name << ": " << entry.description << '\n';
    out << "\nRun with MPI: mpirun -np 4 vitrum FILE.prm\n";
  }


  struct Options
  {
    bool help = false, dry_run = false, resume = false, print = false,
         print_output_directory = false;
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
    if (!options.help && !options.print && options.file.empty())
      throw InputError("no parameter file given (see vitrum --help)");
    return options;
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
        base::Schedule::parse(schedule, base::Quantity::temperature());
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
    if (options.dry_run)
      {
        if (root)
          std::cout << "vitrum: '" << options.file << "' is valid (model '"
                    << entry.name << "', " << prm.get_integer("Dimension")
                    << "D)" << std::endl;
        return 0;
      }
    model->run();
    return 0;
  }
} // namespace


int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                           comm = MPI_COMM_WORLD;
  const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
  try
    {
      const std::vector<std::string> args(argv + 1, argv + argc);
      return run(parse_command_line(args), comm);
    }
  catch (const vitrum::InputError &e)
    {
      if (root)
        std::cerr << "vitrum: error: " << e.what() << std::endl;
      return 2;
    }
  catch (const vitrum::SolverError &e)
    {
      if (root)
        std::cerr << "vitrum: solver failure: " << e.what() << std::endl;
      return 3;
    }
  catch (const dealii::ExceptionBase &e)
    {
      std::ostringstream info;
      e.print_info(info);
      if (root)
        std::cerr << "vitrum: error: " << vitrum::base::one_line(info.str())
                  << std::endl;
      return 1;
    }
  catch (const std::exception &e)
    {
      if (root)
        std::cerr << "vitrum: error: " << e.what() << std::endl;
      return 1;
    }
}
