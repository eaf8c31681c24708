#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/mold_mesh.h>

#include <algorithm>
#include <cmath>
#include <fstream>
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


    template <int dim>
    void
    make_pore_mesh(Triangulation<dim> &mesh,
                   const PoreGeometry &geometry,
                   const double        L)
    {
      AssertThrow(dim == 2, ExcInternalError());
      const double r_pore = 0.5;
      const double h0     = r_pore / geometry.cells_across_radius;
      std::vector<std::vector<double>> steps(dim);
      steps[0]       = std::vector<double>(geometry.cells_across_radius, h0);
      const double R = geometry.reservoir ? geometry.reservoir_radius : r_pore;
      if (geometry.reservoir)
        for (const double s : graded_steps(R - r_pore, h0, 1.5, 4 * h0))
          steps[0].push_back(s);
      // pore: graded from the front and from the entrance towards its middle
      const std::vector<double> half
        = graded_steps(0.5 * L, h0, 1.3, std::max(8 * h0, 1.0));
      steps[1].assign(half.begin(), half.end());
      steps[1].insert(steps[1].end(), half.rbegin(), half.rend());
      const double H = geometry.reservoir ? geometry.reservoir_height : 0.;
      if (geometry.reservoir)
        for (const double s : graded_steps(H, h0, 1.5, 4 * h0))
          steps[1].push_back(s);

      Triangulation<dim> full;
      Point<dim>         p1, p2;
      p1[0] = 0;
      p1[1] = -L;
      p2[0] = R;
      p2[1] = H;
      GridGenerator::subdivided_hyper_rectangle(full, steps, p1, p2);
      std::set<typename Triangulation<dim>::active_cell_iterator> outside;
      for (const auto &cell : full.active_cell_iterators())
        if (cell->center()[0] > r_pore && cell->center()[1] < 0)
          outside.insert(cell);
      Triangulation<dim> domain;
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
              const Point<dim>   c  = cell->face(f)->center();
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
      mesh.clear();
      mesh.copy_triangulation(domain);
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
