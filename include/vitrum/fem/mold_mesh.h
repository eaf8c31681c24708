#ifndef vitrum_fem_mold_mesh_h
#define vitrum_fem_mold_mesh_h

#include <deal.II/base/types.h>

#include <deal.II/grid/tria.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /// Boundary ids of the generated pore meshes and of the Gmsh meshes
    /// shipped for molding (meshes/*.msh).
    enum MoldBoundary : dealii::types::boundary_id
    {
      wall       = 0, ///< mold: no slip
      pressed    = 1, ///< feedstock top: applied pressure
      front      = 2, ///< glass front in the pore: capillary pressure
      symmetry_x = 3, ///< axis, outer cell boundary: u_0 = 0
      symmetry_y = 4  ///< 3D: u_1 = 0
    };


    /// The generated geometry of one pore under its feedstock, lengths in
    /// pore diameters.
    struct PoreGeometry
    {
      unsigned int cells_across_radius = 4;
      /// The feedstock cell over the pore; without it the pressure acts at
      /// the pore entrance itself.
      bool   reservoir        = true;
      double reservoir_radius = 2; ///< half the pore pitch
      double reservoir_height = 2;
    };


    /// Steps that start at h0, grow by `growth` up to h_max and add up to
    /// `length` exactly (the steps are scaled to fit).
    std::vector<double>
    graded_steps(double length, double h0, double growth, double h_max);


    /**
     * The feedstock cell over one round pore (axisymmetric, r = x, z = y;
     * 2D only) filled to length L: the pore r < 1/2, -L < z < 0, with
     * `cells_across_radius` cells across its radius and cells graded from
     * the entrance and from the front towards its middle, under the
     * reservoir r < reservoir_radius, 0 < z < reservoir_height. Boundary
     * ids as in MoldBoundary. Replaces what `mesh` held.
     */
    template <int dim>
    void
    make_pore_mesh(dealii::Triangulation<dim> &mesh,
                   const PoreGeometry         &geometry,
                   double                      L);


    /**
     * A Gmsh mesh (`file`, named by the parameter `entry` in messages)
     * read on every rank into `mesh` and refined `refinements` times.
     * InputError if it cannot be read.
     */
    template <int dim>
    void
    read_gmsh_mesh(dealii::Triangulation<dim> &mesh,
                   const std::string          &file,
                   const std::string          &entry,
                   unsigned int                refinements);
  } // namespace fem
} // namespace vitrum

#endif
