#ifndef vitrum_models_stokes_mms_h
#define vitrum_models_stokes_mms_h

namespace vitrum
{
  namespace models
  {
    /**
     * A manufactured Stokes solution at one point (viscosity 1): velocity,
     * its gradient grad_u[i][j] = du_i/dx_j, pressure and the body force
     * that makes it exact. Components are (x, y[, z]) or (r, z).
     */
    struct StokesMmsValues
    {
      double u[3], grad_u[3][3], p, f[3];
    };

    /// Planar 2D, on any domain.
    void
    stokes_mms_planar(const double *point, StokesMmsValues &v);

    /// Axisymmetric (r, z), regular on the axis (u_r = 0 at r = 0).
    void
    stokes_mms_axisymmetric(const double *point, StokesMmsValues &v);

    /// Full 3D.
    void
    stokes_mms_3d(const double *point, StokesMmsValues &v);
  } // namespace models
} // namespace vitrum

#endif
