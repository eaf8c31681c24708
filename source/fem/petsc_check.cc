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


    IS
    make_index_set(MPI_Comm                                            comm,
                   const std::vector<dealii::types::global_dof_index> &dofs)
    {
      std::vector<PetscInt> indices(dofs.begin(), dofs.end());
      IS                    set;
      check_petsc(ISCreateGeneral(comm,
                                  PetscInt(indices.size()),
                                  indices.data(),
                                  PETSC_COPY_VALUES,
                                  &set),
                  "ISCreateGeneral");
      return set;
    }


    unsigned int
    converged_iterations(KSP ksp, const char *method)
    {
      KSPConvergedReason reason;
      PetscInt           iterations;
      check_petsc(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
      check_petsc(KSPGetIterationNumber(ksp, &iterations),
                  "KSPGetIterationNumber");
      if (reason < 0)
        throw SolverError(std::string(method) + " did not converge (KSP reason "
                          + std::to_string(int(reason)) + " after "
                          + std::to_string(iterations) + " iterations)");
      return iterations;
    }
  } // namespace fem
} // namespace vitrum
