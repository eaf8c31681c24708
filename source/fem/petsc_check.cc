#include <vitrum/base/exceptions.h>
#include <vitrum/fem/petsc_check.h>

#include <petsc/private/petscimpl.h> // PetscObjectStateGet

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


    MatrixVersion
    matrix_version(Mat matrix)
    {
      MatrixVersion version;
      PetscObjectGetId(reinterpret_cast<PetscObject>(matrix), &version.id);
      PetscObjectStateGet(reinterpret_cast<PetscObject>(matrix),
                          &version.state);
      return version;
    }
  } // namespace fem
} // namespace vitrum
