#include <deal.II/base/mpi.h>

#include <deal.II/distributed/solution_transfer.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/checkpoint.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;
    namespace fs = std::filesystem;

    void
    CheckpointParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Checkpointing");
      prm.declare_entry(
        "Every",
        "0",
        Patterns::Integer(0),
        "Write a checkpoint every this many steps (0: only at "
        "the end). It goes to <Output/Directory>/checkpoint and "
        "replaces the previous one only once complete.");
      prm.declare_entry("Resume",
                        "false",
                        Patterns::Bool(),
                        "Continue from the checkpoint in Output/Directory "
                        "instead of starting anew (same as --resume).");
      prm.leave_subsection();
    }


    void
    CheckpointParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Checkpointing");
      every  = prm.get_integer("Every");
      resume = prm.get_bool("Resume");
      prm.leave_subsection();
    }


    void
    CheckpointState::set(const std::string &key, const double value)
    {
      char buffer[64];
      std::snprintf(buffer, sizeof(buffer), "%a", value);
      values[key] = buffer;
    }


    void
    CheckpointState::set(const std::string &key, const std::string &value)
    {
      values[key] = value;
    }


    double
    CheckpointState::get_double(const std::string &key) const
    {
      return std::strtod(get_string(key).c_str(), nullptr);
    }


    const std::string &
    CheckpointState::get_string(const std::string &key) const
    {
      const auto it = values.find(key);
      if (it == values.end())
        throw InputError("checkpoint is incomplete: no entry '" + key
                         + "' (was it written by another model or version?)");
      return it->second;
    }


    void
    CheckpointState::write(const std::string &filename) const
    {
      std::ofstream out(filename);
      for (const auto &[key, value] : values)
        out << key << '\n' << value << '\n';
    }


    void
    CheckpointState::read(const std::string &filename)
    {
      std::ifstream in(filename);
      if (!in)
        throw InputError("cannot read checkpoint state '" + filename + "'");
      std::string key, value;
      while (std::getline(in, key) && std::getline(in, value))
        values[key] = value;
    }


    bool
    checkpoint_exists(const std::string &directory)
    {
      return fs::exists(directory + "/checkpoint/state.txt");
    }


    template <int dim>
    void
    save_checkpoint(
      const std::string                                     &directory,
      const DoFHandler<dim>                                 &dof_handler,
      const std::vector<const PETScWrappers::MPI::Vector *> &vectors,
      const CheckpointState                                 &state)
    {
      const auto *tria
        = dynamic_cast<const parallel::distributed::Triangulation<dim> *>(
          &dof_handler.get_triangulation());
      const MPI_Comm    comm      = tria->get_communicator();
      const bool        root      = Utilities::MPI::this_mpi_process(comm) == 0;
      const std::string final     = directory + "/checkpoint";
      const std::string temporary = directory + "/checkpoint.tmp";
      if (root)
        {
          fs::remove_all(temporary);
          fs::create_directories(temporary);
        }
      MPI_Barrier(comm);

      parallel::distributed::SolutionTransfer<dim, PETScWrappers::MPI::Vector>
        transfer(dof_handler);
      transfer.prepare_for_serialization(vectors);
      tria->save(temporary + "/mesh");

      if (root)
        {
          CheckpointState complete = state;
          complete.set("n_vectors", double(vectors.size()));
          complete.write(temporary + "/state.txt");
          fs::remove_all(final);
          fs::rename(temporary, final);
        }
      MPI_Barrier(comm);
    }


    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string                         &directory,
                         parallel::distributed::Triangulation<dim> &tria)
    {
      const std::string folder = directory + "/checkpoint";
      if (!checkpoint_exists(directory))
        throw InputError("Checkpointing/Resume: no checkpoint in '" + folder
                         + "' (run without Resume first, or fix "
                           "Output/Directory)");
      CheckpointState state;
      state.read(folder + "/state.txt");
      tria.load(folder + "/mesh");
      return state;
    }


    template <int dim>
    void
    load_checkpoint_vectors(
      const DoFHandler<dim>                           &dof_handler,
      const std::vector<PETScWrappers::MPI::Vector *> &vectors)
    {
      parallel::distributed::SolutionTransfer<dim, PETScWrappers::MPI::Vector>
                                                transfer(dof_handler);
      std::vector<PETScWrappers::MPI::Vector *> outputs = vectors;
      transfer.deserialize(outputs);
    }


    template void
    save_checkpoint<2>(const std::string &,
                       const DoFHandler<2> &,
                       const std::vector<const PETScWrappers::MPI::Vector *> &,
                       const CheckpointState &);
    template void
    save_checkpoint<3>(const std::string &,
                       const DoFHandler<3> &,
                       const std::vector<const PETScWrappers::MPI::Vector *> &,
                       const CheckpointState &);
    template CheckpointState
    load_checkpoint_mesh<2>(const std::string &,
                            parallel::distributed::Triangulation<2> &);
    template CheckpointState
    load_checkpoint_mesh<3>(const std::string &,
                            parallel::distributed::Triangulation<3> &);
    template void
    load_checkpoint_vectors<2>(
      const DoFHandler<2> &,
      const std::vector<PETScWrappers::MPI::Vector *> &);
    template void
    load_checkpoint_vectors<3>(
      const DoFHandler<3> &,
      const std::vector<PETScWrappers::MPI::Vector *> &);
  } // namespace fem
} // namespace vitrum
