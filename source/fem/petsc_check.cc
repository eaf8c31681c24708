#include <vitrum/base/exceptions.h>
#include <vitrum/fem/petsc_check.h>

#include <string>

namespace vitrum
{
  namespace fem
  {
    void
    check_petsc(const PetscErrorCode code, const char *what)
    {
      if (code != 0)
        throw SolverError(std::string("PETSc failed in ") + what
                          + " (error code " + std::to_string(code) + ")");
    }
  } // namespace fem
} // namespace vitrum
