#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>

#include <deal.II/distributed/shared_tria.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping_q1.h>

#include <deal.II/lac/petsc_vector.h>

#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/mesh.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace
{
  using namespace dealii;
  using PVector = PETScWrappers::MPI::Vector;

  template <int dim>
  class Wave : public Function<dim>
  {
  public:
    Wave()
        : Function<dim>(2)
    {
    }

    double
    value(const Point<dim> &p, const unsigned int c) const override
    {
      return std::sin(1.3 * p[0] + c)
             + (dim > 1 ? std::cos(0.7 * p[dim - 1]) : 0);
    }
  };


  /// An empty directory for a checkpoint, removed by one rank only.
  std::string
  fresh_directory(const std::string &name)
  {
    const std::string directory = testing::TempDir() + "/" + name;
    if (Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
      std::filesystem::remove_all(directory);
    MPI_Barrier(MPI_COMM_WORLD);
    return directory;
  }


  template <int dim>
  vitrum::fem::MeshParameters
  box(const unsigned int cells)
  {
    vitrum::fem::MeshParameters prm;
    prm.domain_size.assign(dim, 8.0);
    prm.coarse_cells.assign(dim, cells);
    prm.periodic      = true;
    prm.minimum_level = 0;
    return prm;
  }


  /// Refine the right half, then the left, coarsen part of the right and
  /// refine more: the cells are then stored out of their tree order, as on
  /// an adapted mesh (a mesh rebuilt from its tree stores them in order).
  template <int dim>
  void
  adapt(Triangulation<dim> &tria, const unsigned int round)
  {
    for (const auto &cell : tria.active_cell_iterators())
      {
        const double x = cell->center()[0];
        if ((round == 0 && x > 4) || (round == 1 && x < 4)
            || (round == 2 && x > 1 && x < 2.5))
          cell->set_refine_flag();
        if (round == 2 && x > 6 && cell->level() > 0)
          cell->set_coarsen_flag();
      }
    tria.execute_coarsening_and_refinement();
  }


  /// Checkpoint and reload a shared mesh of any dimension, partitioned as
  /// fem::ParallelMesh<1> is (by z-order, which follows the tree; METIS
  /// would follow the storage order and split the reloaded mesh otherwise).
  template <int dim>
  void
  round_trip()
  {
    const MPI_Comm                       comm = MPI_COMM_WORLD;
    parallel::shared::Triangulation<dim> tria(
      comm,
      Triangulation<dim>::limit_level_difference_at_vertices,
      false,
      parallel::shared::Triangulation<dim>::partition_zorder);
    const auto prm = box<dim>(4);
    vitrum::fem::make_box_mesh(tria, prm);
    for (unsigned int round = 0; round < 3; ++round)
      adapt(tria, round);

    const FESystem<dim> fe(FE_Q<dim>(1), 2);
    DoFHandler<dim>     dofs(tria);
    vitrum::fem::distribute_dofs(dofs, fe);
    PVector state(dofs.locally_owned_dofs(), comm);
    VectorTools::interpolate(dofs, Wave<dim>(), state);
    const IndexSet relevant = DoFTools::extract_locally_relevant_dofs(dofs);
    PVector        ghosted(dofs.locally_owned_dofs(), relevant, comm);
    ghosted = state;

    const std::string directory
      = fresh_directory("shared_mesh_" + std::to_string(dim));
    vitrum::fem::CheckpointState saved;
    saved.set("model", "test");
    vitrum::fem::save_checkpoint(directory,
                                 dofs,
                                 std::vector<const PVector *>{&ghosted},
                                 saved);

    parallel::shared::Triangulation<dim> loaded_tria(
      comm,
      Triangulation<dim>::limit_level_difference_at_vertices,
      false,
      parallel::shared::Triangulation<dim>::partition_zorder);
    vitrum::fem::make_box_mesh(loaded_tria, prm, false);
    const auto state_read
      = vitrum::fem::load_checkpoint_mesh(directory, loaded_tria);
    EXPECT_EQ(state_read.get_string("model"), "test");
    DoFHandler<dim> loaded_dofs(loaded_tria);
    vitrum::fem::distribute_dofs(loaded_dofs, fe);
    PVector loaded(loaded_dofs.locally_owned_dofs(), comm);
    vitrum::fem::load_checkpoint_vectors(directory,
                                         loaded_dofs,
                                         std::vector<PVector *>{&loaded});

    // The same cells in tree order, the same DoF numbers, the same values
    // bit for bit, although the two meshes store their cells differently.
    const auto a = vitrum::fem::active_cells_in_tree_order(dofs);
    const auto b = vitrum::fem::active_cells_in_tree_order(loaded_dofs);
    ASSERT_EQ(a.size(), b.size());
    unsigned int stored_elsewhere = 0;
    for (unsigned int i = 0; i < a.size(); ++i)
      {
        EXPECT_EQ(a[i]->center(), b[i]->center());
        stored_elsewhere += (a[i]->index() != b[i]->index());
      }
    EXPECT_GT(stored_elsewhere, 0u) << "the test mesh has no holes";
    ASSERT_EQ(dofs.n_dofs(), loaded_dofs.n_dofs());
    for (const auto i : dofs.locally_owned_dofs())
      EXPECT_EQ(state(i), loaded(i));
  }
} // namespace


TEST(SharedMesh, CheckpointRoundTripIn1D)
{
  round_trip<1>();
}


TEST(SharedMesh, CheckpointRoundTripIn2D)
{
  round_trip<2>();
}


TEST(SharedMesh, ResumeOnAnotherCoarseMeshFails)
{
  const MPI_Comm               comm = MPI_COMM_WORLD;
  vitrum::fem::ParallelMesh<1> tria(comm);
  vitrum::fem::make_box_mesh(tria, box<1>(6));
  tria.begin_active()->set_refine_flag();
  tria.execute_coarsening_and_refinement();
  const FE_Q<1> fe(1);
  DoFHandler<1> dofs(tria);
  vitrum::fem::distribute_dofs(dofs, fe);
  const IndexSet    relevant = DoFTools::extract_locally_relevant_dofs(dofs);
  PVector           v(dofs.locally_owned_dofs(), relevant, comm);
  const std::string directory = fresh_directory("shared_mesh_other");
  vitrum::fem::save_checkpoint(directory,
                               dofs,
                               std::vector<const PVector *>{&v},
                               vitrum::fem::CheckpointState());

  vitrum::fem::ParallelMesh<1> other(comm);
  vitrum::fem::make_box_mesh(other, box<1>(5), false);
  EXPECT_THROW(vitrum::fem::load_checkpoint_mesh(directory, other),
               vitrum::InputError);
}


TEST(SharedMesh, DofsAreNumberedAlongTheLine)
{
  vitrum::fem::ParallelMesh<1> tria(MPI_COMM_WORLD);
  vitrum::fem::make_box_mesh(tria, box<1>(8));
  for (unsigned int round = 0; round < 3; ++round)
    adapt(tria, round);
  const FE_Q<1> fe(1);
  DoFHandler<1> dofs(tria);
  vitrum::fem::distribute_dofs(dofs, fe);
  // On a line of Q1 elements the DoFs are the vertices, numbered left to
  // right within each rank, however the cells are stored.
  std::map<types::global_dof_index, Point<1>> points;
  DoFTools::map_dofs_to_support_points(MappingQ1<1>(), dofs, points);
  const IndexSet owned = dofs.locally_owned_dofs();
  for (unsigned int k = 1; k < owned.n_elements(); ++k)
    EXPECT_LT(points[owned.nth_index_in_set(k - 1)][0],
              points[owned.nth_index_in_set(k)][0]);
}
