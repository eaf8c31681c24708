#ifndef vitrum_fem_mesh_h
#define vitrum_fem_mesh_h

#include <deal.II/base/parameter_handler.h>

#include <deal.II/distributed/shared_tria.h>
#include <deal.II/distributed/tria.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <functional>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * A box domain, its coarse mesh and the rules for adapting it
     * (subsection "Mesh").
     */
    struct MeshParameters
    {
      std::vector<double>       domain_size{200, 200, 200};
      std::vector<unsigned int> coarse_cells{50, 50, 50};
      bool                      periodic = true;
      /// Set by a model (not an entry): whether Periodic applies along the
      /// last axis too. A growing film is periodic laterally only.
      bool         periodic_along_last_axis = true;
      unsigned int polynomial_degree        = 1;
      unsigned int minimum_level            = 0;
      unsigned int maximum_level            = 2;
      double       refine_threshold         = 0.04;
      double       coarsen_threshold        = 0.01;
      unsigned int adapt_every              = 5;
      unsigned int initial_adaptation       = 4;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm, int dim);

      /// The axes along which the box is periodic.
      int
      n_periodic_axes(int dim) const
      {
        if (!periodic)
          return 0;
        return periodic_along_last_axis ? dim : dim - 1;
      }

      /// Volume (area, length) of the box's first `dim` edges.
      double
      volume(int dim) const
      {
        double v = 1;
        for (int d = 0; d < dim; ++d)
          v *= domain_size[d];
        return v;
      }
    };


    namespace internal
    {
      template <int dim>
      struct ParallelMeshBase
      {
        using type = dealii::parallel::distributed::Triangulation<dim>;
      };

      template <>
      struct ParallelMeshBase<1>
      {
        using type = dealii::parallel::shared::Triangulation<1>;
      };
    } // namespace internal


    /**
     * The parallel mesh of a model that runs in 1D, 2D and 3D (level
     * differences limited at vertices). In 2D and 3D it is p4est's
     * distributed mesh. p4est has no 1D, so in 1D it is a shared mesh: every
     * rank holds all cells (a 1D mesh is small) and owns a contiguous piece
     * of them (z-order partition); there are no artificial cells, so every
     * DoF is a ghost DoF on every rank. flag_cells_by_gradient() makes the
     * refinement flags agree on all ranks, refine_and_transfer() and the
     * checkpoint functions handle both kinds.
     */
    template <int dim>
    class ParallelMesh : public internal::ParallelMeshBase<dim>::type
    {
    public:
      explicit ParallelMesh(MPI_Comm comm);
    };


    /// A copy of `v` with the ghost entries of `relevant` (owned: `owned`).
    dealii::PETScWrappers::MPI::Vector
    ghosted_copy(const dealii::PETScWrappers::MPI::Vector &v,
                 const dealii::IndexSet                   &owned,
                 const dealii::IndexSet                   &relevant);


    /// Whether every rank holds the whole mesh (a shared mesh), so that
    /// vectors ghosted on the locally relevant DoFs hold every DoF.
    template <int dim>
    bool
    is_shared_mesh(const dealii::Triangulation<dim> &tria);


    /// The coarse box mesh, with periodic faces glued if asked, refined
    /// globally to the minimum level.
    template <int dim>
    void
    make_box_mesh(dealii::Triangulation<dim> &tria,
                  const MeshParameters       &prm,
                  bool                        refine_to_minimum = true);

    /**
     * Distribute the DoFs of `fe`. On a shared mesh they are then numbered
     * by their support points (lexicographically, then by component) within
     * each rank's range, so the numbering depends on the mesh alone and not
     * on the history of cell indices: a mesh rebuilt from a checkpoint gets
     * the same numbering, and the restarted run the same round-off. (The
     * ranks' ranges follow from the partition, which must depend on the
     * mesh alone too: z-order does, as in ParallelMesh<1>.)
     */
    template <int dim>
    void
    distribute_dofs(dealii::DoFHandler<dim>          &dof_handler,
                    const dealii::FiniteElement<dim> &fe);

    /**
     * The active cells in the order of the refinement tree: coarse cells in
     * order, children depth first. Unlike the storage order, which depends
     * on how the mesh was refined and coarsened, it depends on the mesh
     * alone.
     */
    template <int dim>
    std::vector<typename dealii::DoFHandler<dim>::active_cell_iterator>
    active_cells_in_tree_order(const dealii::DoFHandler<dim> &dof_handler);

    /**
     * The locally owned active cells; on a shared mesh in tree order, so
     * that sums over cells come out bit for bit the same on a mesh rebuilt
     * from a checkpoint (p4est rebuilds its meshes in its own order).
     */
    template <int dim>
    std::vector<typename dealii::DoFHandler<dim>::active_cell_iterator>
    locally_owned_cells(const dealii::DoFHandler<dim> &dof_handler);

    /// Hanging-node and (if the box is periodic) periodicity constraints.
    template <int dim>
    void
    make_mesh_constraints(const dealii::DoFHandler<dim>     &dof_handler,
                          const MeshParameters              &prm,
                          dealii::AffineConstraints<double> &constraints);

    /**
     * After distribute_dofs(): the owned and relevant DoFs, the mesh
     * constraints (hanging nodes, periodicity) and a distributed matrix with
     * the sparsity of the constrained system; `coupling` (component by
     * component, empty: all couple) leaves out blocks that are zero.
     * `node_coupling` (same size, may be empty) adds the pairs of
     * components that couple only where both sit on the same node: the
     * terms of a lumped mass matrix of nodal (Lagrange) elements, integrated
     * at the nodes. Their entries to the node's neighbours stay out unless
     * `node_pairs_everywhere` (for a package that orders the leaner pattern
     * worse).
     */
    template <int dim>
    void
    setup_system(const dealii::DoFHandler<dim>            &dof_handler,
                 const MeshParameters                     &prm,
                 MPI_Comm                                  comm,
                 dealii::IndexSet                         &owned_dofs,
                 dealii::IndexSet                         &relevant_dofs,
                 dealii::AffineConstraints<double>        &constraints,
                 dealii::PETScWrappers::MPI::SparseMatrix &matrix,
                 const dealii::Table<2, dealii::DoFTools::Coupling> &coupling
                 = {},
                 const dealii::Table<2, bool> &node_coupling         = {},
                 bool                          node_pairs_everywhere = false);

    /**
     * Flag cells where a field changes steeply: indicator
     * eta_K = h_K max_q max_c |grad u_c| over the given components (the
     * largest change of one of them across the cell).
     * Refine where eta_K > refine threshold, coarsen where it is below the
     * coarsen threshold, within the level limits. Each flag depends on the
     * cell alone, so the mesh does not depend on the number of MPI ranks.
     * On a shared mesh the flags of the owned cells are then copied to all
     * ranks, which must refine alike.
     */
    template <int dim>
    void
    flag_cells_by_gradient(
      const dealii::DoFHandler<dim>            &dof_handler,
      const dealii::PETScWrappers::MPI::Vector &ghosted_solution,
      const std::vector<unsigned int>          &components,
      const MeshParameters                     &prm);

    /// Whether a cell on any rank carries a refine or coarsen flag.
    template <int dim>
    bool
    any_cell_flagged(const dealii::parallel::TriangulationBase<dim> &tria);

    /**
     * Refine and coarsen by the flags and carry vectors over: `old` are
     * ghosted copies of the states on the old mesh; setup_dofs() rebuilds
     * DoFs (and `owned_dofs`) on the new mesh; each of `states` is then
     * resized to the new owned DoFs and interpolated. Constraints are left
     * to the caller. On a shared mesh the vectors must hold every DoF (they
     * do when ghosted on the locally relevant DoFs).
     */
    template <int dim>
    void
    refine_and_transfer(
      dealii::parallel::TriangulationBase<dim>              &tria,
      const dealii::DoFHandler<dim>                         &dof_handler,
      const std::vector<dealii::PETScWrappers::MPI::Vector> &old,
      std::vector<dealii::PETScWrappers::MPI::Vector *>      states,
      const std::function<void()>                           &setup_dofs,
      const dealii::IndexSet                                &owned_dofs);
  } // namespace fem
} // namespace vitrum

#endif
