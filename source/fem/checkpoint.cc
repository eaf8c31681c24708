#include <deal.II/base/mpi.h>

#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/distributed/tria.h>

#include <deal.II/lac/vector.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/mesh.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

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
      prm.declare_entry(
        "Wall time limit",
        "0",
        base::QuantityPattern(base::seconds(), 0),
        "Wall time (s, or with a unit: '23.5 h') after which the run writes a "
        "checkpoint and stops "
        "with exit code 0, to be continued with --resume (0: no limit). "
        "It stops before the next step would cross the limit (twice the "
        "last step's wall time ahead). SIGTERM and SIGUSR1 do the same "
        "at any time.");
      prm.leave_subsection();
    }


    void
    CheckpointParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Checkpointing");
      every           = prm.get_integer("Every");
      resume          = prm.get_bool("Resume");
      wall_time_limit = base::get_quantity(prm,
                                           "Wall time limit",
                                           base::seconds(),
                                           "Checkpointing/");
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
      // state.txt holds one line per key and one per value.
      if (key.find('\n') != std::string::npos
          || value.find('\n') != std::string::npos)
        throw std::logic_error("checkpoint entry '" + key
                               + "' must be a single line");
      values[key] = value;
    }


    double
    CheckpointState::get_double(const std::string &key) const
    {
      return std::strtod(get_string(key).c_str(), nullptr);
    }


    bool
    CheckpointState::has(const std::string &key) const
    {
      return values.count(key) > 0;
    }


    std::map<std::string, std::string>
    CheckpointState::with_prefix(const std::string &prefix) const
    {
      std::map<std::string, std::string> result;
      for (const auto &[key, value] : values)
        if (key.rfind(prefix, 0) == 0)
          result[key.substr(prefix.size())] = value;
      return result;
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
      out.close();
      if (!out)
        throw InputError("cannot write checkpoint state '" + filename + "'");
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


    namespace
    {
      const std::string generation_prefix = "checkpoint-";

      /// The generation number of a folder name checkpoint-NNNNNN, or -1.
      long
      generation_number(const std::string &name)
      {
        if (name.rfind(generation_prefix, 0) != 0
            || name.size() == generation_prefix.size())
          return -1;
        const std::string digits = name.substr(generation_prefix.size());
        if (digits.find_first_not_of("0123456789") != std::string::npos)
          return -1;
        return std::stol(digits);
      }


      std::string
      generation_name(const long number)
      {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "checkpoint-%06ld", number);
        return buffer;
      }


      /// A generation is complete once its state holds n_vectors, which
      /// save_checkpoint writes last before the folder gets its final name.
      bool
      complete(const fs::path &folder)
      {
        std::ifstream in(folder / "state.txt");
        std::string   line;
        while (std::getline(in, line))
          if (line == "n_vectors")
            return true;
        return false;
      }


      /// The complete generations in `directory`, newest first; the folder
      /// `checkpoint` of the earlier layout (a real folder) is number 0.
      std::vector<std::pair<long, fs::path>>
      complete_generations(const std::string &directory)
      {
        std::vector<std::pair<long, fs::path>> found;
        std::error_code                        code;
        if (!fs::is_directory(directory, code))
          return found;
        for (const auto &entry : fs::directory_iterator(directory, code))
          {
            const std::string name = entry.path().filename().string();
            long              n    = generation_number(name);
            if (name == "checkpoint" && !entry.is_symlink())
              n = 0;
            if (n >= 0 && entry.is_directory() && complete(entry.path()))
              found.emplace_back(n, entry.path());
          }
        std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) {
          return a.first > b.first;
        });
        return found;
      }


      /// Flush a file or folder to disk.
      void
      sync_path(const fs::path &path, const bool folder)
      {
        const int fd
          = ::open(path.c_str(), folder ? O_RDONLY | O_DIRECTORY : O_RDONLY);
        if (fd < 0)
          throw InputError("cannot open '" + path.string()
                           + "' to sync it to disk");
        const int status = ::fsync(fd);
        ::close(fd);
        if (status != 0 && !folder)
          throw InputError("cannot sync '" + path.string() + "' to disk");
      }


      /// Rank 0, before a new generation is written: remove folders left by
      /// interrupted writes; return the new generation's number.
      long
      prepare_generation(const std::string &directory)
      {
        long newest = 0;
        for (const auto &entry : fs::directory_iterator(directory))
          {
            const std::string name = entry.path().filename().string();
            if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0
                && (name.rfind(generation_prefix, 0) == 0
                    || name == "checkpoint.tmp"))
              fs::remove_all(entry.path());
            else
              newest = std::max(newest, generation_number(name));
          }
        return newest + 1;
      }


      /// Rank 0, after every rank has written into `temporary`: sync, give
      /// the generation its name, point the link `checkpoint` at it, keep
      /// the previous complete generation and remove older ones.
      void
      commit_generation(const std::string &directory,
                        const fs::path    &temporary,
                        const long         number)
      {
        for (const auto &entry : fs::recursive_directory_iterator(temporary))
          if (entry.is_regular_file())
            sync_path(entry.path(), false);
        sync_path(temporary, true);
        const fs::path final = fs::path(directory) / generation_name(number);
        fs::rename(temporary, final);
        sync_path(directory, true);

        // The link: a real folder of the earlier layout becomes generation
        // 0 first (the link cannot replace a folder).
        const fs::path link = fs::path(directory) / "checkpoint";
        if (fs::is_directory(fs::symlink_status(link)))
          fs::rename(link, fs::path(directory) / generation_name(0));
        const fs::path new_link = fs::path(directory) / "checkpoint.link";
        fs::remove(new_link);
        fs::create_directory_symlink(generation_name(number), new_link);
        fs::rename(new_link, link);
        sync_path(directory, true);

        const auto generations = complete_generations(directory);
        for (unsigned int i = 2; i < generations.size(); ++i)
          fs::remove_all(generations[i].second);
      }


      Fingerprint run_fingerprint;
      bool        run_fingerprint_set = false;

      const std::string fingerprint_key = "fingerprint ";


      std::string
      temporary_folder(const std::string &directory, const long number)
      {
        return directory + "/" + generation_name(number) + ".tmp";
      }


      /// Collective: rank 0 clears what interrupted writes left and makes
      /// the new generation's temporary folder; returns its number.
      long
      begin_generation(const std::string &directory, MPI_Comm comm)
      {
        long number = 0;
        if (Utilities::MPI::this_mpi_process(comm) == 0)
          base::guarded([&]() {
            fs::create_directories(directory);
            number = prepare_generation(directory);
            fs::create_directories(temporary_folder(directory, number));
          });
        base::check_errors(comm);
        return Utilities::MPI::broadcast(comm, number, 0);
      }


      /// Collective, once every rank has written its part: rank 0 adds the
      /// state (with the run fingerprint and, last, the number of vectors
      /// that marks the generation complete) and commits the generation.
      void
      finish_generation(const std::string     &directory,
                        const long             number,
                        const CheckpointState &state,
                        const std::size_t      n_vectors,
                        MPI_Comm               comm)
      {
        MPI_Barrier(comm);
        if (Utilities::MPI::this_mpi_process(comm) == 0)
          base::guarded([&]() {
            const std::string temporary = temporary_folder(directory, number);
            CheckpointState   complete  = state;
            for (const auto &[name, value] : run_fingerprint)
              complete.set(fingerprint_key + name, value);
            complete.set("n_vectors", double(n_vectors));
            complete.write(temporary + "/state.txt");
            commit_generation(directory, temporary, number);
          });
        base::check_errors(comm);
      }


      /// A checkpoint must be of the model that resumes it.
      void
      check_model(const CheckpointState &state,
                  const std::string     &directory,
                  const std::string     &model)
      {
        if (state.get_string("model") != model)
          throw InputError("Checkpointing/Resume: the checkpoint in '"
                           + directory + "' was written by model '"
                           + state.get_string("model") + "'");
      }
    } // namespace


    void
    save_state_checkpoint(const std::string     &directory,
                          const CheckpointState &state,
                          MPI_Comm               comm)
    {
      finish_generation(directory,
                        begin_generation(directory, comm),
                        state,
                        0,
                        comm);
    }


    namespace
    {
      /// The state of the newest complete generation in `directory`,
      /// checked against the run fingerprint (collective); its folder in
      /// `folder`.
      CheckpointState
      newest_state(const std::string &directory,
                   MPI_Comm           comm,
                   std::string       &folder)
      {
        folder = newest_checkpoint(directory, comm);
        if (folder.empty())
          throw InputError("Checkpointing/Resume: no complete checkpoint in '"
                           + directory
                           + "' (run without --resume first, or fix "
                             "Output/Directory)");
        CheckpointState state;
        state.read(folder + "/state.txt");
        check_fingerprint(state, folder);
        return state;
      }
    } // namespace


    CheckpointState
    load_state_checkpoint(const std::string &directory,
                          MPI_Comm           comm,
                          const std::string &model)
    {
      std::string           folder;
      const CheckpointState state = newest_state(directory, comm, folder);
      check_model(state, directory, model);
      return state;
    }


    bool
    checkpoint_exists(const std::string &directory)
    {
      return !complete_generations(directory).empty();
    }


    std::string
    newest_checkpoint(const std::string &directory, MPI_Comm comm)
    {
      std::string folder;
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        {
          const auto generations = complete_generations(directory);
          if (!generations.empty())
            folder = generations.front().second.string();
        }
      return Utilities::MPI::broadcast(comm, folder, 0);
    }


    Fingerprint
    parameter_fingerprint(const ParameterHandler &prm)
    {
      std::ostringstream text;
      prm.print_parameters(text, ParameterHandler::ShortPRM);
      std::istringstream       in(text.str());
      std::vector<std::string> path;
      std::string              line;
      Fingerprint              fingerprint;
      const auto               trim = [](const std::string &s) {
        const auto a = s.find_first_not_of(" \t");
        const auto b = s.find_last_not_of(" \t");
        return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
      };
      const std::vector<std::string> free_subsections
        = {"Time stepping", "Output", "Checkpointing", "Solver"};
      while (std::getline(in, line))
        {
          line = trim(line);
          if (line.rfind("subsection ", 0) == 0)
            path.push_back(trim(line.substr(11)));
          else if (line == "end")
            {
              if (!path.empty())
                path.pop_back();
            }
          else if (line.rfind("set ", 0) == 0)
            {
              const auto equal = line.find('=');
              if (equal == std::string::npos)
                continue;
              if (!path.empty()
                  && std::find(free_subsections.begin(),
                               free_subsections.end(),
                               path.front())
                       != free_subsections.end())
                continue;
              std::string name;
              for (const auto &p : path)
                name += p + "/";
              name += trim(line.substr(4, equal - 4));
              fingerprint.emplace_back(name, trim(line.substr(equal + 1)));
            }
        }
      // Input files by content: a 64-bit FNV-1a hash of their bytes (of
      // every file of a folder, in name order).
      for (const auto &file : base::input_files())
        {
          std::vector<fs::path> parts;
          std::error_code       code;
          if (fs::is_directory(file, code))
            {
              for (const auto &entry : fs::directory_iterator(file, code))
                if (entry.is_regular_file())
                  parts.push_back(entry.path());
              std::sort(parts.begin(), parts.end());
            }
          else
            parts.push_back(file);
          std::uint64_t hash = 1469598103934665603ull;
          for (const auto &part : parts)
            {
              std::ifstream in(part, std::ios::binary);
              char          buffer[65536];
              while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0)
                {
                  for (std::streamsize i = 0; i < in.gcount(); ++i)
                    {
                      hash ^= static_cast<unsigned char>(buffer[i]);
                      hash *= 1099511628211ull;
                    }
                  if (!in)
                    break;
                }
            }
          char hex[32];
          std::snprintf(hex,
                        sizeof(hex),
                        "%016llx",
                        static_cast<unsigned long long>(hash));
          fingerprint.emplace_back("content of '" + file + "'", hex);
        }
      return fingerprint;
    }


    void
    set_run_fingerprint(const Fingerprint &fingerprint)
    {
      run_fingerprint     = fingerprint;
      run_fingerprint_set = true;
    }


    void
    check_fingerprint(const CheckpointState &state, const std::string &folder)
    {
      const auto saved = state.with_prefix(fingerprint_key);
      if (!run_fingerprint_set || saved.empty())
        return;
      std::map<std::string, std::string> now(run_fingerprint.begin(),
                                             run_fingerprint.end());
      std::vector<std::string>           differences;
      for (const auto &[name, value] : now)
        {
          const auto it = saved.find(name);
          if (it == saved.end())
            differences.push_back(name + " (not in the checkpoint)");
          else if (it->second != value)
            differences.push_back(name.rfind("content of ", 0) == 0
                                    ? name + " changed"
                                    : name + " = " + it->second
                                        + " in the checkpoint, now " + value);
        }
      for (const auto &[name, value] : saved)
        if (now.count(name) == 0)
          differences.push_back(name + " (only in the checkpoint)");
      if (differences.empty())
        return;
      std::string list;
      for (const auto &d : differences)
        list += (list.empty() ? "" : "; ") + d;
      throw InputError(
        "Checkpointing/Resume: the checkpoint in '" + folder
        + "' belongs to another discretization or physics: " + list
        + ". Resume with the settings it was written with, or start a new "
          "run (a resumed run may change Time stepping, Output, "
          "Checkpointing and Solver entries, End time for one)");
    }


    void
    check_resume(const std::string &directory, MPI_Comm comm)
    {
      std::string folder;
      newest_state(directory, comm, folder);
    }


    std::string
    end_of_step_check(MPI_Comm comm, const CheckpointParameters &parameters)
    {
      base::check_errors(comm);
      static double previous   = -1;
      const double  now        = base::process_wall_seconds();
      const double  step       = previous < 0 ? 0 : now - previous;
      previous                 = now;
      const std::string signal = base::received_stop_signal();
      // 1: SIGUSR1 or another, 2: SIGTERM, 4: wall time limit (rank 0's).
      int local = signal.empty() ? 0 : signal == "SIGTERM" ? 2 : 1;
      if (Utilities::MPI::this_mpi_process(comm) == 0
          && parameters.wall_time_limit > 0
          && now + 2 * step >= parameters.wall_time_limit)
        local |= 4;
      const int any = Utilities::MPI::max(local, comm);
      char      limit[96];
      std::snprintf(limit,
                    sizeof(limit),
                    "Checkpointing/Wall time limit (%g s) reached",
                    parameters.wall_time_limit);
      return (any & 2)   ? "SIGTERM received"
             : (any & 1) ? "SIGUSR1 received"
             : (any & 4) ? std::string(limit)
                         : "";
    }


    std::string
    stop_message(const std::string &reason,
                 const double       time,
                 const std::string &time_unit,
                 const unsigned int step,
                 const std::string &directory)
    {
      char line[512];
      std::snprintf(line,
                    sizeof(line),
                    "vitrum: %s: stopped at t = %g%s after step %u; "
                    "checkpoint written to %s/checkpoint, continue with "
                    "vitrum --resume",
                    reason.c_str(),
                    time,
                    time_unit.c_str(),
                    step,
                    directory.c_str());
      return line;
    }


    namespace
    {
      using PETScVector = PETScWrappers::MPI::Vector;

      const char *const tree_file   = "/mesh_tree.txt";
      const char *const values_file = "/cell_values.bin";
      const char *const short_tree
        = "Checkpointing/Resume: the checkpoint mesh tree ends early (were "
          "Mesh/Coarse cells changed?)";

      /// Depth first: '1' for a refined cell followed by its children, '0'
      /// for an active one.
      template <int dim>
      void
      append_tree(const typename Triangulation<dim>::cell_iterator &cell,
                  std::string                                      &tree)
      {
        tree += cell->has_children() ? '1' : '0';
        if (cell->has_children())
          for (unsigned int c = 0; c < cell->n_children(); ++c)
            append_tree<dim>(cell->child(c), tree);
      }


      template <int dim>
      std::string
      refinement_tree(const Triangulation<dim> &tria)
      {
        std::string tree;
        for (const auto &cell : tria.cell_iterators_on_level(0))
          append_tree<dim>(cell, tree);
        return tree;
      }


      /// Set refine flags on the active cells of `level` that the saved
      /// tree refines; `position` walks through the tree. Returns whether
      /// any cell was flagged.
      template <int dim>
      bool
      flag_from_tree(const typename Triangulation<dim>::cell_iterator &cell,
                     const std::string                                &tree,
                     std::size_t                                      &position,
                     const unsigned int                                level)
      {
        if (position >= tree.size())
          throw InputError(short_tree);
        if (tree[position++] != '1')
          return false;
        if (!cell->has_children())
          {
            // Its subtree is rebuilt in later rounds: skip it here. (An
            // active cell has no refine case yet: n_children() is 0.)
            constexpr unsigned int children
              = GeometryInfo<dim>::max_children_per_cell;
            unsigned int pending = children;
            while (pending > 0)
              {
                if (position >= tree.size())
                  throw InputError(short_tree);
                pending += (tree[position++] == '1' ? children : 0);
                --pending;
              }
            if (cell->level() == int(level))
              cell->set_refine_flag();
            return true;
          }
        bool any = false;
        for (unsigned int c = 0; c < cell->n_children(); ++c)
          any
            = flag_from_tree<dim>(cell->child(c), tree, position, level) || any;
        return any;
      }


      template <int dim>
      void
      save_shared(const std::string                      &temporary,
                  const DoFHandler<dim>                  &dof_handler,
                  const std::vector<const PETScVector *> &vectors,
                  const bool                              root)
      {
        if (!root)
          return;
        std::ofstream(temporary + tree_file)
          << refinement_tree(dof_handler.get_triangulation()) << '\n';
        std::ofstream          out(temporary + values_file, std::ios::binary);
        const auto             cells = active_cells_in_tree_order(dof_handler);
        const auto             n_local = dof_handler.get_fe().n_dofs_per_cell();
        dealii::Vector<double> local(n_local);
        for (const auto *v : vectors)
          {
            AssertThrow(v->has_ghost_elements()
                          || Utilities::MPI::n_mpi_processes(
                               v->get_mpi_communicator())
                               == 1,
                        ExcMessage("checkpoint vectors must be ghosted"));
            for (const auto &cell : cells)
              {
                cell->get_dof_values(*v, local);
                out.write(reinterpret_cast<const char *>(local.begin()),
                          n_local * sizeof(double));
              }
          }
        if (!out)
          throw SolverError("cannot write checkpoint '" + temporary
                            + values_file + "'");
      }


      template <int dim>
      void
      load_shared_mesh(const std::string &folder, Triangulation<dim> &tria)
      {
        std::ifstream in(folder + tree_file);
        std::string   tree;
        if (!(in >> tree))
          throw InputError("Checkpointing/Resume: cannot read '" + folder
                           + tree_file
                           + "' (was the checkpoint written in another "
                             "Dimension?)");
        for (unsigned int level = 0;; ++level)
          {
            std::size_t position = 0;
            bool        any      = false;
            for (const auto &cell : tria.cell_iterators_on_level(0))
              any = flag_from_tree<dim>(cell, tree, position, level) || any;
            if (position != tree.size())
              throw InputError("Checkpointing/Resume: the checkpoint mesh in '"
                               + folder
                               + "' has another coarse mesh (Mesh/Domain size "
                                 "or Mesh/Coarse cells changed?)");
            if (!any)
              break;
            tria.execute_coarsening_and_refinement();
          }
        if (refinement_tree(tria) != tree)
          throw SolverError("the checkpoint mesh in '" + folder
                            + "' could not be rebuilt from its refinement "
                              "tree");
      }


      template <int dim>
      void
      load_shared_vectors(const std::string                &folder,
                          const DoFHandler<dim>            &dof_handler,
                          const std::vector<PETScVector *> &vectors)
      {
        std::ifstream          in(folder + values_file, std::ios::binary);
        const auto             cells = active_cells_in_tree_order(dof_handler);
        const auto             n_local = dof_handler.get_fe().n_dofs_per_cell();
        dealii::Vector<double> local(n_local);
        std::vector<types::global_dof_index> dofs(n_local);
        for (auto *v : vectors)
          {
            const IndexSet owned = v->locally_owned_elements();
            for (const auto &cell : cells)
              {
                in.read(reinterpret_cast<char *>(local.begin()),
                        n_local * sizeof(double));
                cell->get_dof_indices(dofs);
                for (unsigned int i = 0; i < n_local; ++i)
                  if (owned.is_element(dofs[i]))
                    (*v)(dofs[i]) = local[i];
              }
            v->compress(VectorOperation::insert);
          }
        if (!in)
          throw InputError("Checkpointing/Resume: '" + folder + values_file
                           + "' is shorter than the mesh and vectors need");
      }
    } // namespace


    template <int dim>
    void
    save_checkpoint(
      const std::string                                     &directory,
      const DoFHandler<dim>                                 &dof_handler,
      const std::vector<const PETScWrappers::MPI::Vector *> &vectors,
      const CheckpointState                                 &state)
    {
      const auto *tria = dynamic_cast<const parallel::TriangulationBase<dim> *>(
        &dof_handler.get_triangulation());
      const MPI_Comm    comm      = tria->get_communicator();
      const bool        root      = Utilities::MPI::this_mpi_process(comm) == 0;
      const long        number    = begin_generation(directory, comm);
      const std::string temporary = temporary_folder(directory, number);

      const auto *distributed
        = dynamic_cast<const parallel::distributed::Triangulation<dim> *>(tria);
      if (distributed == nullptr)
        {
          // Only rank 0 writes: pass its failure to all ranks, so that none
          // waits at the barrier below for a rank that has thrown.
          std::string error;
          try
            {
              save_shared(temporary, dof_handler, vectors, root);
            }
          catch (const std::exception &e)
            {
              error = e.what();
            }
          error = Utilities::MPI::broadcast(comm, error, 0);
          if (!error.empty())
            throw SolverError(error);
        }
      else if constexpr (dim > 1)
        {
          parallel::distributed::SolutionTransfer<dim, PETScVector> transfer(
            dof_handler);
          transfer.prepare_for_serialization(vectors);
          distributed->save(temporary + "/mesh");
        }

      finish_generation(directory, number, state, vectors.size(), comm);
    }


    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string &directory, Triangulation<dim> &tria)
    {
      std::string           folder;
      const CheckpointState state
        = newest_state(directory, tria.get_communicator(), folder);
      auto *distributed
        = dynamic_cast<parallel::distributed::Triangulation<dim> *>(&tria);
      if (distributed == nullptr)
        load_shared_mesh(folder, tria);
      else if constexpr (dim > 1)
        {
          if (!fs::exists(folder + "/mesh"))
            throw InputError("Checkpointing/Resume: the checkpoint in '"
                             + folder + "' was written in another Dimension");
          distributed->load(folder + "/mesh");
        }
      return state;
    }


    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string  &directory,
                         Triangulation<dim> &tria,
                         const std::string  &model)
    {
      CheckpointState state = load_checkpoint_mesh(directory, tria);
      check_model(state, directory, model);
      return state;
    }


    template <int dim>
    void
    load_checkpoint_vectors(
      const std::string                               &directory,
      const DoFHandler<dim>                           &dof_handler,
      const std::vector<PETScWrappers::MPI::Vector *> &vectors)
    {
      if (dynamic_cast<const parallel::distributed::Triangulation<dim> *>(
            &dof_handler.get_triangulation())
          == nullptr)
        load_shared_vectors(
          newest_checkpoint(directory,
                            dof_handler.get_triangulation().get_communicator()),
          dof_handler,
          vectors);
      else if constexpr (dim > 1)
        {
          parallel::distributed::SolutionTransfer<dim, PETScVector> transfer(
            dof_handler);
          std::vector<PETScVector *> outputs = vectors;
          transfer.deserialize(outputs);
        }
    }


    template <int dim>
    void
    save_checkpoint(const std::string                             &directory,
                    const DoFHandler<dim>                         &dof_handler,
                    const std::vector<PETScWrappers::MPI::Vector> &vectors,
                    const IndexSet                                &relevant,
                    const CheckpointState                         &state)
    {
      std::vector<PETScVector>         with_ghosts;
      std::vector<const PETScVector *> pointers;
      for (const auto &v : vectors)
        {
          with_ghosts.emplace_back(v.locally_owned_elements(),
                                   relevant,
                                   v.get_mpi_communicator());
          with_ghosts.back() = v;
        }
      for (const auto &v : with_ghosts)
        pointers.push_back(&v);
      save_checkpoint(directory, dof_handler, pointers, state);
    }


    template <int dim>
    void
    load_checkpoint_vectors(const std::string        &directory,
                            const DoFHandler<dim>    &dof_handler,
                            const unsigned int        n,
                            const IndexSet           &owned,
                            MPI_Comm                  comm,
                            std::vector<PETScVector> &vectors)
    {
      vectors.assign(n, PETScVector(owned, comm));
      std::vector<PETScVector *> pointers;
      for (auto &v : vectors)
        pointers.push_back(&v);
      load_checkpoint_vectors(directory, dof_handler, pointers);
    }


#define VITRUM_CHECKPOINT_INSTANTIATE(dim)                                  \
  template void save_checkpoint<dim>(                                       \
    const std::string &,                                                    \
    const DoFHandler<dim> &,                                                \
    const std::vector<const PETScWrappers::MPI::Vector *> &,                \
    const CheckpointState &);                                               \
  template CheckpointState load_checkpoint_mesh<dim>(const std::string &,   \
                                                     Triangulation<dim> &); \
  template CheckpointState load_checkpoint_mesh<dim>(const std::string &,   \
                                                     Triangulation<dim> &,  \
                                                     const std::string &);  \
  template void            load_checkpoint_vectors<dim>(                    \
    const std::string &,                                         \
    const DoFHandler<dim> &,                                     \
    const std::vector<PETScWrappers::MPI::Vector *> &);          \
  template void save_checkpoint<dim>(                                       \
    const std::string &,                                                    \
    const DoFHandler<dim> &,                                                \
    const std::vector<PETScWrappers::MPI::Vector> &,                        \
    const IndexSet &,                                                       \
    const CheckpointState &);                                               \
  template void load_checkpoint_vectors<dim>(const std::string &,           \
                                             const DoFHandler<dim> &,       \
                                             unsigned int,                  \
                                             const IndexSet &,              \
                                             MPI_Comm,                      \
                                             std::vector<PETScVector> &);

    VITRUM_CHECKPOINT_INSTANTIATE(1)
    VITRUM_CHECKPOINT_INSTANTIATE(2)
    VITRUM_CHECKPOINT_INSTANTIATE(3)
#undef VITRUM_CHECKPOINT_INSTANTIATE
  } // namespace fem
} // namespace vitrum
