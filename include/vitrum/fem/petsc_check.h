#ifndef vitrum_fem_petsc_check_h
#define vitrum_fem_petsc_check_h

#include <petscsys.h>

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
  } // namespace fem
} // namespace vitrum

#endif
