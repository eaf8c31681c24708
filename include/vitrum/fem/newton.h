#ifndef vitrum_fem_newton_h
#define vitrum_fem_newton_h

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <functional>

namespace vitrum
{
  namespace fem
  {
    /**
     * How Newton's method stops and when it refreshes its Jacobian.
     */
    struct NewtonSettings
    {
      /// Largest change of the last update (in the norm of `change`).
      double       tolerance      = 1e-6;
      unsigned int max_iterations = 10;
      /// One iteration and done: a linearly implicit step.
      bool single_iteration = false;
      /// Stop as soon as the error left, estimated from the contraction
      /// rate r as change r / (1 - r), is below the tolerance (with
      /// r < 1/2); otherwise only when the change itself is.
      bool estimate_error_left = true;
      /// Reassemble the Jacobian at every iteration. Otherwise it (and so
      /// an LU factorization) is kept while each iteration gains a factor
      /// 3 or more and no update was shortened: triangular solves are far
      /// cheaper than a factorization (a limit of 0.1 needed 60 % more
      /// factorizations on PFHub 1a, 0.5 made Newton fail).
      bool always_refresh = false;
    };


    /**
     * The operations Newton's method needs from a nonlinear system
     * R(u) = 0. The update solves J du = R and is added to u.
     */
    struct NewtonSystem
    {
      using Vector = dealii::PETScWrappers::MPI::Vector;

      /// Residual at `iterate` and, if `with_matrix`, the Jacobian. False
      /// if they are not finite (a diverging iteration).
      std::function<bool(const Vector &iterate, bool with_matrix)> assemble;
      /// Solve for the update (constraints applied); false if the linear
      /// solver failed.
      std::function<bool(Vector &update)> solve;
      /// Optional: shorten the update so that the iterate stays admissible;
      /// returns the smallest factor applied and sets `removed` to the
      /// largest amount taken off an unknown.
      std::function<
        double(const Vector &iterate, Vector &update, double &removed)>
        limit;
      /// The size of an update that is compared with the tolerance.
      std::function<double(const Vector &update)> change;
    };


    /// How one Newton solve went.
    struct NewtonOutcome
    {
      bool         converged  = false;
      unsigned int iterations = 0;
      /// Some update was shortened by NewtonSystem::limit.
      bool limited = false;
    };


    /**
     * Newton's method from the given iterate. It is converged when the last
     * update (or the error left after it) is below the tolerance and a
     * shortened update took off no more than the tolerance: a clip of a
     * fraction that Newton drives towards zero (1e-30 -> -1e-30) does not
     * keep the iterate from being converged.
     */
    NewtonOutcome
    newton_solve(NewtonSystem::Vector &iterate,
                 const NewtonSystem   &system,
                 const NewtonSettings &settings);


    /**
     * Test aid for a model's Newton system: the Jacobian against central
     * differences of the residual. `assemble(u, with_matrix)` fills
     * `residual` (the negative residual, -R, as the models assemble it) and,
     * with_matrix, `jacobian` (dR/du) at u. In `n_directions` random
     * directions v (v_i = r_i |u_i|, r_i in [-1, 1], constrained like the
     * solution), J v is compared with (R(u + e v) - R(u - e v)) / 2e,
     * e = 1e-6, on the unconstrained rows. Returns the largest
     * |J v - difference| / |J v|.
     */
    double
    jacobian_error(
      const NewtonSystem::Vector                                    &u,
      const std::function<void(const NewtonSystem::Vector &, bool)> &assemble,
      const dealii::PETScWrappers::MPI::SparseMatrix                &jacobian,
      const NewtonSystem::Vector                                    &residual,
      const dealii::AffineConstraints<double> &constraints,
      unsigned int                             n_directions = 3);
  } // namespace fem
} // namespace vitrum

#endif
