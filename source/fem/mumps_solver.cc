#include <deal.II/base/mpi.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/mumps_solver.h>
#include <vitrum/fem/petsc_check.h>

#include <dmumps_c.h>
#include <metis.h>
#include <petscmat.h>
#include <smumps_c.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace vitrum
{
  namespace fem
  {
    namespace internal
    {
      /**
       * One MUMPS instance: analysis, factors and solves in one precision.
       */
      class MumpsFactors
      {
      public:
        virtual ~MumpsFactors() = default;
        /// Symbolic analysis of the pattern (arrays must outlive the
        /// factorization); `ordering` (rank 0 only, may be empty) is the
        /// pivot position of each unknown, 1-based.
        virtual void
        analyse(int               n,
                std::vector<int> &rows,
                std::vector<int> &columns,
                std::vector<int> &ordering)
          = 0;
        virtual void
        factorize(const std::vector<double> &values)
          = 0;
        /// Solve in place; the right-hand side lives on rank 0 only.
        virtual void
        solve(std::vector<double> &rhs)
          = 0;
      };


      template <typename Number>
      struct MumpsApi;

      template <>
      struct MumpsApi<double>
      {
        using Struct = DMUMPS_STRUC_C;
        static void
        call(Struct &id)
        {
          dmumps_c(&id);
        }
      };

      template <>
      struct MumpsApi<float>
      {
        using Struct = SMUMPS_STRUC_C;
        static void
        call(Struct &id)
        {
          smumps_c(&id);
        }
      };


      template <typename Number>
      class MumpsInstance : public MumpsFactors
      {
      public:
        explicit MumpsInstance(MPI_Comm comm)
            : comm(comm)
        {
          id.job          = -1; // initialize
          id.par          = 1;  // rank 0 works too
          id.sym          = 0;  // unsymmetric
          id.comm_fortran = static_cast<MUMPS_INT>(MPI_Comm_c2f(comm));
          run("initialization");
          id.icntl[0] = -1; // no error, diagnostic or global output
          id.icntl[1] = -1;
          id.icntl[2] = -1;
          id.icntl[3] = 0;
          if (std::getenv("VITRUM_MUMPS_VERBOSE"))
            {
              id.icntl[2] = 6;
              id.icntl[3] = 2;
            }
          id.icntl[17] = 3;  // ICNTL(18): matrix distributed by rows
          id.icntl[13] = 30; // ICNTL(14): 30 % workspace relaxation
          // CNTL(1): relative pivot threshold 1e-3 instead of 1e-2. The
          // rows of a nearly used-up element's potential carry RT / x in
          // the columns of the fractions, so with 1e-2 MUMPS delayed many
          // pivots: 1.06e10 against 8.7e9 operations per LU in the default
          // job, with the same Newton iterations and amounts to 1e-14.
          id.cntl[0]   = 1e-3;
          id.icntl[19] = 0; // ICNTL(20): dense right-hand side on rank 0
          id.icntl[20] = 0; // ICNTL(21): solution on rank 0
        }

        ~MumpsInstance() override
        {
          id.job = -2;
          MumpsApi<Number>::call(id);
        }

        void
        analyse(const int         n,
                std::vector<int> &rows,
                std::vector<int> &columns,
                std::vector<int> &ordering) override
        {
          id.n            = n;
          id.nnz_loc      = static_cast<MUMPS_INT8>(rows.size());
          id.irn_loc      = rows.data();
          id.jcn_loc      = columns.data();
          const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
          const bool given
            = dealii::Utilities::MPI::max(int(!ordering.empty()), comm) > 0;
          id.icntl[6] = given ? 1 : 7; // ICNTL(7): ours, or MUMPS' choice
          id.perm_in  = (given && root) ? ordering.data() : nullptr;
          id.job      = 1;
          run("analysis");
        }

        void
        factorize(const std::vector<double> &values) override
        {
          entries.assign(values.begin(), values.end());
          id.a_loc = entries.data();
          id.job   = 2;
          // MUMPS may underestimate its workspace (INFOG(1) = -8, -9):
          // retry with more relaxation before giving up.
          for (unsigned int attempt = 0;; ++attempt)
            {
              MumpsApi<Number>::call(id);
              const int code = id.infog[0];
              if ((code == -8 || code == -9) && attempt < 3)
                {
                  id.icntl[13] *= 2;
                  continue;
                }
              check("factorization");
              return;
            }
        }

        void
        solve(std::vector<double> &rhs) override
        {
          right_hand_side.assign(rhs.begin(), rhs.end());
          id.rhs  = right_hand_side.data();
          id.nrhs = 1;
          id.lrhs = id.n;
          id.job  = 3;
          run("solve");
          std::copy(right_hand_side.begin(),
                    right_hand_side.end(),
                    rhs.begin());
        }

      private:
        void
        run(const char *what)
        {
          MumpsApi<Number>::call(id);
          check(what);
        }

        void
        check(const char *what) const
        {
          // INFOG is the same on every rank.
          if (id.infog[0] < 0)
            throw SolverError(
              std::string("MUMPS ") + what
              + " failed (INFOG(1) = " + std::to_string(id.infog[0])
              + ", INFOG(2) = " + std::to_string(id.infog[1]) + ")"
              + (id.infog[0] == -10 ? ": singular matrix" : ""));
        }

        MPI_Comm                          comm;
        typename MumpsApi<Number>::Struct id{};
        std::vector<Number>               entries;
        std::vector<Number>               right_hand_side;
      };


      /**
       * Nested-dissection ordering of the graph of a matrix given in
       * coordinate form (1-based, pattern gathered on rank 0): the pivot
       * position of each unknown, 1-based, as MUMPS' PERM_IN wants it.
       */
      std::vector<int>
      nested_dissection(const int               n,
                        const std::vector<int> &rows,
                        const std::vector<int> &columns)
      {
        // Adjacency of A + A^T without the diagonal, in CSR form.
        std::vector<idx_t> degree(n + 1, 0);
        for (std::size_t k = 0; k < rows.size(); ++k)
          if (rows[k] != columns[k])
            {
              ++degree[rows[k]];
              ++degree[columns[k]];
            }
        std::vector<idx_t> start(n + 1, 0);
        for (int i = 0; i < n; ++i)
          start[i + 1] = start[i] + degree[i + 1];
        std::vector<idx_t> neighbours(start[n]);
        std::vector<idx_t> fill(start.begin(), start.end() - 1);
        for (std::size_t k = 0; k < rows.size(); ++k)
          if (rows[k] != columns[k])
            {
              const idx_t i = rows[k] - 1, j = columns[k] - 1;
              neighbours[fill[i]++] = j;
              neighbours[fill[j]++] = i;
            }
        // Remove the duplicates a symmetric pattern produces.
        std::vector<idx_t> xadj(n + 1, 0), adjncy;
        adjncy.reserve(neighbours.size() / 2 + n);
        for (int i = 0; i < n; ++i)
          {
            auto first = neighbours.begin() + start[i];
            auto last  = neighbours.begin() + fill[i];
            std::sort(first, last);
            last = std::unique(first, last);
            adjncy.insert(adjncy.end(), first, last);
            xadj[i + 1] = static_cast<idx_t>(adjncy.size());
          }
        idx_t              nvtxs = n;
        std::vector<idx_t> perm(n), iperm(n);
        idx_t              options[METIS_NOPTIONS];
        METIS_SetDefaultOptions(options);
        options[METIS_OPTION_NUMBERING] = 0;
        if (METIS_NodeND(&nvtxs,
                         xadj.data(),
                         adjncy.data(),
                         nullptr,
                         options,
                         perm.data(),
                         iperm.data())
            != METIS_OK)
          return {}; // MUMPS then picks its own ordering
        // iperm[i] is the new position of unknown i.
        std::vector<int> ordering(n);
        for (int i = 0; i < n; ++i)
          ordering[i] = static_cast<int>(iperm[i]) + 1;
        return ordering;
      }
    } // namespace internal


    namespace
    {


      std::unique_ptr<internal::MumpsFactors>
      make_factors(MPI_Comm comm, const bool single)
      {
        if (single)
          return std::make_unique<internal::MumpsInstance<float>>(comm);
        return std::make_unique<internal::MumpsInstance<double>>(comm);
      }


      /// Sizes and offsets of each rank's block of a vector.
      std::pair<std::vector<int>, std::vector<int>>
      block_layout(MPI_Comm comm, const int local_size)
      {
        std::vector<int> sizes
          = dealii::Utilities::MPI::all_gather(comm, local_size);
        std::vector<int> offsets(sizes.size(), 0);
        for (unsigned int p = 1; p < sizes.size(); ++p)
          offsets[p] = offsets[p - 1] + sizes[p - 1];
        return {sizes, offsets};
      }


      template <typename T>
      std::vector<T>
      gather_on_root(MPI_Comm comm, const std::vector<T> &local)
      {
        const auto [sizes, offsets] = block_layout(comm, int(local.size()));
        const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
        std::vector<T> global(root ? offsets.back() + sizes.back() : 0);
        MPI_Gatherv(local.data(),
                    int(local.size()),
                    dealii::Utilities::MPI::mpi_type_id_for_type<T>,
                    global.data(),
                    sizes.data(),
                    offsets.data(),
                    dealii::Utilities::MPI::mpi_type_id_for_type<T>,
                    0,
                    comm);
        return global;
      }
    } // namespace


    MumpsSolver::MumpsSolver(MPI_Comm comm, const Precision precision)
        : comm(comm)
        , precision(precision)
        , verbose(std::getenv("VITRUM_MUMPS_VERBOSE") != nullptr)
    {
    }


    MumpsSolver::~MumpsSolver() = default;


    void
    MumpsSolver::reset()
    {
      factors.reset();
      double_factors.reset();
      rows.clear();
      columns.clear();
      pattern_changed = true;
    }


    void
    MumpsSolver::read_matrix(const dealii::PETScWrappers::MPI::SparseMatrix &A)
    {
      const Mat &mat = A;
      PetscInt   first, last;
      check_petsc(MatGetOwnershipRange(mat, &first, &last),
                  "MatGetOwnershipRange");
      std::vector<int> new_rows, new_columns;
      new_rows.reserve(rows.size());
      new_columns.reserve(columns.size());
      values.clear();
      for (PetscInt row = first; row < last; ++row)
        {
          PetscInt           n_entries;
          const PetscInt    *cols;
          const PetscScalar *vals;
          check_petsc(MatGetRow(mat, row, &n_entries, &cols, &vals),
                      "MatGetRow");
          for (PetscInt k = 0; k < n_entries; ++k)
            {
              new_rows.push_back(static_cast<int>(row) + 1);
              new_columns.push_back(static_cast<int>(cols[k]) + 1);
              values.push_back(vals[k]);
            }
          check_petsc(MatRestoreRow(mat, row, &n_entries, &cols, &vals),
                      "MatRestoreRow");
        }
      const bool same = new_rows == rows && new_columns == columns;
      pattern_changed = dealii::Utilities::MPI::min(int(same), comm) == 0;
      if (pattern_changed)
        {
          rows.swap(new_rows);
          columns.swap(new_columns);
        }
    }


    void
    MumpsSolver::factorize(const dealii::PETScWrappers::MPI::SparseMatrix &A)
    {
      read_matrix(A);
      use_double = precision == Precision::double_;
      if (pattern_changed)
        {
          factors.reset();
          double_factors.reset();
          ordering.clear();
          // The ordering needs the whole pattern: gather it on rank 0.
          const auto all_rows    = gather_on_root(comm, rows);
          const auto all_columns = gather_on_root(comm, columns);
          if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
            ordering
              = internal::nested_dissection(A.m(), all_rows, all_columns);
        }
      factorize_active(A.m());
    }


    void
    MumpsSolver::factorize_active(const int n)
    {
      auto &active = use_double ? double_factors : factors;
      if (!active)
        {
          active = make_factors(comm, !use_double);
          active->analyse(n, rows, columns, ordering);
        }
      try
        {
          active->factorize(values);
        }
      catch (const SolverError &)
        {
          reset();
          throw;
        }
    }


    std::vector<double>
    MumpsSolver::gather(const dealii::PETScWrappers::MPI::Vector &v) const
    {
      const Vec         &vec = v;
      const PetscScalar *data;
      PetscInt           n_local;
      check_petsc(VecGetLocalSize(vec, &n_local), "VecGetLocalSize");
      check_petsc(VecGetArrayRead(vec, &data), "VecGetArrayRead");
      const std::vector<double> local(data, data + n_local);
      check_petsc(VecRestoreArrayRead(vec, &data), "VecRestoreArrayRead");
      return gather_on_root(comm, local);
    }


    void
    MumpsSolver::scatter(const std::vector<double>          &global,
                         dealii::PETScWrappers::MPI::Vector &v) const
    {
      Vec          vec = v;
      PetscScalar *data;
      PetscInt     n_local;
      check_petsc(VecGetLocalSize(vec, &n_local), "VecGetLocalSize");
      const auto [sizes, offsets] = block_layout(comm, int(n_local));
      check_petsc(VecGetArray(vec, &data), "VecGetArray");
      MPI_Scatterv(global.data(),
                   sizes.data(),
                   offsets.data(),
                   MPI_DOUBLE,
                   data,
                   int(n_local),
                   MPI_DOUBLE,
                   0,
                   comm);
      check_petsc(VecRestoreArray(vec, &data), "VecRestoreArray");
    }


    void
    MumpsSolver::apply_factors(const dealii::PETScWrappers::MPI::Vector &b,
                               dealii::PETScWrappers::MPI::Vector &x) const
    {
      std::vector<double> global = gather(b);
      (use_double ? double_factors : factors)->solve(global);
      scatter(global, x);
    }


    void
    MumpsSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                       dealii::PETScWrappers::MPI::Vector             &x,
                       const dealii::PETScWrappers::MPI::Vector       &b)
    {
      apply_factors(b, x);
      if (use_double)
        return;

      // Refine in double precision: x += A^{-1}_single (b - A x) until the
      // residual is as small as a double-precision LU leaves it.
      const double                       b_norm = b.l2_norm();
      dealii::PETScWrappers::MPI::Vector residual(b), correction(b);
      double                             previous = b_norm;
      for (unsigned int solves = 1; solves < 20; ++solves)
        {
          A.vmult(residual, x);
          residual.sadd(-1.0, 1.0, b);
          const double norm = residual.l2_norm();
          if (verbose && dealii::Utilities::MPI::this_mpi_process(comm) == 0)
            std::printf("refinement %u: relative residual %.3e\n",
                        solves,
                        norm / b_norm);
          if (!std::isfinite(norm))
            break;
          if (norm <= 1e-12 * b_norm)
            return;
          // Stalled: accept what double precision could not improve much
          // on either, otherwise fall back below.
          if (norm > 0.5 * previous)
            {
              if (norm <= 1e-10 * b_norm)
                return;
              break;
            }
          previous = norm;
          apply_factors(residual, correction);
          x.add(1.0, correction);
        }
      // The single-precision factors are not good enough for this matrix
      // (too ill-conditioned): factorize it in double precision.
      use_double = true;
      factorize_active(A.m());
      apply_factors(b, x);
    }
  } // namespace fem
} // namespace vitrum
