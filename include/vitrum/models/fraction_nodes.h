#ifndef vitrum_models_fraction_nodes_h
#define vitrum_models_fraction_nodes_h

#include <deal.II/base/index_set.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/types.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/thermo/solution_phase.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * Node-wise work on the K - 1 independent mole fractions of a
     * multi-component model (components 0 .. n-1 of its FESystem), shared
     * by the partitioning and deposition models.
     */

    /// The components first, first + 1, ..., first + count - 1 of the
    /// FESystem: the n fractions are (0, n), their potentials (n, n).
    inline std::vector<unsigned int>
    consecutive_components(const unsigned int first, const unsigned int count)
    {
      std::vector<unsigned int> components(count);
      std::iota(components.begin(), components.end(), first);
      return components;
    }


    /// Call f(node) with the unknowns of the n fractions at every locally
    /// owned node. A node shared by cells is visited more than once; f must
    /// give the same result each time.
    template <int dim, typename NodeFunction>
    void
    for_each_owned_node(const dealii::DoFHandler<dim> &dof_handler,
                        const dealii::IndexSet        &owned_dofs,
                        const unsigned int             n,
                        NodeFunction                 &&f)
    {
      const auto        &fe      = dof_handler.get_fe();
      const unsigned int n_nodes = fe.base_element(0).n_dofs_per_cell();
      std::vector<dealii::types::global_dof_index> dofs(fe.n_dofs_per_cell());
      std::vector<dealii::types::global_dof_index> node(n);
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          cell->get_dof_indices(dofs);
          for (unsigned int s = 0; s < n_nodes; ++s)
            {
              for (unsigned int a = 0; a < n; ++a)
                node[a] = dofs[fe.component_to_system_index(a, s)];
              if (owned_dofs.is_element(node[0]))
                f(node);
            }
        }
    }


    /// Shorten the fractions' Newton update node by node so that no node
    /// loses more than 90 % of any element (thermo::limit_fraction_update):
    /// a node whose element is nearly used up must not stop all the others,
    /// as a global damping did. `x` ghosted; `update` owned, compressed
    /// and its constrained entries distributed on return. Returns the
    /// smallest factor of all ranks and, in `largest_removed`, the largest
    /// amount clipped at zero on any rank.
    template <int dim>
    double
    limit_fraction_updates(const dealii::DoFHandler<dim> &dof_handler,
                           const dealii::IndexSet        &owned_dofs,
                           const unsigned int             n,
                           const dealii::PETScWrappers::MPI::Vector &x,
                           const dealii::AffineConstraints<double> &constraints,
                           dealii::PETScWrappers::MPI::Vector      &update,
                           double &largest_removed)
    {
      double              smallest = 1;
      std::vector<double> xs(n), dxs(n);
      largest_removed = 0;
      for_each_owned_node(
        dof_handler,
        owned_dofs,
        n,
        [&](const std::vector<dealii::types::global_dof_index> &node) {
          for (unsigned int a = 0; a < n; ++a)
            {
              xs[a]  = x(node[a]);
              dxs[a] = update(node[a]);
            }
          double       taken = 0;
          const double alpha
            = thermo::limit_fraction_update(xs.data(), dxs.data(), n, taken);
          for (unsigned int a = 0; a < n; ++a)
            update(node[a]) = dxs[a];
          largest_removed = std::max(largest_removed, taken);
          smallest        = std::min(smallest, alpha);
        });
      update.compress(dealii::VectorOperation::insert);
      constraints.distribute(update);
      const MPI_Comm comm = update.get_mpi_communicator();
      largest_removed     = dealii::Utilities::MPI::max(largest_removed, comm);
      return dealii::Utilities::MPI::min(smallest, comm);
    }


    /// weight = x_a x_K at every owned node (negative values as zero): where
    /// a correction of the amounts may go without pushing a fraction near
    /// zero below it. `x` ghosted; `weight` owned, left to be compressed.
    template <int dim>
    void
    fraction_weights(const dealii::DoFHandler<dim>            &dof_handler,
                     const dealii::IndexSet                   &owned_dofs,
                     const unsigned int                        n,
                     const dealii::PETScWrappers::MPI::Vector &x,
                     dealii::PETScWrappers::MPI::Vector       &weight)
    {
      for_each_owned_node(
        dof_handler,
        owned_dofs,
        n,
        [&](const std::vector<dealii::types::global_dof_index> &node) {
          double x_dependent = 1;
          for (const auto dof : node)
            x_dependent -= x(dof);
          for (const auto dof : node)
            weight(dof) = std::max(x(dof), 0.0) * std::max(x_dependent, 0.0);
        });
    }
  } // namespace models
} // namespace vitrum

#endif
