#include <deal.II/base/quadrature_lib.h>

#include <deal.II/fe/fe_nothing.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>

#include <deal.II/grid/tria.h>

#include <vitrum/fem/mold_mesh.h>

#include <gtest/gtest.h>

#include <cmath>

namespace
{
  using namespace dealii;
  using vitrum::fem::Meniscus;
  using vitrum::fem::PoreGeometry;

  constexpr double pi = numbers::PI;

  /// Volume of the mesh below z = 0, the filled pore (axisymmetric in
  /// 2D).
  template <int dim>
  double
  pore_volume(const Triangulation<dim> &mesh)
  {
    const QGauss<dim>     quadrature(4);
    const MappingQ1<dim>  mapping;
    const FE_Nothing<dim> fe;
    FEValues<dim>         fv(mapping,
                     fe,
                     quadrature,
                     update_quadrature_points | update_JxW_values);
    double                volume = 0;
    for (const auto &cell : mesh.active_cell_iterators())
      if (cell->center()[dim - 1] < 0)
        {
          fv.reinit(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            volume += (dim == 2 ? 2 * pi * fv.quadrature_point(q)[0] : 1.)
                      * fv.JxW(q);
        }
    return volume;
  }

  /// The largest of distance(x) over the vertices x of the front faces.
  template <int dim, typename Distance>
  double
  largest_over_front_vertices(const Triangulation<dim> &mesh,
                              const Distance           &distance)
  {
    double worst = 0;
    for (const auto &cell : mesh.active_cell_iterators())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary()
            && cell->face(f)->boundary_id() == vitrum::fem::front)
          for (const auto v : cell->face(f)->vertex_indices())
            worst = std::max(worst, distance(cell->face(f)->vertex(v)));
    return worst;
  }


  /// Largest distance of a front vertex from z = -L_contact + lag(r).
  template <int dim>
  double
  front_distance_from_cap(const Triangulation<dim> &mesh,
                          const Meniscus           &meniscus,
                          const double              L_contact)
  {
    return largest_over_front_vertices(mesh, [&](const Point<dim> &x) {
      const double r = dim == 2 ? x[0] : std::hypot(x[0], x[1]);
      return std::abs(x[dim - 1] + L_contact - meniscus.lag(r));
    });
  }

  /// The shipped checkerboard of pores of d and d/2 into `coarse`, and its
  /// pores.
  vitrum::fem::PoreArray
  read_checkerboard(Triangulation<3> &coarse)
  {
    vitrum::fem::read_gmsh_mesh(coarse,
                                VITRUM_SOURCE_DIR
                                "/meshes/pore_array_mixed_3d.msh",
                                "Mesh file",
                                0);
    return vitrum::fem::find_pores(coarse, "Mesh file");
  }
} // namespace

TEST(MoldMesh, FlatFrontAtRightAngle)
{
  PoreGeometry geometry;
  geometry.cells_across_radius = 3;
  geometry.reservoir           = false;
  Triangulation<2> mesh;
  vitrum::fem::make_pore_mesh(mesh, geometry, 4.);
  EXPECT_NEAR(pore_volume(mesh), pi / 4 * 4., 1e-12);
  EXPECT_EQ(front_distance_from_cap(mesh, Meniscus(), 4.), 0.);
}

TEST(MoldMesh, CurvedFrontHoldsTheVolumeOfItsLength)
{
  for (const double degrees : {30., 60., 130.})
    for (const bool reservoir : {false, true})
      {
        PoreGeometry geometry;
        geometry.cells_across_radius = 4;
        geometry.reservoir           = reservoir;
        geometry.contact_angle       = degrees * pi / 180;
        const Meniscus   meniscus    = vitrum::fem::pore_meniscus(geometry);
        const double     L           = 3.;
        Triangulation<2> mesh;
        vitrum::fem::make_pore_mesh(mesh, geometry, L);
        // the front's vertices on the cap, the contact line volume_lag()
        // beyond L
        EXPECT_LT(front_distance_from_cap(mesh,
                                          meniscus,
                                          L + meniscus.volume_lag()),
                  1e-12)
          << degrees;
        // the polygon through points of the cap misses its volume by
        // O(h^2): 4 cells across the radius, a few 1e-4 of the pore
        EXPECT_NEAR(pore_volume(mesh) / (pi / 4 * L), 1., 2e-3) << degrees;
        EXPECT_GT(std::abs(meniscus.apex_lag()), 0.05);
      }
}


TEST(MoldMesh, RoundPoreIn3DHasTheSectionAndTheCap)
{
  for (const double degrees : {90., 60., 130.})
    {
      PoreGeometry geometry;
      geometry.cells_across_radius = 3;
      geometry.reservoir           = false;
      geometry.contact_angle       = degrees * pi / 180;
      const Meniscus   meniscus    = vitrum::fem::pore_meniscus(geometry);
      const double     L           = 2.;
      Triangulation<3> mesh;
      vitrum::fem::make_pore_mesh(mesh, geometry, L);
      EXPECT_LT(front_distance_from_cap(mesh,
                                        meniscus,
                                        L + meniscus.volume_lag()),
                1e-12)
        << degrees;
      // the 16-gon section has the circle's area; the cap's polygon is
      // what misses the volume
      EXPECT_NEAR(pore_volume(mesh) / (pi / 4 * L), 1., 2e-3) << degrees;
    }
}


TEST(MoldMesh, PoreArrayFromGmshStretchesEachPoreToItsLength)
{
  Triangulation<3> coarse;
  const auto       array = read_checkerboard(coarse);
  // the checkerboard of the .geo: numbered by x, then y
  ASSERT_EQ(array.pores.size(), 4u);
  const double x[]        = {0.75, 0.75, 2.25, 2.25};
  const double y[]        = {0.75, 2.25, 0.75, 2.25};
  const double diameter[] = {1, 0.5, 0.5, 1};
  for (unsigned int i = 0; i < 4; ++i)
    {
      EXPECT_NEAR(array.pores[i].x, x[i], 1e-10) << i;
      EXPECT_NEAR(array.pores[i].y, y[i], 1e-10) << i;
      EXPECT_NEAR(array.pores[i].diameter, diameter[i], 1e-10) << i;
      EXPECT_NEAR(array.pores[i].depth, 1.5, 1e-10) << i;
      // a point on a small pore's wall belongs to it, not to the large
      // pore at the same distance from the axes
      EXPECT_EQ(array.pore_at(Point<3>(x[i] + 0.5 * diameter[i], y[i], -1)), i);
    }

  // the 16-gon section of each pore (its front faces' area); the file
  // holds its coordinates to about 1e-12
  const auto section = [](const double d) {
    return 16. / 2 * std::sin(2 * pi / 16) * d * d / 4;
  };
  const std::vector<double> lengths = {2, 3, 4, 5};
  Triangulation<3>          mesh;
  vitrum::fem::make_array_mesh(mesh, coarse, array, lengths, 1);
  double expected = 0;
  for (unsigned int i = 0; i < 4; ++i)
    expected += section(diameter[i]) * lengths[i];
  EXPECT_NEAR(pore_volume(mesh) / expected, 1., 1e-9);
  EXPECT_EQ(mesh.n_active_cells(), 8 * coarse.n_active_cells());
  // the fronts are flat at each pore's length
  for (const auto &cell : mesh.active_cell_iterators())
    for (const auto f : cell->face_indices())
      if (cell->face(f)->at_boundary()
          && cell->face(f)->boundary_id() == vitrum::fem::front)
        {
          const Point<3> c = cell->face(f)->center();
          EXPECT_NEAR(c[2], -lengths[array.pore_at(c)], 1e-9);
        }
}


TEST(MoldMesh, PoreArrayEndsInTheCapsOfItsMenisci)
{
  Triangulation<3> coarse;
  const auto       array = read_checkerboard(coarse);
  for (const double degrees : {130., 60.})
    {
      std::vector<Meniscus> menisci;
      for (const auto &pore : array.pores)
        menisci.emplace_back(degrees * pi / 180, 0.5 * pore.diameter);
      const std::vector<double> lengths = {2, 3, 4, 5};
      Triangulation<3>          mesh;
      vitrum::fem::make_array_mesh(mesh, coarse, array, lengths, 1, menisci);
      // every front vertex on its pore's cap about the pore's axis
      const double worst
        = largest_over_front_vertices(mesh, [&](const Point<3> &x) {
            const unsigned int i    = array.pore_at(x);
            const auto        &pore = array.pores[i];
            const double       r    = std::hypot(x[0] - pore.x, x[1] - pore.y);
            const double       contact = lengths[i] + menisci[i].volume_lag();
            return std::abs(x[2] + contact - menisci[i].lag(r));
          });
      EXPECT_LT(worst, 1e-9) << degrees;
      // the caps hold the volume of the lengths (the polygon through points
      // of each cap misses O(h^2) of it)
      double expected = 0;
      for (unsigned int i = 0; i < 4; ++i)
        expected += array.pores[i].area * lengths[i];
      EXPECT_NEAR(pore_volume(mesh) / expected, 1., 5e-3) << degrees;
    }
}
