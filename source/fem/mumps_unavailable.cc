// Built instead of mumps_solver.cc when vitrum is configured without the
// direct MUMPS wrapper (VITRUM_WITH_MUMPS=OFF). DirectSolver never creates a
// MumpsSolver then (the package is reported unavailable when the parameters
// are read); these definitions only satisfy the linker.
#include <vitrum/base/exceptions.h>
#include <vitrum/fem/mumps_solver.h>

namespace vitrum
{
  namespace fem
  {
    namespace internal
    {
      class MumpsFactors
      {
      public:
        virtual ~MumpsFactors() = default;
      };
    } // namespace internal


    namespace
    {
      [[noreturn]] void
      unavailable()
      {
        throw SolverError("this vitrum was built without the direct MUMPS "
                          "wrapper (VITRUM_WITH_MUMPS=OFF)");
      }
    } // namespace


    MumpsSolver::MumpsSolver(MPI_Comm comm, const Precision precision)
        : comm(comm)
        , precision(precision)
        , verbose(false)
    {
      unavailable();
    }


    MumpsSolver::~MumpsSolver() = default;


    void
    MumpsSolver::factorize(const dealii::PETScWrappers::MPI::SparseMatrix &)
    {
      unavailable();
    }


    void
    MumpsSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &,
                       dealii::PETScWrappers::MPI::Vector &,
                       const dealii::PETScWrappers::MPI::Vector &)
    {
      unavailable();
    }


    void
    MumpsSolver::apply_factors(const dealii::PETScWrappers::MPI::Vector &,
                               dealii::PETScWrappers::MPI::Vector &) const
    {
      unavailable();
    }


    void
    MumpsSolver::reset()
    {
    }
  } // namespace fem
} // namespace vitrum
