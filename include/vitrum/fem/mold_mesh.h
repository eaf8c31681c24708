#ifndef vitrum_fem_mold_mesh_h
#define vitrum_fem_mold_mesh_h

#include <deal.II/base/numbers.h>
#include <deal.II/base/point.h>
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


    /**
     * The glass front in a round pore of radius a: the spherical cap that
     * meets the wall at the contact angle theta, flat at 90 degrees. Its
     * curvature 1/R = k = cos(theta) / a is signed: positive for a wetting
     * front, which is concave seen from the glass and whose apex lags
     * behind the contact line (towards the entrance); negative for a
     * non-wetting one, whose apex leads. Measured from the plane of the
     * contact line, the front at radius r lies lag(r) = s - c(r) behind it,
     * c(r) = k r^2 / (1 + (1 - k^2 r^2)^(1/2)) the cap's sag and
     * s = c(a) = a tan(pi/4 - theta/2) the apex's lag.
     */
    class Meniscus
    {
    public:
      /// contact angle in rad (0 < theta < pi); lengths in the pore's.
      explicit Meniscus(double contact_angle = 0.5 * dealii::numbers::PI,
                        double pore_radius   = 0.5);

      bool
      flat() const
      {
        return k == 0;
      }

      /// Lag of the front behind the contact line at radius r <= a.
      double
      lag(double r) const;

      /// d lag / dr.
      double
      lag_slope(double r) const;

      /// d^2 lag / dr^2.
      double
      lag_curvature(double r) const;

      /// Lag of the apex (r = 0): negative if it leads the contact line.
      double
      apex_lag() const
      {
        return lag(0.);
      }

      /// Distance from the contact line back to the flat front that holds
      /// the same volume: s/2 + s^3/(6 a^2) (cylinder minus or plus the
      /// cap of height s).
      double
      volume_lag() const;

    private:
      double a; ///< pore radius
      double k; ///< signed curvature cos(theta) / a of the cap's circle

      double
      sag(double r) const;
    };


    /// The generated geometry of one pore under its feedstock, lengths in
    /// pore diameters.
    struct PoreGeometry
    {
      unsigned int cells_across_radius = 4;
      /// Contact angle of the glass front on the pore wall (rad): the
      /// front ends in the Meniscus of this angle (flat at pi/2).
      double contact_angle = 0.5 * dealii::numbers::PI;
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


    /// The front of a pore of this geometry.
    Meniscus
    pore_meniscus(const PoreGeometry &geometry);


    /**
     * The feedstock cell over one round pore (axisymmetric, r = x, z = y)
     * filled to length L: the pore r < 1/2 holds the volume of a
     * cylinder of length L (pi L / 4), with `cells_across_radius` cells
     * across its radius and cells graded from the entrance and from the
     * front towards its middle, under the reservoir r < reservoir_radius,
     * 0 < z < reservoir_height. The front is the pore_meniscus(): flat at
     * z = -L for a contact angle of 90 degrees; otherwise the contact line
     * lies at z = -(L + volume_lag()) and the pore's cells, flat ones
     * sheared along z in proportion to their depth, carry a manifold (id
     * 1) that keeps the cap under refinement. Boundary ids as in
     * MoldBoundary. Replaces what `mesh` held.
     *
     * In 3D the pore alone (no reservoir: the pressure acts on the
     * entrance z = 0), axis along z: a disk mesh with at least
     * max(8, cells_across_radius) cells across the radius (its boundary a
     * polygon of 16 or more sides on the circle) extruded with the same
     * grading along the pore, its end mapped onto the cap in the same way.
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


    /**
     * The round pores of a 3D Gmsh mold mesh (lengths in pore diameters):
     * each connected patch of its fronts (boundary id `front`, flat, normal
     * to z, below the mold top z = 0) is one pore.
     */
    struct PoreArray
    {
      struct Pore
      {
        double x = 0, y = 0; ///< axis
        /// of the circle the (polygonal) front is inscribed in
        double diameter = 0;
        double depth    = 0; ///< of the front below z = 0 in the file
        double area     = 0; ///< of the (polygonal) front: the section
      };
      std::vector<Pore> pores;

      /// The pore whose axis is nearest to p (in x, y) in units of its
      /// radius: the pore p lies in, if it lies in one.
      unsigned int
      pore_at(const dealii::Point<3> &p) const;
    };


    /**
     * The pores of `mesh` (a coarse 3D mold mesh, e.g. from
     * read_gmsh_mesh(), before refinement), numbered by their axes (x,
     * then y). InputError, naming `entry`, if it has no front, a front is
     * not flat, or a cell below z = 0 lies outside the pore it belongs to.
     */
    PoreArray
    find_pores(const dealii::Triangulation<3> &mesh, const std::string &entry);


    /**
     * `mesh` = `coarse` (a mold mesh with the pores `array`) with the part of
     * pore i below z = 0 stretched along z to the length lengths[i] (pore
     * diameters; its front stays flat), refined `refinements` times. ALE
     * by regeneration: the file's cells keep their number and connectivity.
     *
     * With `menisci` (one per pore, radius that of the pore; empty: flat
     * fronts) pore i ends in the cap of menisci[i] holding the volume of
     * lengths[i]: it is stretched to the contact line's depth
     * lengths[i] + volume_lag(), refined, and every vertex below z = 0
     * moved along z by the cap's lag at its distance from the axis times
     * its depth over the contact line's (as make_pore_mesh does); the
     * refined cells become the coarse cells of `mesh`.
     */
    void
    make_array_mesh(dealii::Triangulation<3>       &mesh,
                    const dealii::Triangulation<3> &coarse,
                    const PoreArray                &array,
                    const std::vector<double>      &lengths,
                    unsigned int                    refinements,
                    const std::vector<Meniscus>    &menisci = {});
  } // namespace fem
} // namespace vitrum

#endif
