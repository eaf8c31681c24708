#include <deal.II/base/quadrature_lib.h>

#include <deal.II/distributed/solution_transfer.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>

#include <deal.II/lac/vector.h>

#include <deal.II/numerics/solution_transfer.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/mesh.h>

#include <algorithm>
#include <string>
#include <tuple>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;

    void
    MeshParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Mesh");
      prm.declare_entry(
        "Domain size",
        "200, 200, 200",
        Patterns::List(base::QuantityPattern(base::nanometres(), 0), 1, 3),
        "Edge lengths of the box [x, y, z], in the model's "
        "length unit (nm for physical models, or with a "
        "unit: '0.2 um, 200 nm'); only the first Dimension "
        "entries are used.");
      prm.declare_entry("Coarse cells",
                        "50, 50, 50",
                        Patterns::List(Patterns::Integer(1), 1, 3),
                        "Cells of the coarse mesh along each axis.");
      prm.declare_entry("Periodic",
                        "true",
                        Patterns::Bool(),
                        "Periodic in every direction (else no-flux walls).");
      prm.declare_entry("Polynomial degree",
                        "1",
                        Patterns::Integer(1, 3),
                        "Degree of the Lagrange elements (1 = Q1, 2 = Q2).");
      prm.declare_entry("Minimum refinement level",
                        "0",
                        Patterns::Integer(0, 12),
                        "Cells are never coarser than the coarse mesh refined "
                        "this many times.");
      prm.declare_entry("Maximum refinement level",
                        "2",
                        Patterns::Integer(0, 12),
                        "Cells are never finer than the coarse mesh refined "
                        "this many times.");
      prm.declare_entry("Refine threshold",
                        "0.04",
                        Patterns::Double(0),
                        "Refine a cell where the concentration changes by more "
                        "than this across it (h |grad c|).");
      prm.declare_entry("Coarsen threshold",
                        "0.01",
                        Patterns::Double(0),
                        "Coarsen where h |grad c| is below this. Must be less "
                        "than half the refine threshold, or cells flip back "
                        "and forth.");
      prm.declare_entry("Adapt every",
                        "5",
                        Patterns::Integer(0),
                        "Adapt the mesh every this many steps (0: never).");
      prm.declare_entry("Initial adaptation cycles",
                        "4",
                        Patterns::Integer(0, 20),
                        "Rounds of (interpolate initial condition, adapt) "
                        "before the first step.");
      prm.leave_subsection();
    }


    void
    MeshParameters::parse_parameters(ParameterHandler &prm, const int dim)
    {
      prm.enter_subsection("Mesh");
      const auto sizes  = Utilities::split_string_list(prm.get("Domain size"));
      const auto cells  = Utilities::split_string_list(prm.get("Coarse cells"));
      periodic          = prm.get_bool("Periodic");
      polynomial_degree = prm.get_integer("Polynomial degree");
      minimum_level     = prm.get_integer("Minimum refinement level");
      maximum_level     = prm.get_integer("Maximum refinement level");
      refine_threshold  = prm.get_double("Refine threshold");
      coarsen_threshold = prm.get_double("Coarsen threshold");
      adapt_every       = prm.get_integer("Adapt every");
      initial_adaptation = prm.get_integer("Initial adaptation cycles");
      prm.leave_subsection();

      if (sizes.size() < static_cast<unsigned int>(dim)
          || cells.size() < static_cast<unsigned int>(dim))
        throw InputError("Mesh/Domain size and Mesh/Coarse cells: need at "
                         "least Dimension = "
                         + std::to_string(dim) + " entries each");
      domain_size.clear();
      coarse_cells.clear();
      for (int d = 0; d < dim; ++d)
        {
          domain_size.push_back(
            base::parse_in(sizes[d], base::nanometres(), "Mesh/Domain size"));
          coarse_cells.push_back(Utilities::string_to_int(cells[d]));
          if (!(domain_size.back() > 0))
            throw InputError("Mesh/Domain size: every entry must be > 0");
        }
      if (minimum_level > maximum_level)
        throw InputError("Mesh/Minimum refinement level ("
                         + std::to_string(minimum_level)
                         + ") must not exceed Mesh/Maximum refinement level ("
                         + std::to_string(maximum_level) + ")");
      if (!(coarsen_threshold < 0.5 * refine_threshold))
        throw InputError("Mesh/Coarsen threshold must be less than half of "
                         "Mesh/Refine threshold");
    }


    template <int dim>
    ParallelMesh<dim>::ParallelMesh(MPI_Comm comm)
        : internal::ParallelMeshBase<dim>::type(
          comm,
          Triangulation<dim>::limit_level_difference_at_vertices)
    {
    }


    template <>
    ParallelMesh<1>::ParallelMesh(MPI_Comm comm)
        : parallel::shared::Triangulation<1>(
          comm,
          Triangulation<1>::limit_level_difference_at_vertices,
          /*allow_artificial_cells=*/false,
          parallel::shared::Triangulation<1>::partition_zorder)
    {
    }


    PETScWrappers::MPI::Vector
    ghosted_copy(const PETScWrappers::MPI::Vector &v,
                 const IndexSet                   &owned,
                 const IndexSet                   &relevant)
    {
      PETScWrappers::MPI::Vector result(owned,
                                        relevant,
                                        v.get_mpi_communicator());
      result = v;
      return result;
    }


    template <int dim>
    bool
    is_shared_mesh(const Triangulation<dim> &tria)
    {
      return dynamic_cast<const parallel::shared::Triangulation<dim> *>(&tria)
             != nullptr;
    }


    template <int dim>
    void
    make_box_mesh(Triangulation<dim>   &tria,
                  const MeshParameters &prm,
                  const bool            refine_to_minimum)
    {
      Point<dim>                p2;
      std::vector<unsigned int> repetitions(dim);
      for (int d = 0; d < dim; ++d)
        {
          p2[d]          = prm.domain_size[d];
          repetitions[d] = prm.coarse_cells[d];
        }
      GridGenerator::subdivided_hyper_rectangle(tria,
                                                repetitions,
                                                Point<dim>(),
                                                p2,
                                                /*colorize=*/true);
      // A shared mesh needs no periodic neighbours: without artificial cells
      // every rank sees both ends, and the constraints alone glue them.
      if (prm.periodic && !is_shared_mesh(tria))
        {
          std::vector<GridTools::PeriodicFacePair<
            typename Triangulation<dim>::cell_iterator>>
            pairs;
          for (int d = 0; d < prm.n_periodic_axes(dim); ++d)
            GridTools::collect_periodic_faces(tria, 2 * d, 2 * d + 1, d, pairs);
          tria.add_periodicity(pairs);
        }
      if (refine_to_minimum)
        tria.refine_global(prm.minimum_level);
    }


    template <int dim>
    void
    distribute_dofs(DoFHandler<dim> &dof_handler, const FiniteElement<dim> &fe)
    {
      dof_handler.distribute_dofs(fe);
      if (!is_shared_mesh(dof_handler.get_triangulation()))
        return;
      // Key of each owned DoF: support point, then component.
      using Key            = std::tuple<std::vector<double>, unsigned int>;
      const IndexSet owned = dof_handler.locally_owned_dofs();
      std::vector<std::pair<Key, types::global_dof_index>> keys;
      keys.reserve(owned.n_elements());
      std::vector<bool>    seen(owned.n_elements(), false);
      const auto          &unit_points = fe.get_unit_support_points();
      const MappingQ1<dim> mapping;
      std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned() && !cell->is_ghost())
            continue;
          cell->get_dof_indices(dofs);
          for (unsigned int i = 0; i < dofs.size(); ++i)
            {
              if (!owned.is_element(dofs[i])
                  || seen[owned.index_within_set(dofs[i])])
                continue;
              seen[owned.index_within_set(dofs[i])] = true;
              const Point<dim> p
                = mapping.transform_unit_to_real_cell(cell, unit_points[i]);
              std::vector<double> coordinates(p.begin_raw(), p.end_raw());
              keys.emplace_back(Key(coordinates,
                                    fe.system_to_component_index(i).first),
                                dofs[i]);
            }
        }
      AssertThrow(keys.size() == owned.n_elements(), ExcInternalError());
      std::sort(keys.begin(), keys.end());
      std::vector<types::global_dof_index> new_numbers(owned.n_elements());
      for (unsigned int k = 0; k < keys.size(); ++k)
        new_numbers[owned.index_within_set(keys[k].second)]
          = owned.nth_index_in_set(k);
      dof_handler.renumber_dofs(new_numbers);
    }


    namespace
    {
      template <int dim>
      void
      collect_active(
        const typename DoFHandler<dim>::cell_iterator               &cell,
        std::vector<typename DoFHandler<dim>::active_cell_iterator> &out)
      {
        if (!cell->has_children())
          out.emplace_back(cell);
        else
          for (unsigned int c = 0; c < cell->n_children(); ++c)
            collect_active<dim>(cell->child(c), out);
      }
    } // namespace


    template <int dim>
    std::vector<typename DoFHandler<dim>::active_cell_iterator>
    active_cells_in_tree_order(const DoFHandler<dim> &dof_handler)
    {
      std::vector<typename DoFHandler<dim>::active_cell_iterator> cells;
      for (const auto &cell : dof_handler.cell_iterators_on_level(0))
        collect_active<dim>(cell, cells);
      return cells;
    }


    template <int dim>
    std::vector<typename DoFHandler<dim>::active_cell_iterator>
    locally_owned_cells(const DoFHandler<dim> &dof_handler)
    {
      std::vector<typename DoFHandler<dim>::active_cell_iterator> cells;
      if (is_shared_mesh(dof_handler.get_triangulation()))
        {
          for (const auto &cell : active_cells_in_tree_order(dof_handler))
            if (cell->is_locally_owned())
              cells.push_back(cell);
        }
      else
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            cells.push_back(cell);
      return cells;
    }


    template <int dim>
    void
    make_mesh_constraints(const DoFHandler<dim>     &dof_handler,
                          const MeshParameters      &prm,
                          AffineConstraints<double> &constraints)
    {
      DoFTools::make_hanging_node_constraints(dof_handler, constraints);
      for (int d = 0; d < prm.n_periodic_axes(dim); ++d)
        DoFTools::make_periodicity_constraints(dof_handler,
                                               2 * d,
                                               2 * d + 1,
                                               d,
                                               constraints);
    }


    namespace
    {
      /// The sparsity of every owned cell's matrix, as DoFTools makes it
      /// from `coupling`, plus the node-local pairs of `node_coupling` (at
      /// every pair of the cell's nodes if `everywhere`).
      template <int dim>
      void
      add_cell_couplings(const DoFHandler<dim>              &dof_handler,
                         const Table<2, DoFTools::Coupling> &coupling,
                         const Table<2, bool>               &node_coupling,
                         const bool                          everywhere,
                         const AffineConstraints<double>    &constraints,
                         DynamicSparsityPattern             &dsp)
      {
        const auto        &fe     = dof_handler.get_fe();
        const unsigned int n_dofs = fe.n_dofs_per_cell();
        Table<2, bool>     mask(n_dofs, n_dofs);
        for (unsigned int i = 0; i < n_dofs; ++i)
          for (unsigned int j = 0; j < n_dofs; ++j)
            {
              // (component, index of the node among that component's)
              const auto ci = fe.system_to_component_index(i);
              const auto cj = fe.system_to_component_index(j);
              const bool always
                = coupling.empty()
                  || coupling(ci.first, cj.first) != DoFTools::none;
              mask(i, j) = always
                           || (node_coupling(ci.first, cj.first)
                               && (everywhere || ci.second == cj.second));
            }
        std::vector<types::global_dof_index> dofs(n_dofs);
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              cell->get_dof_indices(dofs);
              constraints.add_entries_local_to_global(dofs, dsp, false, mask);
            }
      }
    } // namespace


    template <int dim>
    void
    setup_system(const DoFHandler<dim>              &dof_handler,
                 const MeshParameters               &prm,
                 MPI_Comm                            comm,
                 IndexSet                           &owned_dofs,
                 IndexSet                           &relevant_dofs,
                 AffineConstraints<double>          &constraints,
                 PETScWrappers::MPI::SparseMatrix   &matrix,
                 const Table<2, DoFTools::Coupling> &coupling,
                 const Table<2, bool>               &node_coupling,
                 const bool                          node_pairs_everywhere)
    {
      owned_dofs    = dof_handler.locally_owned_dofs();
      relevant_dofs = DoFTools::extract_locally_relevant_dofs(dof_handler);
      constraints.clear();
      constraints.reinit(relevant_dofs);
      make_mesh_constraints(dof_handler, prm, constraints);
      constraints.close();

      DynamicSparsityPattern dsp(relevant_dofs);
      if (!node_coupling.empty())
        add_cell_couplings(dof_handler,
                           coupling,
                           node_coupling,
                           node_pairs_everywhere,
                           constraints,
                           dsp);
      else if (coupling.empty())
        DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
      else
        DoFTools::make_sparsity_pattern(dof_handler,
                                        coupling,
                                        dsp,
                                        constraints,
                                        false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 owned_dofs,
                                                 comm,
                                                 relevant_dofs);
      matrix.reinit(owned_dofs, owned_dofs, dsp, comm);
    }


    namespace
    {
      /// On a shared mesh each rank flagged its own cells: give every rank
      /// all flags (1 refine, 2 coarsen), since all of them refine the mesh.
      template <int dim>
      void
      synchronize_flags(const DoFHandler<dim> &dof_handler)
      {
        const auto &tria = dof_handler.get_triangulation();
        const auto *shared
          = dynamic_cast<const parallel::shared::Triangulation<dim> *>(&tria);
        std::vector<unsigned int> flags(tria.n_active_cells(), 0);
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            flags[cell->active_cell_index()]
              = cell->refine_flag_set() ? 1
                                        : (cell->coarsen_flag_set() ? 2 : 0);
        Utilities::MPI::sum(flags, shared->get_communicator(), flags);
        for (const auto &cell : dof_handler.active_cell_iterators())
          {
            cell->clear_refine_flag();
            cell->clear_coarsen_flag();
            if (flags[cell->active_cell_index()] == 1)
              cell->set_refine_flag();
            else if (flags[cell->active_cell_index()] == 2)
              cell->set_coarsen_flag();
          }
      }
    } // namespace


    template <int dim>
    void
    flag_cells_by_gradient(const DoFHandler<dim>            &dof_handler,
                           const PETScWrappers::MPI::Vector &ghosted_solution,
                           const std::vector<unsigned int>  &components,
                           const MeshParameters             &prm)
    {
      const auto                 &fe = dof_handler.get_fe();
      const QTrapezoid<1>         trapezoid;
      const QIterated<dim>        quadrature(trapezoid, fe.degree);
      FEValues<dim>               fe_values(fe, quadrature, update_gradients);
      std::vector<Tensor<1, dim>> gradients(quadrature.size());

      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          double max_gradient = 0;
          for (const unsigned int component : components)
            {
              const FEValuesExtractors::Scalar field(component);
              fe_values[field].get_function_gradients(ghosted_solution,
                                                      gradients);
              for (const auto &g : gradients)
                max_gradient = std::max(max_gradient, g.norm());
            }
          const double eta
            = max_gradient * cell->diameter() / std::sqrt(double(dim));
          const unsigned int level = cell->level();
          if (eta > prm.refine_threshold && level < prm.maximum_level)
            cell->set_refine_flag();
          else if (eta < prm.coarsen_threshold && level > prm.minimum_level)
            cell->set_coarsen_flag();
          if (level > prm.maximum_level)
            cell->set_coarsen_flag();
        }
      if (is_shared_mesh(dof_handler.get_triangulation()))
        synchronize_flags(dof_handler);
    }


    template <int dim>
    bool
    any_cell_flagged(const parallel::TriangulationBase<dim> &tria)
    {
      bool any = false;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned()
            && (cell->refine_flag_set() || cell->coarsen_flag_set()))
          any = true;
      return Utilities::MPI::max(int(any), tria.get_communicator()) > 0;
    }


    namespace
    {
      using PETScVector = PETScWrappers::MPI::Vector;

      /// All entries of a vector ghosted on every DoF, as a serial vector.
      dealii::Vector<double>
      replicated(const PETScVector &v, const IndexSet &relevant)
      {
        AssertThrow(relevant.n_elements() == v.size(),
                    ExcMessage("a vector of a shared mesh must be ghosted on "
                               "every DoF"));
        dealii::Vector<double> result(v.size());
        for (const auto i : relevant)
          result[i] = v(i);
        return result;
      }


      /// refine_and_transfer on a shared mesh: every rank holds all cells
      /// and all values, so the serial transfer works on replicated copies.
      template <int dim>
      void
      refine_and_transfer_shared(Triangulation<dim>               &tria,
                                 const DoFHandler<dim>            &dof_handler,
                                 const std::vector<PETScVector>   &old,
                                 const std::vector<PETScVector *> &states,
                                 const std::function<void()>      &setup_dofs,
                                 const IndexSet                   &owned_dofs,
                                 MPI_Comm                          comm)
      {
        const IndexSet relevant
          = DoFTools::extract_locally_relevant_dofs(dof_handler);
        std::vector<dealii::Vector<double>> inputs;
        for (const auto &v : old)
          inputs.push_back(replicated(v, relevant));
        SolutionTransfer<dim, dealii::Vector<double>> transfer(dof_handler);
        tria.prepare_coarsening_and_refinement();
        transfer.prepare_for_coarsening_and_refinement(inputs);
        tria.execute_coarsening_and_refinement();
        setup_dofs();
        std::vector<dealii::Vector<double>> outputs(inputs.size(),
                                                    dealii::Vector<double>(
                                                      dof_handler.n_dofs()));
        transfer.interpolate(inputs, outputs);
        for (unsigned int k = 0; k < states.size(); ++k)
          {
            states[k]->reinit(owned_dofs, comm);
            for (const auto i : owned_dofs)
              (*states[k])(i) = outputs[k][i];
            states[k]->compress(VectorOperation::insert);
          }
      }
    } // namespace


    template <int dim>
    void
    refine_and_transfer(parallel::TriangulationBase<dim> &tria,
                        const DoFHandler<dim>            &dof_handler,
                        const std::vector<PETScVector>   &old,
                        std::vector<PETScVector *>        states,
                        const std::function<void()>      &setup_dofs,
                        const IndexSet                   &owned_dofs)
    {
      if (is_shared_mesh(tria))
        return refine_and_transfer_shared(tria,
                                          dof_handler,
                                          old,
                                          states,
                                          setup_dofs,
                                          owned_dofs,
                                          tria.get_communicator());
      if constexpr (dim > 1)
        {
          std::vector<const PETScVector *> inputs;
          for (const auto &v : old)
            inputs.push_back(&v);
          parallel::distributed::SolutionTransfer<dim, PETScVector> transfer(
            dof_handler);
          tria.prepare_coarsening_and_refinement();
          transfer.prepare_for_coarsening_and_refinement(inputs);
          tria.execute_coarsening_and_refinement();
          setup_dofs();
          for (auto *s : states)
            s->reinit(owned_dofs, tria.get_communicator());
          transfer.interpolate(states);
        }
    }


#define VITRUM_MESH_INSTANTIATE(dim)                                     \
  template class ParallelMesh<dim>;                                      \
  template bool is_shared_mesh<dim>(const Triangulation<dim> &);         \
  template void make_box_mesh<dim>(Triangulation<dim> &,                 \
                                   const MeshParameters &,               \
                                   bool);                                \
  template std::vector<typename DoFHandler<dim>::active_cell_iterator>   \
  active_cells_in_tree_order<dim>(const DoFHandler<dim> &);              \
  template std::vector<typename DoFHandler<dim>::active_cell_iterator>   \
                locally_owned_cells<dim>(const DoFHandler<dim> &);       \
  template void distribute_dofs<dim>(DoFHandler<dim> &,                  \
                                     const FiniteElement<dim> &);        \
  template void make_mesh_constraints<dim>(const DoFHandler<dim> &,      \
                                           const MeshParameters &,       \
                                           AffineConstraints<double> &); \
  template void setup_system<dim>(const DoFHandler<dim> &,               \
                                  const MeshParameters &,                \
                                  MPI_Comm,                              \
                                  IndexSet &,                            \
                                  IndexSet &,                            \
                                  AffineConstraints<double> &,           \
                                  PETScWrappers::MPI::SparseMatrix &,    \
                                  const Table<2, DoFTools::Coupling> &,  \
                                  const Table<2, bool> &,                \
                                  bool);                                 \
  template void flag_cells_by_gradient<dim>(                             \
    const DoFHandler<dim> &,                                             \
    const PETScWrappers::MPI::Vector &,                                  \
    const std::vector<unsigned int> &,                                   \
    const MeshParameters &);                                             \
  template bool any_cell_flagged<dim>(                                   \
    const parallel::TriangulationBase<dim> &);                           \
  template void refine_and_transfer<dim>(                                \
    parallel::TriangulationBase<dim> &,                                  \
    const DoFHandler<dim> &,                                             \
    const std::vector<PETScWrappers::MPI::Vector> &,                     \
    std::vector<PETScWrappers::MPI::Vector *>,                           \
    const std::function<void()> &,                                       \
    const IndexSet &);

    VITRUM_MESH_INSTANTIATE(1)
    VITRUM_MESH_INSTANTIATE(2)
    VITRUM_MESH_INSTANTIATE(3)
#undef VITRUM_MESH_INSTANTIATE
  } // namespace fem
} // namespace vitrum
