#include <deal.II/lac/lapack_full_matrix.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/block_solver.h>
#include <vitrum/fem/schur_split_solver.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
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


      /// One V-cycle of the solver the options with this prefix choose
      /// (BoomerAMG unless told otherwise) on A, which it takes over;
      /// `block_size` unknowns of a node together (systems coarsening).
      KSP
      v_cycle_solver(MPI_Comm           comm,
                     Mat                A,
                     const char        *prefix,
                     const unsigned int block_size)
      {
        KSP ksp;
        check_petsc(KSPCreate(comm, &ksp), "KSPCreate");
        check_petsc(KSPSetOptionsPrefix(ksp, prefix), "KSPSetOptionsPrefix");
        check_petsc(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
        check_petsc(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        PC pc;
        check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
        PCType type;
        check_petsc(PCGetType(pc, &type), "PCGetType");
        if (std::strcmp(type, PCHYPRE) == 0)
          {
            // hypre keeps its own copy: the PETSc one is freed right away.
            Mat in_hypre;
            check_petsc(MatConvert(A, MATHYPRE, MAT_INITIAL_MATRIX, &in_hypre),
                        "MatConvert (hypre)");
            check_petsc(MatDestroy(&A), "MatDestroy");
            A = in_hypre;
          }
        // (The conversion to hypre does not keep the block size.)
        check_petsc(MatSetBlockSize(A, block_size), "MatSetBlockSize");
        check_petsc(KSPSetOperators(ksp, A, A), "KSPSetOperators");
        check_petsc(KSPSetUp(ksp), "KSPSetUp (V-cycle)");
        check_petsc(MatDestroy(&A), "MatDestroy"); // the PC keeps it
        return ksp;
      }


      /// A += the n x n blocks on the diagonal (row-major, one block after
      /// the other for the local rows, n to a node).
      void
      add_node_blocks(Mat A, const std::vector<double> &blocks, unsigned int n)
      {
        PetscInt first, last;
        check_petsc(MatGetOwnershipRange(A, &first, &last), "ownership");
        Mat B;
        check_petsc(MatCreateAIJ(PetscObjectComm(
                                   reinterpret_cast<PetscObject>(A)),
                                 last - first,
                                 last - first,
                                 PETSC_DETERMINE,
                                 PETSC_DETERMINE,
                                 n,
                                 nullptr,
                                 0,
                                 nullptr,
                                 &B),
                    "MatCreateAIJ");
        std::vector<PetscInt> rows(n);
        for (PetscInt node_first = first; node_first < last; node_first += n)
          {
            for (unsigned int a = 0; a < n; ++a)
              rows[a] = node_first + a;
            check_petsc(MatSetValues(B,
                                     n,
                                     rows.data(),
                                     n,
                                     rows.data(),
                                     &blocks[(node_first - first) * n],
                                     INSERT_VALUES),
                        "MatSetValues");
          }
        check_petsc(MatAssemblyBegin(B, MAT_FINAL_ASSEMBLY), "assembly");
        check_petsc(MatAssemblyEnd(B, MAT_FINAL_ASSEMBLY), "assembly");
        check_petsc(MatAXPY(A, 1., B, DIFFERENT_NONZERO_PATTERN), "MatAXPY");
        check_petsc(MatDestroy(&B), "MatDestroy");
      }


      /// One node's H M (the row sums of G over each partner field), its
      /// n x n block of K_L, the sum of G's diagonal and of |G| over its
      /// rows (zero: a constrained node).
      struct NodeRows
      {
        std::vector<double> HM, K_L;
        double              gradient_diagonal = 0, size = 0;
      };

      NodeRows
      read_node(Mat          diffusion,
                Mat          gradient,
                PetscInt     node_first,
                unsigned int n)
      {
        NodeRows node{std::vector<double>(n * n, 0.),
                      std::vector<double>(n * n, 0.)};
        for (unsigned int a = 0; a < n; ++a)
          {
            const PetscInt     row = node_first + a;
            PetscInt           count;
            const PetscInt    *columns;
            const PetscScalar *values;
            check_petsc(MatGetRow(gradient, row, &count, &columns, &values),
                        "MatGetRow");
            for (PetscInt k = 0; k < count; ++k)
              {
                node.HM[a * n + columns[k] % n] += values[k];
                node.size += std::abs(values[k]);
                if (columns[k] == row)
                  node.gradient_diagonal += values[k];
              }
            check_petsc(MatRestoreRow(gradient, row, &count, &columns, &values),
                        "MatRestoreRow");
            check_petsc(MatGetRow(diffusion, row, &count, &columns, &values),
                        "MatGetRow");
            for (PetscInt k = 0; k < count; ++k)
              if (columns[k] >= node_first
                  && columns[k] < node_first + PetscInt(n))
                node.K_L[a * n + columns[k] - node_first] = values[k];
            check_petsc(
              MatRestoreRow(diffusion, row, &count, &columns, &values),
              "MatRestoreRow");
          }
        return node;
      }


      /// The node blocks the two factors add to K_L and to G (n x n per
      /// node, row-major, in the order of the local rows): a0 M Ĥ^-1 and
      /// M (Ĥ - H); on a constrained node (rows of J that are diagonal) 1
      /// and M J_xx, so that the factors give z = y / J_xx there.
      void
      factor_node_blocks(Mat                  diffusion,
                         Mat                  gradient,
                         Vec                  partner_mass,
                         Vec                  partner_diagonal,
                         const double         a0,
                         const unsigned int   n,
                         std::vector<double> &add_d,
                         std::vector<double> &add_g)
      {
        PetscInt first, last;
        check_petsc(MatGetOwnershipRange(gradient, &first, &last), "ownership");
        add_d.assign((last - first) * n, 0.);
        add_g.assign((last - first) * n, 0.);
        const PetscScalar *mass, *diagonal;
        check_petsc(VecGetArrayRead(partner_mass, &mass), "VecGetArrayRead");
        check_petsc(VecGetArrayRead(partner_diagonal, &diagonal),
                    "VecGetArrayRead");
        std::vector<double> H(n * n);
        for (PetscInt node_first = first; node_first < last; node_first += n)
          {
            const NodeRows node = read_node(diffusion, gradient, node_first, n);
            const PetscInt local = node_first - first;
            double *const  d     = &add_d[local * n];
            double *const  g     = &add_g[local * n];
            if (node.size == 0)
              {
                for (unsigned int a = 0; a < n; ++a)
                  {
                    d[a * n + a] = 1;
                    g[a * n + a] = mass[local + a] * diagonal[local + a];
                  }
                continue;
              }
            // kappa K_ii: the diagonal of G less that of H M.
            double kappa_K = node.gradient_diagonal;
            for (unsigned int a = 0; a < n; ++a)
              kappa_K -= node.HM[a * n + a];
            kappa_K /= n;
            for (unsigned int a = 0; a < n; ++a)
              for (unsigned int b = 0; b < n; ++b)
                H[a * n + b] = node.HM[a * n + b] / mass[local + a];
            const std::vector<double> factor
              = factor_hessian(H, node.K_L, kappa_K, a0, n);
            for (unsigned int a = 0; a < n; ++a)
              for (unsigned int b = 0; b < n; ++b)
                {
                  const double m = mass[local + a];
                  d[a * n + b]   = a0 * m * factor[n * n + a * n + b];
                  g[a * n + b]   = m * (factor[a * n + b] - H[a * n + b]);
                }
          }
        check_petsc(VecRestoreArrayRead(partner_diagonal, &diagonal),
                    "VecRestoreArrayRead");
        check_petsc(VecRestoreArrayRead(partner_mass, &mass),
                    "VecRestoreArrayRead");
      }

      void
      destroy_index_sets(std::initializer_list<IS *> sets)
      {
        for (IS *set : sets)
          if (*set != nullptr)
            ISDestroy(set);
      }
    } // namespace


    std::vector<double>
    factor_hessian(const std::vector<double> &H,
                   const std::vector<double> &K_L,
                   const double               kappa_K,
                   const double               a0,
                   const unsigned int         n)
    {
      dealii::LAPACKFullMatrix<double> symmetric(n, n);
      for (unsigned int a = 0; a < n; ++a)
        for (unsigned int b = 0; b < n; ++b)
          symmetric(a, b) = 0.5 * (H[a * n + b] + H[b * n + a]);
      dealii::Vector<double>     eigenvalues;
      dealii::FullMatrix<double> eigenvectors;
      symmetric.compute_eigenvalues_symmetric(
        -std::numeric_limits<double>::max(),
        std::numeric_limits<double>::max(),
        0.,
        eigenvalues,
        eigenvectors);
      if (eigenvalues.size() != n)
        throw SolverError("factor_hessian: LAPACK found "
                          + std::to_string(eigenvalues.size()) + " of "
                          + std::to_string(n) + " eigenvalues");
      double largest = 0;
      for (const double lambda : eigenvalues)
        largest = std::max(largest, std::abs(lambda));
      std::vector<double> result(2 * n * n, 0.);
      if (largest == 0)
        return result;
      for (unsigned int k = 0; k < n; ++k)
        {
          // The mobility along the eigenvector, and the weight of the
          // split's two second-order parts (as the binary system's
          // schur_factor_weights: b the curvature, c = a0 kappa / mobility).
          double mobility = 0;
          for (unsigned int a = 0; a < n; ++a)
            for (unsigned int b = 0; b < n; ++b)
              mobility
                += eigenvectors(a, k) * K_L[a * n + b] * eigenvectors(b, k);
          const double b_k = std::abs(eigenvalues[k]);
          const double c_k = std::min(a0 * kappa_K / std::max(mobility, 0.),
                                      1e24 * largest * largest);
          const double lambda
            = std::max(schur_factor_weights(b_k, c_k).first, 1e-8 * largest);
          for (unsigned int a = 0; a < n; ++a)
            for (unsigned int b = 0; b < n; ++b)
              {
                const double vv = eigenvectors(a, k) * eigenvectors(b, k);
                result[a * n + b] += lambda * vv;
                result[n * n + a * n + b] += vv / lambda;
              }
        }
      return result;
    }


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
      // The factors couple a node's n unknowns strongly (the mobility and
      // Hessian matrices): coarsening by nodes (the Frobenius norms of the
      // node blocks) with nodal (block Gauss-Seidel) relaxation. Unknown-
      // based coarsening, which sees only one element's couplings, failed
      // on the laminate at dt = 10 s (no convergence in 1000 iterations).
      for (const std::string factor : {"-vitrum_split_diffusion_",
                                       "-vitrum_split_gradient_",
                                       "-vitrum_split_other_"})
        {
          default_option(factor + "pc_type", "hypre");
          default_option(factor + "pc_hypre_type", "boomeramg");
          if (factor != "-vitrum_split_other_")
            {
              default_option(factor + "pc_hypre_boomeramg_nodal_coarsen", "4");
              default_option(factor + "pc_hypre_boomeramg_nodal_relaxation",
                             "1");
            }
        }
    }


    SchurSplitSolver::~SchurSplitSolver()
    {
      reset();
      destroy_index_sets(
        {&eliminated_set, &kept_set, &partner_set, &other_set});
    }


    void
    SchurSplitSolver::set_fields(
      const std::vector<dealii::types::global_dof_index> &eliminated,
      const std::vector<dealii::types::global_dof_index> &kept,
      const unsigned int                                  kept_per_node)
    {
      reset();
      destroy_index_sets(
        {&eliminated_set, &kept_set, &partner_set, &other_set});
      eliminated_set      = make_index_set(comm, eliminated);
      kept_set            = make_index_set(comm, kept);
      this->kept_per_node = kept_per_node;
      partners_per_node   = 0;
    }


    void
    SchurSplitSolver::set_partners(
      const std::vector<dealii::types::global_dof_index> &partners,
      const std::vector<dealii::types::global_dof_index> &others,
      const unsigned int                                  per_node)
    {
      reset();
      destroy_index_sets({&partner_set, &other_set});
      partner_set       = make_index_set(comm, partners);
      other_set         = make_index_set(comm, others);
      partners_per_node = per_node;
    }


    bool
    SchurSplitSolver::factored() const
    {
      PetscBool on = PETSC_TRUE;
      check_petsc(PetscOptionsGetBool(nullptr,
                                      nullptr,
                                      "-vitrum_split_factored",
                                      &on,
                                      nullptr),
                  "PetscOptionsGetBool");
      return partners_per_node > 0 && on;
    }


    void
    SchurSplitSolver::reset()
    {
      // (The Krylov method too: its vectors have the matrix's sizes.)
      if (ksp != nullptr)
        KSPDestroy(&ksp);
      for (KSP *k : {&schur_ksp, &diffusion_ksp, &gradient_ksp, &other_ksp})
        if (*k != nullptr)
          KSPDestroy(k);
      for (Vec *v : {&inverse_diagonal,
                     &work,
                     &work2,
                     &partner_mass,
                     &partner_work,
                     &eliminated_inverse_diagonal,
                     &eliminated_work,
                     &kept_work,
                     &other_work})
        if (*v != nullptr)
          VecDestroy(v);
      for (Mat *m : {&coupling_pw, &coupling_wp, &coupling_ox})
        if (*m != nullptr)
          MatDestroy(m);
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


    void
    SchurSplitSolver::update_coupling_blocks(Mat J)
    {
      // The pattern of J is that of its mesh (a new mesh is a new matrix,
      // and reset() comes first): after the first extraction only the
      // values are copied.
      const auto extract = [&](IS rows, IS columns, Mat &block) {
        check_petsc(MatCreateSubMatrix(J,
                                       rows,
                                       columns,
                                       block == nullptr ? MAT_INITIAL_MATRIX
                                                        : MAT_REUSE_MATRIX,
                                       &block),
                    "MatCreateSubMatrix (coupling block)");
      };
      extract(kept_set, eliminated_set, coupling_pw);
      extract(eliminated_set, kept_set, coupling_wp);
      if (eliminated_work == nullptr)
        check_petsc(MatCreateVecs(coupling_pw, &eliminated_work, &kept_work),
                    "MatCreateVecs");
      Vec view;
      check_petsc(VecGetSubVector(inverse_diagonal, eliminated_set, &view),
                  "VecGetSubVector");
      if (eliminated_inverse_diagonal == nullptr)
        check_petsc(VecDuplicate(view, &eliminated_inverse_diagonal),
                    "VecDuplicate");
      check_petsc(VecCopy(view, eliminated_inverse_diagonal), "VecCopy");
      check_petsc(VecRestoreSubVector(inverse_diagonal, eliminated_set, &view),
                  "VecRestoreSubVector");
      PetscInt n_other = 0;
      if (other_set != nullptr)
        check_petsc(ISGetSize(other_set, &n_other), "ISGetSize");
      if (n_other > 0)
        {
          extract(other_set, partner_set, coupling_ox);
          if (other_work == nullptr)
            check_petsc(MatCreateVecs(coupling_ox, nullptr, &other_work),
                        "MatCreateVecs");
        }
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
      schur_ksp = v_cycle_solver(comm,
                                 schur_complement(J),
                                 "vitrum_split_kept_",
                                 kept_per_node);
      ++n_setups;
    }


    void
    SchurSplitSolver::build_factored_solver(Mat J, const double mass_weight)
    {
      for (KSP *k : {&diffusion_ksp, &gradient_ksp, &other_ksp})
        if (*k != nullptr)
          check_petsc(KSPDestroy(k), "KSPDestroy");
      const unsigned int n = partners_per_node;
      // Both factors in the partners' numbering (partner k and potential
      // k share their position): K_L = J(x, w), G = -J(w, x).
      Mat diffusion, gradient;
      check_petsc(MatCreateSubMatrix(J,
                                     partner_set,
                                     eliminated_set,
                                     MAT_INITIAL_MATRIX,
                                     &diffusion),
                  "MatCreateSubMatrix (K_L)");
      check_petsc(MatCreateSubMatrix(J,
                                     eliminated_set,
                                     partner_set,
                                     MAT_INITIAL_MATRIX,
                                     &gradient),
                  "MatCreateSubMatrix (G)");
      check_petsc(MatScale(gradient, -1.), "MatScale");
      if (partner_mass == nullptr)
        {
          check_petsc(MatCreateVecs(diffusion, &partner_mass, &partner_work),
                      "MatCreateVecs");
        }
      // M on the partners (D on the potentials), J's diagonal on them.
      Vec inverse_mass, partner_diagonal;
      check_petsc(VecGetSubVector(inverse_diagonal,
                                  eliminated_set,
                                  &inverse_mass),
                  "VecGetSubVector");
      check_petsc(VecCopy(inverse_mass, partner_mass), "VecCopy");
      check_petsc(VecRestoreSubVector(inverse_diagonal,
                                      eliminated_set,
                                      &inverse_mass),
                  "VecRestoreSubVector");
      check_petsc(VecReciprocal(partner_mass), "VecReciprocal");
      check_petsc(MatGetDiagonal(J, work), "MatGetDiagonal");
      check_petsc(VecGetSubVector(work, partner_set, &partner_diagonal),
                  "VecGetSubVector");

      std::vector<double> add_d, add_g;
      factor_node_blocks(diffusion,
                         gradient,
                         partner_mass,
                         partner_diagonal,
                         mass_weight,
                         n,
                         add_d,
                         add_g);
      check_petsc(VecRestoreSubVector(work, partner_set, &partner_diagonal),
                  "VecRestoreSubVector");
      // (A constrained node's rows have no entries in J's blocks: adding a
      // matrix of another pattern merges the patterns in one pass, where
      // setting new entries would move the matrix once per node.)
      add_node_blocks(diffusion, add_d, n);
      add_node_blocks(gradient, add_g, n);
      diffusion_ksp
        = v_cycle_solver(comm, diffusion, "vitrum_split_diffusion_", n);
      gradient_ksp
        = v_cycle_solver(comm, gradient, "vitrum_split_gradient_", n);
      PetscInt n_other;
      check_petsc(ISGetSize(other_set, &n_other), "ISGetSize");
      if (n_other > 0)
        {
          Mat other;
          check_petsc(MatCreateSubMatrix(J,
                                         other_set,
                                         other_set,
                                         MAT_INITIAL_MATRIX,
                                         &other),
                      "MatCreateSubMatrix (J_oo)");
          other_ksp = v_cycle_solver(comm,
                                     other,
                                     "vitrum_split_other_",
                                     kept_per_node - n);
        }
      ++n_setups;
    }


    PetscErrorCode
    SchurSplitSolver::apply_factored(Vec y, Vec z)
    {
      // z_x = (Ĥ M + kappa K)^-1 M (a0 M Ĥ^-1 + K_L)^-1 y_x
      Vec y_x, z_x;
      PetscCall(VecGetSubVector(y, partner_set, &y_x));
      PetscCall(KSPSolve(diffusion_ksp, y_x, partner_work));
      PetscCall(VecRestoreSubVector(y, partner_set, &y_x));
      PetscCall(VecPointwiseMult(partner_work, partner_work, partner_mass));
      PetscCall(VecGetSubVector(z, partner_set, &z_x));
      PetscCall(KSPSolve(gradient_ksp, partner_work, z_x));
      if (other_ksp == nullptr)
        {
          PetscCall(VecRestoreSubVector(z, partner_set, &z_x));
          return 0;
        }
      // z_o = J_oo^-1 (y_o - A_ox z_x)
      Vec y_o, z_o;
      PetscCall(MatMult(coupling_ox, z_x, other_work));
      PetscCall(VecRestoreSubVector(z, partner_set, &z_x));
      PetscCall(VecGetSubVector(y, other_set, &y_o));
      PetscCall(VecAYPX(other_work, -1., y_o));
      PetscCall(VecRestoreSubVector(y, other_set, &y_o));
      PetscCall(VecGetSubVector(z, other_set, &z_o));
      PetscCall(KSPSolve(other_ksp, other_work, z_o));
      PetscCall(VecRestoreSubVector(z, other_set, &z_o));
      return 0;
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
      check_petsc(
        PCShellSetName(pc, "potentials eliminated, S by AMG or two factors"),
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
      Vec y = self->work2, r_w, v_p, v_w;
      // y = r with y_p = r_p - A_pw D^-1 r_w
      PetscCall(VecGetSubVector(r, self->eliminated_set, &r_w));
      PetscCall(VecPointwiseMult(self->eliminated_work,
                                 self->eliminated_inverse_diagonal,
                                 r_w));
      PetscCall(VecRestoreSubVector(r, self->eliminated_set, &r_w));
      PetscCall(
        MatMult(self->coupling_pw, self->eliminated_work, self->kept_work));
      PetscCall(VecCopy(r, y));
      PetscCall(VecGetSubVector(y, self->kept_set, &v_p));
      PetscCall(VecAXPY(v_p, -1., self->kept_work));
      PetscCall(VecRestoreSubVector(y, self->kept_set, &v_p));
      // z = [0; S^-1 y_p]
      PetscCall(VecSet(z, 0.));
      if (self->diffusion_ksp != nullptr)
        PetscCall(self->apply_factored(y, z));
      else
        {
          Vec y_p, z_p;
          PetscCall(VecGetSubVector(y, self->kept_set, &y_p));
          PetscCall(VecGetSubVector(z, self->kept_set, &z_p));
          PetscCall(KSPSolve(self->schur_ksp, y_p, z_p));
          PetscCall(VecRestoreSubVector(z, self->kept_set, &z_p));
          PetscCall(VecRestoreSubVector(y, self->kept_set, &y_p));
        }
      // z_w = D^-1 (r_w - A_wp z_p)
      PetscCall(VecGetSubVector(z, self->kept_set, &v_p));
      PetscCall(MatMult(self->coupling_wp, v_p, self->eliminated_work));
      PetscCall(VecRestoreSubVector(z, self->kept_set, &v_p));
      PetscCall(VecGetSubVector(r, self->eliminated_set, &r_w));
      PetscCall(VecAYPX(self->eliminated_work, -1., r_w));
      PetscCall(VecRestoreSubVector(r, self->eliminated_set, &r_w));
      PetscCall(VecGetSubVector(z, self->eliminated_set, &v_w));
      PetscCall(VecPointwiseMult(v_w,
                                 self->eliminated_inverse_diagonal,
                                 self->eliminated_work));
      PetscCall(VecRestoreSubVector(z, self->eliminated_set, &v_w));
      return 0;
    }


    unsigned int
    SchurSplitSolver::solve(const dealii::PETScWrappers::MPI::SparseMatrix &J,
                            dealii::PETScWrappers::MPI::Vector             &x,
                            const dealii::PETScWrappers::MPI::Vector       &b,
                            const double step_key,
                            const double mass_weight)
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
      const bool reuse = allow_reuse
                         && (schur_ksp != nullptr || diffusion_ksp != nullptr)
                         && step_key == built_for_key
                         && last_iterations <= 2 * fresh_iterations + 10;
      try
        {
          if (ksp == nullptr)
            create_krylov_solver();
          update_inverse_diagonal(mat);
          update_coupling_blocks(mat);
          if (!reuse && factored())
            build_factored_solver(mat, mass_weight);
          else if (!reuse)
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
          return solve(J, x, b, step_key, mass_weight);
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
