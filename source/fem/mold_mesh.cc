#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/mold_mesh.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;

    std::vector<double>
    graded_steps(const double length,
                 const double h0,
                 const double growth,
                 const double h_max)
    {
      std::vector<double> steps;
      double              sum = 0, h = h0;
      while (sum + 0.5 * h < length || steps.empty())
        {
          steps.push_back(h);
          sum += h;
          h = std::min(h * growth, h_max);
        }
      for (double &s : steps)
        s *= length / sum;
      return steps;
    }


    Meniscus::Meniscus(const double contact_angle, const double pore_radius)
        : a(pore_radius)
        , k(std::cos(contact_angle) / pore_radius)
    {
      // cos(pi/2) is 6e-17, not 0: 90 degrees is the flat front exactly
      if (std::abs(std::cos(contact_angle)) < 1e-12)
        k = 0;
    }


    double
    Meniscus::sag(const double r) const
    {
      // k r^2 / (1 + sqrt(1 - k^2 r^2)): no cancellation as k -> 0
      return k * r * r / (1 + std::sqrt(1 - k * k * r * r));
    }


    double
    Meniscus::lag(const double r) const
    {
      return sag(a) - sag(std::min(r, a));
    }


    double
    Meniscus::lag_slope(const double r) const
    {
      const double q = std::min(r, a);
      return -k * q / std::sqrt(1 - k * k * q * q);
    }


    double
    Meniscus::lag_curvature(const double r) const
    {
      const double q = std::min(r, a);
      return -k / std::pow(1 - k * k * q * q, 1.5);
    }


    double
    Meniscus::volume_lag() const
    {
      const double s = sag(a);
      return 0.5 * s + s * s * s / (6 * a * a);
    }


    Meniscus
    pore_meniscus(const PoreGeometry &geometry)
    {
      return Meniscus(geometry.contact_angle, 0.5);
    }


    namespace
    {
      /// Distance of p from the pore's axis (the last coordinate).
      template <int dim>
      double
      axis_distance(const Point<dim> &p)
      {
        double r2 = 0;
        for (int c = 0; c < dim - 1; ++c)
          r2 += p[c] * p[c];
        return std::sqrt(r2);
      }


      /**
       * The pore with a curved front as the image of the flat pore
       * -L_contact < z < 0: each point moves along z by the meniscus lag
       * at its radius times its depth -z / L_contact, so the entrance stays
       * and the flat end becomes the cap; straight lines in the chart
       * (the flat pore) follow the cap.
       */
      template <int dim>
      class PoreFrontManifold : public ChartManifold<dim, dim>
      {
      public:
        PoreFrontManifold(const Meniscus &meniscus, const double L_contact)
            : meniscus(meniscus)
            , L_contact(L_contact)
        {
        }

        std::unique_ptr<Manifold<dim, dim>>
        clone() const override
        {
          return std::make_unique<PoreFrontManifold<dim>>(*this);
        }

        Point<dim>
        push_forward(const Point<dim> &flat) const override
        {
          Point<dim> x = flat;
          x[dim - 1] *= 1 - share(flat);
          return x;
        }

        Point<dim>
        pull_back(const Point<dim> &x) const override
        {
          Point<dim> flat = x;
          flat[dim - 1] /= 1 - share(x);
          return flat;
        }

      private:
        Meniscus meniscus;
        double   L_contact;

        /// The lag over the contact-line depth (the radius is the same in
        /// the chart and in space).
        double
        share(const Point<dim> &p) const
        {
          return meniscus.lag(axis_distance(p)) / L_contact;
        }
      };


      /// Cell heights along the pore of length L, front first: graded from
      /// the front and from the entrance towards its middle.
      std::vector<double>
      pore_axis_steps(const double L, const double h0)
      {
        const std::vector<double> half
          = graded_steps(0.5 * L, h0, 1.3, std::max(8 * h0, 1.0));
        std::vector<double> steps(half.begin(), half.end());
        steps.insert(steps.end(), half.rbegin(), half.rend());
        return steps;
      }


      /// The axisymmetric (r, z) reservoir + pore with a flat front at
      /// z = -L; boundary ids set.
      void
      make_flat_pore(Triangulation<2>   &domain,
                     const PoreGeometry &geometry,
                     const double        L)
      {
        const double r_pore = 0.5;
        const double h0     = r_pore / geometry.cells_across_radius;
        std::vector<std::vector<double>> steps(2);
        steps[0] = std::vector<double>(geometry.cells_across_radius, h0);
        const double R
          = geometry.reservoir ? geometry.reservoir_radius : r_pore;
        if (geometry.reservoir)
          for (const double s : graded_steps(R - r_pore, h0, 1.5, 4 * h0))
            steps[0].push_back(s);
        steps[1]       = pore_axis_steps(L, h0);
        const double H = geometry.reservoir ? geometry.reservoir_height : 0.;
        if (geometry.reservoir)
          for (const double s : graded_steps(H, h0, 1.5, 4 * h0))
            steps[1].push_back(s);

        Triangulation<2> full;
        GridGenerator::subdivided_hyper_rectangle(full,
                                                  steps,
                                                  Point<2>(0, -L),
                                                  Point<2>(R, H));
        std::set<Triangulation<2>::active_cell_iterator> outside;
        for (const auto &cell : full.active_cell_iterators())
          if (cell->center()[0] > r_pore && cell->center()[1] < 0)
            outside.insert(cell);
        if (outside.empty())
          domain.copy_triangulation(full);
        else
          GridGenerator::create_triangulation_with_removed_cells(full,
                                                                 outside,
                                                                 domain);
        const double tol = 1e-8 * std::max(1., L);
        for (const auto &cell : domain.active_cell_iterators())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary())
              {
                const Point<2>     c  = cell->face(f)->center();
                types::boundary_id id = wall;
                if (std::abs(c[0]) < tol
                    || (geometry.reservoir && std::abs(c[0] - R) < tol))
                  id = symmetry_x;
                if (std::abs(c[1] - H) < tol)
                  id = pressed;
                if (std::abs(c[1] + L) < tol)
                  id = front;
                cell->face(f)->set_boundary_id(id);
              }
      }


      /// The round pore in 3D, -L < z < 0, without reservoir (the
      /// pressure acts on the entrance z = 0): a disk mesh, refined until
      /// it has at least max(8, `cells_across_radius`) cells across its
      /// radius with its boundary vertices on the circle, extruded along
      /// the pore with the axisymmetric mesh's grading.
      void
      make_flat_pore(Triangulation<3>   &domain,
                     const PoreGeometry &geometry,
                     const double        L)
      {
        AssertThrow(!geometry.reservoir,
                    ExcMessage("3D pore meshes have no reservoir"));
        const double     r_pore = 0.5;
        Triangulation<2> disk, flat_disk;
        GridGenerator::hyper_ball(disk, Point<2>(), r_pore);
        // the ball has 2 cells across its radius and 4 boundary faces:
        // refined to 16 faces at least
        unsigned int across = 2;
        while (across < std::max(8u, geometry.cells_across_radius))
          {
            disk.refine_global(1);
            across *= 2;
          }
        GridGenerator::flatten_triangulation(disk, flat_disk);
        // the polygon with the circle's area: the section fills the pore's
        // volume per length, and Poiseuille's flux, nearly A^2, is not
        // short by twice the area's deficit
        const unsigned int sides = 2 * across;
        GridTools::scale(std::sqrt(
                           2 * numbers::PI
                           / (sides * std::sin(2 * numbers::PI / sides))),
                         flat_disk);
        std::vector<double> z = {-L};
        for (const double s :
             pore_axis_steps(L, r_pore / geometry.cells_across_radius))
          z.push_back(z.back() + s);
        z.back() = 0;
        GridGenerator::extrude_triangulation(flat_disk, z, domain);
        const double tol = 1e-8 * std::max(1., L);
        for (const auto &cell : domain.active_cell_iterators())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary())
              {
                const double       zf = cell->face(f)->center()[2];
                types::boundary_id id = wall;
                if (std::abs(zf) < tol)
                  id = pressed;
                if (std::abs(zf + L) < tol)
                  id = front;
                cell->face(f)->set_boundary_id(id);
              }
      }
    } // namespace


    template <int dim>
    void
    make_pore_mesh(Triangulation<dim> &mesh,
                   const PoreGeometry &geometry,
                   const double        L_volume)
    {
      const Meniscus meniscus = pore_meniscus(geometry);
      // the flat pore reaches the contact line
      const double L = L_volume + meniscus.volume_lag();
      AssertThrow(L - meniscus.apex_lag() > 0,
                  ExcMessage("the meniscus apex lies above the pore "
                             "entrance"));
      Triangulation<dim> domain;
      make_flat_pore(domain, geometry, L);
      if (!meniscus.flat())
        {
          const PoreFrontManifold<dim> front_manifold(meniscus, L);
          GridTools::transform(
            [&](const Point<dim> &p) {
              return p[dim - 1] < 0 ? front_manifold.push_forward(p) : p;
            },
            domain);
          for (const auto &cell : domain.active_cell_iterators())
            if (cell->center()[dim - 1] < 0)
              cell->set_all_manifold_ids(1);
          domain.set_manifold(1, front_manifold);
        }
      mesh.clear();
      mesh.copy_triangulation(domain);
      if (!meniscus.flat())
        mesh.set_manifold(1, *domain.get_manifold(1).clone());
    }


    template <int dim>
    void
    read_gmsh_mesh(Triangulation<dim> &mesh,
                   const std::string  &file,
                   const std::string  &entry,
                   const unsigned int  refinements)
    {
      Triangulation<dim> serial;
      GridIn<dim>        in(serial);
      std::ifstream      stream(file);
      if (!stream)
        throw InputError(entry + ": '" + file + "' cannot be read");
      try
        {
          in.read_msh(stream);
        }
      catch (const std::exception &)
        {
          // deal.II's message quotes kilobytes of the file: not repeated.
          throw InputError(entry + ": '" + file
                           + "' is not a Gmsh (.msh) mesh that can be read");
        }
      mesh.clear();
      mesh.copy_triangulation(serial);
      mesh.refine_global(refinements);
    }


    unsigned int
    PoreArray::pore_at(const Point<3> &p) const
    {
      // distance in radii: below 1 in the point's own pore only, whatever
      // the other pores' sizes
      unsigned int nearest = 0;
      double       closest = std::numeric_limits<double>::max();
      for (unsigned int i = 0; i < pores.size(); ++i)
        {
          const double distance
            = std::hypot(p[0] - pores[i].x, p[1] - pores[i].y)
              / pores[i].diameter;
          if (distance < closest)
            closest = distance, nearest = i;
        }
      return nearest;
    }


    namespace
    {
      /// Root of i in a union-find forest (with path halving).
      unsigned int
      find_root(std::vector<unsigned int> &parent, unsigned int i)
      {
        while (parent[i] != i)
          i = parent[i] = parent[parent[i]];
        return i;
      }
    } // namespace


    PoreArray
    find_pores(const Triangulation<3> &mesh, const std::string &entry)
    {
      // the front faces, joined into patches through shared vertices
      struct FrontFace
      {
        Point<3>                  center;
        double                    area;
        std::vector<unsigned int> vertices;
        double                    z_min, z_max;
      };
      std::vector<FrontFace> faces;
      for (const auto &cell : mesh.active_cell_iterators())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary()
              && cell->face(f)->boundary_id() == front)
            {
              const auto face = cell->face(f);
              FrontFace  ff{face->center(),
                           face->measure(),
                           {},
                           std::numeric_limits<double>::max(),
                           -std::numeric_limits<double>::max()};
              for (const auto v : face->vertex_indices())
                {
                  ff.vertices.push_back(face->vertex_index(v));
                  ff.z_min = std::min(ff.z_min, face->vertex(v)[2]);
                  ff.z_max = std::max(ff.z_max, face->vertex(v)[2]);
                }
              faces.push_back(ff);
            }
      if (faces.empty())
        throw InputError(entry + ": the mesh has no glass front (boundary id "
                         + std::to_string(int(front)) + ") in a pore");
      std::vector<unsigned int> parent(mesh.n_vertices());
      for (unsigned int v = 0; v < parent.size(); ++v)
        parent[v] = v;
      for (const auto &ff : faces)
        for (const unsigned int v : ff.vertices)
          parent[find_root(parent, v)] = find_root(parent, ff.vertices[0]);

      std::map<unsigned int, std::vector<const FrontFace *>> patches;
      for (const auto &ff : faces)
        patches[find_root(parent, ff.vertices[0])].push_back(&ff);
      PoreArray array;
      for (const auto &[root, patch] : patches)
        {
          PoreArray::Pore pore;
          double          area = 0, z_min = 1e300, z_max = -1e300;
          for (const FrontFace *ff : patch)
            {
              area += ff->area;
              pore.x += ff->area * ff->center[0];
              pore.y += ff->area * ff->center[1];
              z_min = std::min(z_min, ff->z_min);
              z_max = std::max(z_max, ff->z_max);
            }
          pore.x /= area;
          pore.y /= area;
          // the circle the (polygonal) front is inscribed in
          for (const FrontFace *ff : patch)
            for (const unsigned int v : ff->vertices)
              pore.diameter
                = std::max(pore.diameter,
                           2
                             * std::hypot(mesh.get_vertices()[v][0] - pore.x,
                                          mesh.get_vertices()[v][1] - pore.y));
          pore.depth = -z_max;
          pore.area  = area;
          if (z_max - z_min > 1e-9 * pore.diameter || !(pore.depth > 0))
            throw InputError(
              entry + ": the front of the pore at (x, y) = ("
              + std::to_string(pore.x) + ", " + std::to_string(pore.y)
              + ") is not flat below z = 0 (z from " + std::to_string(z_min)
              + " to " + std::to_string(z_max) + ")");
          array.pores.push_back(pore);
        }
      std::sort(array.pores.begin(),
                array.pores.end(),
                [](const PoreArray::Pore &a, const PoreArray::Pore &b) {
                  const double tolerance = 1e-6 * a.diameter;
                  return a.x < b.x - tolerance
                         || (std::abs(a.x - b.x) <= tolerance && a.y < b.y);
                });

      // every vertex below the mold top belongs to a pore's cylinder
      for (const auto &cell : mesh.active_cell_iterators())
        for (const auto v : cell->vertex_indices())
          {
            const Point<3> &p = cell->vertex(v);
            if (p[2] >= -1e-12)
              continue;
            const auto  &pore = array.pores[array.pore_at(p)];
            const double r    = std::hypot(p[0] - pore.x, p[1] - pore.y);
            if (r > 0.5 * pore.diameter * (1 + 1e-9)
                || p[2] < -pore.depth * (1 + 1e-9))
              throw InputError(
                entry + ": a vertex below the mold top, ("
                + std::to_string(p[0]) + ", " + std::to_string(p[1]) + ", "
                + std::to_string(p[2])
                + "), is not inside a filled pore (the nearest pore's axis is "
                + std::to_string(r) + " away, its radius "
                + std::to_string(0.5 * pore.diameter) + ")");
          }
      return array;
    }


    void
    make_array_mesh(Triangulation<3>            &mesh,
                    const Triangulation<3>      &coarse,
                    const PoreArray             &array,
                    const std::vector<double>   &lengths,
                    const unsigned int           refinements,
                    const std::vector<Meniscus> &menisci)
    {
      // the contact line of a curved front lies beyond the volume length
      std::vector<double> contact(lengths);
      for (unsigned int i = 0; i < menisci.size(); ++i)
        contact[i] += menisci[i].volume_lag();
      Triangulation<3> stretched;
      stretched.copy_triangulation(coarse);
      GridTools::transform(
        [&](Point<3> p) {
          if (p[2] < 0)
            {
              const unsigned int i = array.pore_at(p);
              p[2] *= contact[i] / array.pores[i].depth;
            }
          return p;
        },
        stretched);
      mesh.clear();
      if (menisci.empty())
        {
          mesh.copy_triangulation(stretched);
          mesh.refine_global(refinements);
          return;
        }
      // refined first, so that every vertex of the front lies on its cap
      stretched.refine_global(refinements);
      Triangulation<3> flat;
      GridGenerator::flatten_triangulation(stretched, flat);
      GridTools::transform(
        [&](Point<3> p) {
          if (p[2] < 0)
            {
              const unsigned int i    = array.pore_at(p);
              const auto        &pore = array.pores[i];
              const double       r = std::hypot(p[0] - pore.x, p[1] - pore.y);
              p[2] *= 1
                      - menisci[i].lag(std::min(r, 0.5 * pore.diameter))
                          / contact[i];
            }
          return p;
        },
        flat);
      mesh.copy_triangulation(flat);
    }


    template void
    make_pore_mesh(Triangulation<2> &, const PoreGeometry &, double);
    template void
    make_pore_mesh(Triangulation<3> &, const PoreGeometry &, double);
    template void
    read_gmsh_mesh(Triangulation<2> &,
                   const std::string &,
                   const std::string &,
                   unsigned int);
    template void
    read_gmsh_mesh(Triangulation<3> &,
                   const std::string &,
                   const std::string &,
                   unsigned int);
  } // namespace fem
} // namespace vitrum
