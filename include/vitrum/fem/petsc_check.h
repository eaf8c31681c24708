#ifndef vitrum_fem_petsc_check_h
#define vitrum_fem_petsc_check_h

#include <deal.II/base/types.h>

#include <petscksp.h>
#include <petscmat.h>

#include <vector>

namespace vitrum
{
  namespace fem
  {
    /// Throws SolverError naming `what` and the error code if a PETSc call
    /// returned one: a failed factorization or Krylov setup is a numerical
    /// failure of the step (exit code 3), which the step controller may
    /// retry with a shorter step.
    void
    check_petsc(PetscErrorCode code, const char *what);

    /// Which matrix object, and how often its entries changed: PETSc never
    /// reuses an object id, and bumps the state at every change of the
    /// entries. Solvers keep the version of the matrix their factors or
    /// preconditioner were built from.
    struct MatrixVersion
    {
      PetscObjectId    id    = 0;
      PetscObjectState state = 0;
    };

    MatrixVersion
    matrix_version(Mat matrix);

    /// A PETSc index set of these (locally owned) unknowns, in this order.
    IS
    make_index_set(MPI_Comm                                            comm,
                   const std::vector<dealii::types::global_dof_index> &dofs);

    /// The iterations of the last KSPSolve; throws SolverError naming
    /// `method` with PETSc's reason if it did not converge.
    unsigned int
    converged_iterations(KSP ksp, const char *method);
  } // namespace fem
} // namespace vitrum

#endif
