#include <vitrum/base/exceptions.h>
#include <vitrum/fem/schur_split_solver.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    namespace
    {
      /// Set a PETSc option unless the user set it (PETSC_OPTIONS or the
      /// command line): the defaults here, the last word with the user.
      void
      default_option(const std::string &name, const std::string &value)
      {
        PetscBool set = PETSC_FALSE;
        check_petsc(PetscOptionsHasName(nullptr, nullptr, name.c_str(), &set),
                    "PetscOptionsHasName");
        if (!set)
          check_petsc(PetscOptionsSetValue(nullptr,
                                           name.c_str(),
                                           value.c_str()),
                      "PetscOptionsSetValue");
      }


      /// The local entries of an index set (global numbers).
      std::vector<PetscInt>
      local_indices(IS set)
      {
        PetscInt        n;
        const PetscInt *indices;
        check_petsc(ISGetLocalSize(set, &n), "ISGetLocalSize");
        check_petsc(ISGetIndices(set, &indices), "ISGetIndices");
        std::vector<PetscInt> result(indices, indices + n);
        check_petsc(ISRestoreIndices(set, &indices), "ISRestoreIndices");
        return result;
      }


      /// An AIJ matrix of this type (the one of the matrix it will be
      /// multiplied with: PETSc multiplies like types) with these local
      /// sizes, column block size and exact per-row preallocation
      /// (diagonal / off-diagonal part).
      Mat
      preallocated_matrix(MPI_Comm                     comm,
                          MatType                      type,
                          PetscInt                     local_rows,
                          PetscInt                     local_columns,
                          PetscInt                     column_block_size,
                          const std::vector<PetscInt> &diagonal_entries,
                          const std::vector<PetscInt> &off_diagonal_entries)
      {
        Mat B;
        check_petsc(MatCreate(comm, &B), "MatCreate");
        check_petsc(MatSetSizes(B,
                                local_rows,
                                local_columns,
                                PETSC_DETERMINE,
                                PETSC_DETERMINE),
                    "MatSetSizes");
        check_petsc(MatSetBlockSizes(B, 1, column_block_size),
                    "MatSetBlockSizes");
        check_petsc(MatSetType(B, type), "MatSetType");
        check_petsc(MatSeqAIJSetPreallocation(B, 0, diagonal_entries.data()),
                    "MatSeqAIJSetPreallocation");
        check_petsc(MatMPIAIJSetPreallocation(B,
                                              0,
                                              diagonal_entries.data(),
                                              0,
                                              off_diagonal_entries.data()),
                    "MatMPIAIJSetPreallocation");
        return B;
      }
    } // namespace


    SchurSplitSolver::SchurSplitSolver(MPI_Comm           comm,
                                       const double       tolerance,
                                       const unsigned int max_iterations)
        : comm(comm)
        , tolerance(tolerance)
        , max_iterations(max_iterations)
    {
      const std::string p = "-vitrum_split_kept_";
      default_option(p + "pc_type", "hypre");
      default_option(p + "pc_hypre_type", "boomeramg");
      // The fourth-order part of S has positive off-diagonal entries: a
      // high strength threshold keeps them out of the coarsening (the
      // default job at dt = 50 s: 93 iterations against 230 at 0.25).
      default_option(p + "pc_hypre_boomeramg_strong_threshold", "0.7");
    }


    SchurSplitSolver::~SchurSplitSolver()
    {
      reset();
      for (IS *set : {&eliminated_set, &kept_set})
        if (*set != nullptr)
          ISDestroy(set);
    }


    void
    SchurSplitSolver::set_fields(
      const std::vector<dealii::types::global_dof_index> &eliminated,
      const std::vector<dealii::types::global_dof_index> &kept,
      const unsigned int                                  kept_per_node)
    {
      reset();
      for (IS *set : {&eliminated_set, &kept_set})
        if (*set != nullptr)
          ISDestroy(set);
      eliminated_set      = make_index_set(comm, eliminated);
      kept_set            = make_index_set(comm, kept);
      this->kept_per_node = kept_per_node;
    }


    void
    SchurSplitSolver::reset()
    {
      // (The Krylov method too: its vectors have the matrix's sizes.)
      if (ksp != nullptr)
        KSPDestroy(&ksp);
      if (schur_ksp != nullptr)
        KSPDestroy(&schur_ksp);
      for (Vec *v : {&inverse_diagonal, &work, &work2})
        if (*v != nullptr)
          VecDestroy(v);
      built_from = MatrixVersion();
    }


    void
    SchurSplitSolver::update_inverse_diagonal(Mat J)
    {
      if (inverse_diagonal == nullptr)
        {
          check_petsc(MatCreateVecs(J, &inverse_diagonal, nullptr),
                      "MatCreateVecs");
          check_petsc(VecDuplicate(inverse_diagonal, &work), "VecDuplicate");
          check_petsc(VecDuplicate(inverse_diagonal, &work2), "VecDuplicate");
        }
      check_petsc(MatGetDiagonal(J, work), "MatGetDiagonal");
      PetscInt first, last;
      check_petsc(MatGetOwnershipRange(J, &first, &last), "ownership");
      const PetscScalar *diagonal;
      PetscScalar       *inverse;
      check_petsc(VecGetArrayRead(work, &diagonal), "VecGetArrayRead");
      check_petsc(VecGetArray(inverse_diagonal, &inverse), "VecGetArray");
      std::fill(inverse, inverse + (last - first), 0.);
      for (const PetscInt row : local_indices(eliminated_set))
        inverse[row - first] = 1. / diagonal[row - first];
      check_petsc(VecRestoreArray(inverse_diagonal, &inverse),
                  "VecRestoreArray");
      check_petsc(VecRestoreArrayRead(work, &diagonal), "VecRestoreArrayRead");
    }


    Mat
    SchurSplitSolver::schur_complement(Mat J) const
    {
      // A_wp with its columns numbered as the kept unknowns (PETSc maps
      // the ghost columns).
      Mat A_wp;
      check_petsc(MatCreateSubMatrix(J,
                                     eliminated_set,
                                     kept_set,
                                     MAT_INITIAL_MATRIX,
                                     &A_wp),
                  "MatCreateSubMatrix (A_wp)");
      PetscInt first, last, kept_first, kept_last, w_first, w_last;
      check_petsc(MatGetOwnershipRange(J, &first, &last), "ownership");
      check_petsc(MatGetOwnershipRangeColumn(A_wp, &kept_first, &kept_last),
                  "ownership");
      check_petsc(MatGetOwnershipRange(A_wp, &w_first, &w_last), "ownership");
      const std::vector<PetscInt> kept       = local_indices(kept_set);
      const std::vector<PetscInt> eliminated = local_indices(eliminated_set);

      // B = [I; -D^-1 A_wp]: rows of J, columns of the kept unknowns.
      std::vector<PetscInt> diagonal_entries(last - first, 0),
        off_diagonal_entries(last - first, 0);
      for (const PetscInt row : kept)
        diagonal_entries[row - first] = 1;
      for (std::size_t e = 0; e < eliminated.size(); ++e)
        {
          PetscInt        n;
          const PetscInt *columns;
          check_petsc(MatGetRow(A_wp, w_first + e, &n, &columns, nullptr),
                      "MatGetRow");
          for (PetscInt k = 0; k < n; ++k)
            ++(columns[k] >= kept_first && columns[k] < kept_last
                 ? diagonal_entries
                 : off_diagonal_entries)[eliminated[e] - first];
          check_petsc(MatRestoreRow(A_wp, w_first + e, &n, &columns, nullptr),
                      "MatRestoreRow");
        }
      MatType type;
      check_petsc(MatGetType(J, &type), "MatGetType");
      Mat B = preallocated_matrix(comm,
                                  type,
                                  last - first,
                                  kept_last - kept_first,
                                  kept_per_node,
                                  diagonal_entries,
                                  off_diagonal_entries);
      for (std::size_t k = 0; k < kept.size(); ++k)
        check_petsc(MatSetValue(B, kept[k], kept_first + k, 1., INSERT_VALUES),
                    "MatSetValue");
      const PetscScalar       *inverse;
      std::vector<PetscScalar> scaled;
      check_petsc(VecGetArrayRead(inverse_diagonal, &inverse),
                  "VecGetArrayRead");
      for (std::size_t e = 0; e < eliminated.size(); ++e)
        {
          PetscInt           n;
          const PetscInt    *columns;
          const PetscScalar *values;
          check_petsc(MatGetRow(A_wp, w_first + e, &n, &columns, &values),
                      "MatGetRow");
          scaled.assign(values, values + n);
          for (PetscScalar &v : scaled)
            v *= -inverse[eliminated[e] - first];
          check_petsc(MatSetValues(B,
                                   1,
                                   &eliminated[e],
                                   n,
                                   columns,
                                   scaled.data(),
                                   INSERT_VALUES),
                      "MatSetValues");
          check_petsc(MatRestoreRow(A_wp, w_first + e, &n, &columns, &values),
                      "MatRestoreRow");
        }
      check_petsc(VecRestoreArrayRead(inverse_diagonal, &inverse),
                  "VecRestoreArrayRead");
      check_petsc(MatDestroy(&A_wp), "MatDestroy");
      check_petsc(MatAssemblyBegin(B, MAT_FINAL_ASSEMBLY), "assembly");
      check_petsc(MatAssemblyEnd(B, MAT_FINAL_ASSEMBLY), "assembly");

      // S = J_p B: the kept rows of J (all columns, numbering unchanged)
      // times B, one product and no sum of differently patterned matrices.
      IS all_columns;
      check_petsc(ISCreateStride(comm, last - first, first, 1, &all_columns),
                  "ISCreateStride");
      Mat J_p;
      check_petsc(
        MatCreateSubMatrix(J, kept_set, all_columns, MAT_INITIAL_MATRIX, &J_p),
        "MatCreateSubMatrix (J_p)");
      check_petsc(ISDestroy(&all_columns), "ISDestroy");
      // PETSc's own choice above ~1e5 rows per rank ("scalable", sparse
      // column accumulators) is 4-6 times slower here than "nonscalable"
      // (one dense marker array of the columns per rank: 4 bytes per kept
      // unknown, negligible next to S) at the same peak memory.
      Mat S;
      check_petsc(MatProductCreate(J_p, B, nullptr, &S), "MatProductCreate");
      check_petsc(MatProductSetType(S, MATPRODUCT_AB), "MatProductSetType");
      check_petsc(MatProductSetAlgorithm(S, "nonscalable"),
                  "MatProductSetAlgorithm");
      check_petsc(MatProductSetFromOptions(S), "MatProductSetFromOptions");
      check_petsc(MatProductSymbolic(S), "MatProductSymbolic (Schur)");
      check_petsc(MatProductNumeric(S), "MatProductNumeric (Schur)");
      check_petsc(MatProductClear(S), "MatProductClear");
      check_petsc(MatDestroy(&J_p), "MatDestroy");
      check_petsc(MatDestroy(&B), "MatDestroy");
      return S;
    }


    void
    SchurSplitSolver::build_schur_solver(Mat J)
    {
      // The old hierarchy goes first: peak memory is S plus one hierarchy.
      if (schur_ksp != nullptr)
        check_petsc(KSPDestroy(&schur_ksp), "KSPDestroy");
      Mat S = schur_complement(J);
      check_petsc(KSPCreate(comm, &schur_ksp), "KSPCreate");
      check_petsc(KSPSetOptionsPrefix(schur_ksp, "vitrum_split_kept_"),
                  "KSPSetOptionsPrefix");
      check_petsc(KSPSetType(schur_ksp, KSPPREONLY), "KSPSetType");
      check_petsc(KSPSetFromOptions(schur_ksp), "KSPSetFromOptions");
      PC schur_pc;
      check_petsc(KSPGetPC(schur_ksp, &schur_pc), "KSPGetPC");
      PCType type;
      check_petsc(PCGetType(schur_pc, &type), "PCGetType");
      if (std::strcmp(type, PCHYPRE) == 0)
        {
          // hypre keeps its own copy: the PETSc one is freed right away.
          Mat in_hypre;
          check_petsc(MatConvert(S, MATHYPRE, MAT_INITIAL_MATRIX, &in_hypre),
                      "MatConvert (hypre)");
          check_petsc(MatDestroy(&S), "MatDestroy");
          S = in_hypre;
        }
      // The unknowns of a node together (the AMG's systems coarsening;
      // the conversion to hypre does not keep it).
      check_petsc(MatSetBlockSize(S, kept_per_node), "MatSetBlockSize");
      check_petsc(KSPSetOperators(schur_ksp, S, S), "KSPSetOperators");
      check_petsc(KSPSetUp(schur_ksp), "KSPSetUp (Schur complement)");
      check_petsc(MatDestroy(&S), "MatDestroy"); // the PC keeps it
      ++n_setups;
    }


    void
    SchurSplitSolver::create_krylov_solver()
    {
      PC pc;
      check_petsc(KSPCreate(comm, &ksp), "KSPCreate");
      check_petsc(KSPSetOptionsPrefix(ksp, "vitrum_split_"), "prefix");
      check_petsc(KSPSetType(ksp, KSPFGMRES), "KSPSetType");
      check_petsc(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
      check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
      check_petsc(PCSetType(pc, PCSHELL), "PCSetType");
      check_petsc(PCShellSetContext(pc, this), "PCShellSetContext");
      check_petsc(PCShellSetApply(pc, &SchurSplitSolver::apply),
                  "PCShellSetApply");
      check_petsc(PCShellSetName(pc, "potentials eliminated, S by AMG"),
                  "PCShellSetName");
      check_petsc(
        KSPSetTolerances(ksp, tolerance, 1e-300, PETSC_DEFAULT, max_iterations),
        "KSPSetTolerances");
      check_petsc(KSPSetFromOptions(ksp), "KSPSetFromOptions");
    }


    PetscErrorCode
    SchurSplitSolver::apply(PC pc, Vec r, Vec z)
    {
      SchurSplitSolver *self;
      PetscCall(PCShellGetContext(pc, &self));
      Mat J = self->operator_matrix;
      Vec t = self->work, y = self->work2;
      // y_p = r_p - A_pw D^-1 r_w (t has no kept part: J t = A_.w t_w)
      PetscCall(VecPointwiseMult(t, self->inverse_diagonal, r));
      PetscCall(MatMult(J, t, y));
      PetscCall(VecAYPX(y, -1., r));
      // z = [0; S^-1 y_p]
      PetscCall(VecSet(z, 0.));
      Vec y_p, z_p;
      PetscCall(VecGetSubVector(y, self->kept_set, &y_p));
      PetscCall(VecGetSubVector(z, self->kept_set, &z_p));
      PetscCall(KSPSolve(self->schur_ksp, y_p, z_p));
      PetscCall(VecRestoreSubVector(z, self->kept_set, &z_p));
      PetscCall(VecRestoreSubVector(y, self->kept_set, &y_p));
      // z_w = D^-1 (r_w - A_wp z_p)
      PetscCall(MatMult(J, z, y));
      PetscCall(VecAYPX(y, -1., r));
      PetscCall(VecPointwiseMult(t, self->inverse_diagonal, y));
      PetscCall(VecAXPY(z, 1., t));
      return 0;
    }


    unsigned int
    SchurSplitSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            dealii::PETScWrappers::MPI::Vector             &x,
                            const dealii::PETScWrappers::MPI::Vector       &b,
                            const double step_key)
    {
      const Mat          &mat     = J;
      const MatrixVersion version = matrix_version(mat);
      if (version.id != built_from.id)
        reset();
      PetscBool allow_reuse = PETSC_TRUE;
      check_petsc(PetscOptionsGetBool(nullptr,
                                      nullptr,
                                      "-vitrum_split_reuse",
                                      &allow_reuse,
                                      nullptr),
                  "PetscOptionsGetBool");
      // A kept S that needed far more iterations than a fresh one is too
      // old.
      const bool reuse = allow_reuse && schur_ksp != nullptr
                         && step_key == built_for_key
                         && last_iterations <= 2 * fresh_iterations + 10;
      try
        {
          if (ksp == nullptr)
            create_krylov_solver();
          operator_matrix = mat;
          update_inverse_diagonal(mat);
          if (!reuse)
            build_schur_solver(mat);
          check_petsc(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
          check_petsc(KSPSolve(ksp, b, x), "KSPSolve");
          last_iterations
            = converged_iterations(ksp, "FGMRES with the Schur split");
        }
      catch (const SolverError &)
        {
          reset();
          if (!reuse)
            throw;
          // An old S may be the reason: once more with a fresh one.
          return solve(J, x, b, step_key);
        }
      if (!reuse)
        {
          built_from       = version;
          built_for_key    = step_key;
          fresh_iterations = last_iterations;
        }
      return last_iterations;
    }
  } // namespace fem
} // namespace vitrum
