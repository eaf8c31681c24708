#include <deal.II/base/mpi.h>

#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/distributed/tria.h>

#include <deal.II/lac/vector.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/mesh.h>

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
      const std::string final     = directory + "/checkpoint";
      const std::string temporary = directory + "/checkpoint.tmp";
      if (root)
        {
          fs::remove_all(temporary);
          fs::create_directories(temporary);
        }
      MPI_Barrier(comm);

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
    load_checkpoint_mesh(const std::string &directory, Triangulation<dim> &tria)
    {
      const std::string folder = directory + "/checkpoint";
      if (!checkpoint_exists(directory))
        throw InputError("Checkpointing/Resume: no checkpoint in '" + folder
                         + "' (run without Resume first, or fix "
                           "Output/Directory)");
      CheckpointState state;
      state.read(folder + "/state.txt");
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
      if (state.get_string("model") != model)
        throw InputError("Checkpointing/Resume: the checkpoint in '" + directory
                         + "' was written by model '"
                         + state.get_string("model") + "'");
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
        load_shared_vectors(directory + "/checkpoint", dof_handler, vectors);
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
