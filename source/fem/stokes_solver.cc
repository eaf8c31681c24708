#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/dofs/dof_renumbering.h>
#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <deal.II/lac/block_sparsity_pattern.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_precondition.h>

#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>
#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/fem/stokes_solver.h>

#include <cmath>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;

    namespace
    {
      /**
       * Block triangular preconditioner of the Stokes system
       * [A B^T; B 0]: z_p = -(M_p/eta)^{-1} r_p by CG, then
       * z_u = A^{-1}(r_u - B^T z_p) by one AMG V-cycle.
       */
      class BlockTriangularPreconditioner
      {
      public:
        BlockTriangularPreconditioner(
          const TrilinosWrappers::BlockSparseMatrix  &S,
          const TrilinosWrappers::BlockSparseMatrix  &Mp,
          const TrilinosWrappers::PreconditionAMG    &amg_A,
          const TrilinosWrappers::PreconditionJacobi &jacobi_M)
            : S(S)
            , Mp(Mp)
            , amg_A(amg_A)
            , jacobi_M(jacobi_M)
        {
        }

        void
        vmult(TrilinosWrappers::MPI::BlockVector       &dst,
              const TrilinosWrappers::MPI::BlockVector &src) const
        {
          SolverControl control(1000, 1e-8 * src.block(1).l2_norm());
          SolverCG<TrilinosWrappers::MPI::Vector> cg(control);
          dst.block(1) = 0;
          if (src.block(1).l2_norm() > 0)
            cg.solve(Mp.block(1, 1), dst.block(1), src.block(1), jacobi_M);
          dst.block(1) *= -1.;
          TrilinosWrappers::MPI::Vector rhs(src.block(0));
          TrilinosWrappers::MPI::Vector tmp(src.block(0));
          S.block(0, 1).vmult(tmp, dst.block(1));
          rhs -= tmp;
          amg_A.vmult(dst.block(0), rhs);
        }

      private:
        const TrilinosWrappers::BlockSparseMatrix  &S;
        const TrilinosWrappers::BlockSparseMatrix  &Mp;
        const TrilinosWrappers::PreconditionAMG    &amg_A;
        const TrilinosWrappers::PreconditionJacobi &jacobi_M;
      };
    } // namespace


    ComponentMask
    velocity_mask(const int dim)
    {
      ComponentMask m(dim + 1, true);
      m.set(dim, false);
      return m;
    }


    ComponentMask
    tangential_mask(const int dim)
    {
      ComponentMask m(dim + 1, false);
      for (int c = 0; c < dim - 1; ++c)
        m.set(c, true);
      return m;
    }


    ComponentMask
    single_component(const int dim, const unsigned int c)
    {
      ComponentMask m(dim + 1, false);
      m.set(c, true);
      return m;
    }


    template <int dim>
    StokesSolver<dim>::StokesSolver(MPI_Comm                      comm,
                                    const StokesSolverParameters &parameters,
                                    TimerOutput                  &timer)
        : comm(comm)
        , parameters(parameters)
        , timer(timer)
        , triangulation(comm)
        , fe(FE_Q<dim>(2), dim, FE_Q<dim>(1), 1)
        , dof_handler(triangulation)
    {
    }


    template <int dim>
    void
    StokesSolver<dim>::setup_dofs(const StokesProblem<dim> &problem)
    {
      TimerOutput::Scope t(timer, "setup");
      dof_handler.distribute_dofs(fe);
      std::vector<unsigned int> blocks(dim + 1, 0);
      blocks[dim] = 1;
      DoFRenumbering::component_wise(dof_handler, blocks);
      const std::vector<types::global_dof_index> n_per_block
        = DoFTools::count_dofs_per_fe_block(dof_handler, blocks);
      const types::global_dof_index n_u = n_per_block[0], n_p = n_per_block[1];

      const IndexSet &owned = dof_handler.locally_owned_dofs();
      IndexSet        relevant;
      DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
      owned_partitioning
        = {owned.get_view(0, n_u), owned.get_view(n_u, n_u + n_p)};
      relevant_partitioning
        = {relevant.get_view(0, n_u), relevant.get_view(n_u, n_u + n_p)};

      constraints.clear();
      constraints.reinit(relevant);
      DoFTools::make_hanging_node_constraints(dof_handler, constraints);
      for (const auto &[id, data] : problem.dirichlet)
        VectorTools::interpolate_boundary_values(dof_handler,
                                                 id,
                                                 *data.second,
                                                 constraints,
                                                 data.first);
      constraints.close();

      make_block_matrix(system_matrix, false, relevant);
      make_block_matrix(preconditioner_matrix, true, relevant);
      solution.reinit(owned_partitioning, relevant_partitioning, comm);
      system_rhs.reinit(owned_partitioning, comm);
    }


    template <int dim>
    void
    StokesSolver<dim>::make_block_matrix(
      TrilinosWrappers::BlockSparseMatrix &matrix,
      const bool                           pressure_block,
      const IndexSet                      &relevant) const
    {
      Table<2, DoFTools::Coupling> coupling(dim + 1, dim + 1);
      for (unsigned int c = 0; c < dim + 1; ++c)
        for (unsigned int d = 0; d < dim + 1; ++d)
          coupling[c][d] = ((c == dim && d == dim) == pressure_block)
                             ? DoFTools::always
                             : DoFTools::none;
      BlockDynamicSparsityPattern dsp(relevant_partitioning);
      DoFTools::make_sparsity_pattern(dof_handler,
                                      coupling,
                                      dsp,
                                      constraints,
                                      false);
      SparsityTools::distribute_sparsity_pattern(
        dsp,
        dof_handler.locally_owned_dofs(),
        comm,
        relevant);
      matrix.clear();
      matrix.reinit(owned_partitioning, dsp, comm);
    }


    template <int dim>
    void
    StokesSolver<dim>::assemble(const StokesProblem<dim> &problem,
                                const bool                use_solution,
                                const bool                newton)
    {
      TimerOutput::Scope t(timer, "assemble");
      system_matrix         = 0;
      preconditioner_matrix = 0;
      system_rhs            = 0;

      const QGauss<dim>     quadrature(3);
      const QGauss<dim - 1> face_quadrature(3);
      FEValues<dim>         fv(fe,
                       quadrature,
                       update_values | update_gradients
                         | update_quadrature_points | update_JxW_values);
      FEFaceValues<dim>     fv_face(fe,
                                face_quadrature,
                                update_values | update_quadrature_points
                                  | update_normal_vectors | update_JxW_values);
      const unsigned int    n_dofs = fe.n_dofs_per_cell();
      const unsigned int    n_q    = quadrature.size();
      FullMatrix<double> cell_matrix(n_dofs, n_dofs), cell_pre(n_dofs, n_dofs);
      Vector<double>     cell_rhs(n_dofs);
      std::vector<types::global_dof_index> dof_indices(n_dofs);
      const FEValuesExtractors::Vector     velocity(0);
      const FEValuesExtractors::Scalar     pressure_x(dim);
      const FEValuesExtractors::Scalar     radial(0);

      std::vector<SymmetricTensor<2, dim>> eps_old(n_q);
      std::vector<double>                  ur_old(n_q);
      std::vector<SymmetricTensor<2, dim>> eps(n_dofs);
      std::vector<double> div(n_dofs), psi(n_dofs), ur(n_dofs), e_old(n_dofs);
      std::vector<Tensor<1, dim>> phi(n_dofs);
      const bool                  axi = parameters.axisymmetric;

      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            cell_matrix = 0;
            cell_pre    = 0;
            cell_rhs    = 0;
            if (use_solution)
              {
                fv[velocity].get_function_symmetric_gradients(solution,
                                                              eps_old);
                fv[radial].get_function_values(solution, ur_old);
              }
            for (unsigned int q = 0; q < n_q; ++q)
              {
                const Point<dim> &x    = fv.quadrature_point(q);
                const double      w    = axi ? x[0] * fv.JxW(q) : fv.JxW(q);
                double            gdot = 0;
                if (use_solution)
                  {
                    double e2 = eps_old[q] * eps_old[q];
                    if (axi)
                      e2 += ur_old[q] * ur_old[q] / (x[0] * x[0]);
                    gdot = std::sqrt(2. * e2);
                  }
                const double eta = problem.viscosity(gdot);
                // Newton: d(eta)/d(gdot) terms of the tangent (symmetric;
                // positive as long as the stress grows with the rate)
                const double newton_factor
                  = (newton && gdot > 0)
                      ? 4. * problem.viscosity_derivative(gdot) / gdot
                      : 0.;
                for (unsigned int i = 0; i < n_dofs; ++i)
                  {
                    eps[i] = fv[velocity].symmetric_gradient(i, q);
                    div[i] = fv[velocity].divergence(i, q);
                    psi[i] = fv[pressure_x].value(i, q);
                    phi[i] = fv[velocity].value(i, q);
                    ur[i]  = axi ? phi[i][0] / x[0] : 0.;
                    div[i] += ur[i];
                  }
                Tensor<1, dim> f;
                if (problem.body_force)
                  f = problem.body_force(x);
                if (newton_factor != 0)
                  for (unsigned int i = 0; i < n_dofs; ++i)
                    e_old[i] = eps_old[q] * eps[i]
                               + (axi ? ur_old[q] / x[0] * ur[i] : 0.);
                for (unsigned int i = 0; i < n_dofs; ++i)
                  {
                    for (unsigned int j = 0; j <= i; ++j)
                      {
                        const double a
                          = (2. * eta * (eps[i] * eps[j] + ur[i] * ur[j])
                             - div[i] * psi[j] - psi[i] * div[j])
                            * w;
                        cell_matrix(i, j)
                          += a + newton_factor * e_old[i] * e_old[j] * w;
                        cell_pre(i, j) += psi[i] * psi[j] / eta * w;
                      }
                    // J u_new = f + (J - K) u_old
                    cell_rhs(i)
                      += (f * phi[i]
                          + 0.5 * newton_factor * gdot * gdot * e_old[i])
                         * w;
                  }
              }
            for (unsigned int i = 0; i < n_dofs; ++i)
              for (unsigned int j = i + 1; j < n_dofs; ++j)
                {
                  cell_matrix(i, j) = cell_matrix(j, i);
                  cell_pre(i, j)    = cell_pre(j, i);
                }
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() && problem.traction)
                {
                  const types::boundary_id id = cell->face(f)->boundary_id();
                  fv_face.reinit(cell, f);
                  for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                    {
                      const Point<dim> &x = fv_face.quadrature_point(q);
                      const double      w
                        = axi ? x[0] * fv_face.JxW(q) : fv_face.JxW(q);
                      const Tensor<1, dim> tr
                        = problem.traction(id, x, fv_face.normal_vector(q));
                      if (tr.norm() == 0)
                        continue;
                      for (unsigned int i = 0; i < n_dofs; ++i)
                        cell_rhs(i) += tr * fv_face[velocity].value(i, q) * w;
                    }
                }
            cell->get_dof_indices(dof_indices);
            constraints.distribute_local_to_global(cell_matrix,
                                                   cell_rhs,
                                                   dof_indices,
                                                   system_matrix,
                                                   system_rhs);
            constraints.distribute_local_to_global(cell_pre,
                                                   dof_indices,
                                                   preconditioner_matrix);
          }
      system_matrix.compress(VectorOperation::add);
      preconditioner_matrix.compress(VectorOperation::add);
      system_rhs.compress(VectorOperation::add);
    }


    template <int dim>
    void
    StokesSolver<dim>::solve_linear()
    {
      TimerOutput::Scope                t(timer, "solve");
      TrilinosWrappers::PreconditionAMG amg_A;
      {
        std::vector<std::vector<bool>> constant_modes;
        DoFTools::extract_constant_modes(dof_handler,
                                         velocity_mask(dim),
                                         constant_modes);
        TrilinosWrappers::PreconditionAMG::AdditionalData data;
        data.constant_modes        = constant_modes;
        data.elliptic              = true;
        data.higher_order_elements = true;
        data.smoother_sweeps       = 2;
        data.aggregation_threshold = 0.02;
        amg_A.initialize(system_matrix.block(0, 0), data);
      }
      TrilinosWrappers::PreconditionJacobi jacobi_M;
      jacobi_M.initialize(preconditioner_matrix.block(1, 1));
      const BlockTriangularPreconditioner preconditioner(system_matrix,
                                                         preconditioner_matrix,
                                                         amg_A,
                                                         jacobi_M);

      TrilinosWrappers::MPI::BlockVector x(owned_partitioning, comm);
      x = solution; // previous iterate as the initial guess
      constraints.set_zero(x);
      const double  b = system_rhs.l2_norm();
      SolverControl control(5000, parameters.linear_tolerance * b);
      SolverFGMRES<TrilinosWrappers::MPI::BlockVector> solver(
        control,
        SolverFGMRES<TrilinosWrappers::MPI::BlockVector>::AdditionalData(100));
      try
        {
          if (b > 0)
            solver.solve(system_matrix, x, system_rhs, preconditioner);
        }
      catch (const SolverControl::NoConvergence &e)
        {
          throw SolverError("Stokes solver: FGMRES did not reach the relative "
                            "residual "
                            + std::to_string(parameters.linear_tolerance)
                            + " in " + std::to_string(e.last_step)
                            + " iterations (residual "
                            + std::to_string(e.last_residual / b) + "); raise "
                            + parameters.subsection + "/Linear tolerance");
        }
      last_iterations = control.last_step();
      iteration_history.push_back(last_iterations);
      constraints.distribute(x);
      solution = x;
    }


    template <int dim>
    unsigned int
    StokesSolver<dim>::solve(const StokesProblem<dim> &problem)
    {
      setup_dofs(problem);
      solution = 0;
      iteration_history.clear();
      assemble(problem, false, false);
      solve_linear();
      solved = true;
      if (!problem.nonlinear)
        return 1;
      // two Picard iterations bring the iterate near the solution, then
      // Newton (if chosen) converges quadratically
      for (unsigned int it = 2; it <= parameters.nonlinear_iterations; ++it)
        {
          TrilinosWrappers::MPI::BlockVector old(owned_partitioning, comm);
          old = solution;
          assemble(problem, true, parameters.newton && it > 3);
          solve_linear();
          TrilinosWrappers::MPI::BlockVector change(owned_partitioning, comm);
          change = solution;
          change -= old;
          if (change.block(0).l2_norm()
              <= parameters.nonlinear_tolerance * old.block(0).l2_norm())
            return it;
        }
      throw SolverError(parameters.subsection
                        + ": the shear-thinning flow did not converge "
                          "in 'Nonlinear iterations' = "
                        + std::to_string(parameters.nonlinear_iterations)
                        + " (raise it, or loosen 'Nonlinear tolerance')");
    }


    namespace
    {
      /// Entry by entry sum of the vectors of all ranks.
      std::vector<double>
      sum_over_ranks(const std::vector<double> &values, MPI_Comm comm)
      {
        std::vector<double> sums(values.size());
        Utilities::MPI::sum(make_array_view(values),
                            comm,
                            make_array_view(sums));
        return sums;
      }
    } // namespace


    template <int dim>
    template <typename Integrand>
    std::vector<double>
    StokesSolver<dim>::integrate_over_boundary(
      const types::boundary_id id,
      const UpdateFlags        flags,
      const Integrand         &integrand,
      const Region            &region,
      const unsigned int       n_regions) const
    {
      const QGauss<dim - 1> face_quadrature(4);
      FEFaceValues<dim>     fv(fe,
                           face_quadrature,
                           flags | update_quadrature_points
                             | update_JxW_values);
      std::vector<double>   sums(n_regions, 0.);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary()
                && cell->face(f)->boundary_id() == id)
              {
                fv.reinit(cell, f);
                const std::vector<double> values = integrand(fv);
                double &sum = sums[region(cell->face(f)->center())];
                for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                  sum += values[q] * fv.JxW(q)
                         * (parameters.axisymmetric
                              ? 2 * numbers::PI * fv.quadrature_point(q)[0]
                              : 1.);
              }
      return sum_over_ranks(sums, comm);
    }


    namespace
    {
      /// The whole boundary as one region.
      template <int dim>
      unsigned int
      everywhere(const Point<dim> &)
      {
        return 0;
      }
    } // namespace


    template <int dim>
    double
    StokesSolver<dim>::boundary_flux(const types::boundary_id id) const
    {
      return boundary_flux(id, everywhere<dim>, 1)[0];
    }


    template <int dim>
    std::vector<double>
    StokesSolver<dim>::boundary_flux(const types::boundary_id id,
                                     const Region            &region,
                                     const unsigned int       n_regions) const
    {
      const FEValuesExtractors::Vector velocity(0);
      return integrate_over_boundary(
        id,
        update_values | update_normal_vectors,
        [&](const FEFaceValues<dim> &fv) {
          std::vector<Tensor<1, dim>> u(fv.n_quadrature_points);
          fv[velocity].get_function_values(solution, u);
          std::vector<double> u_n(u.size());
          for (unsigned int q = 0; q < u.size(); ++q)
            u_n[q] = u[q] * fv.normal_vector(q);
          return u_n;
        },
        region,
        n_regions);
    }


    template <int dim>
    double
    StokesSolver<dim>::boundary_area(const types::boundary_id id) const
    {
      return integrate_over_boundary(
        id,
        update_default,
        [](const FEFaceValues<dim> &fv) {
          return std::vector<double>(fv.n_quadrature_points, 1.);
        },
        everywhere<dim>,
        1)[0];
    }


    template <int dim>
    std::vector<double>
    StokesSolver<dim>::entrance_pressure(const Region      &region,
                                         const unsigned int n_regions) const
    {
      // faces at z = 0 on top of the pore's cells; each is counted once,
      // from the pore cell below it
      const QGauss<dim - 1>            face_quadrature(4);
      FEFaceValues<dim>                fv(fe,
                           face_quadrature,
                           update_values | update_quadrature_points
                             | update_JxW_values);
      const FEValuesExtractors::Scalar pressure_x(dim);
      std::vector<double>              p(face_quadrature.size());
      std::vector<double> integral(n_regions, 0.), area(n_regions, 0.);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && cell->center()[dim - 1] < 0)
          for (const auto f : cell->face_indices())
            if (std::abs(cell->face(f)->center()[dim - 1]) < 1e-10)
              {
                const unsigned int i = region(cell->face(f)->center());
                fv.reinit(cell, f);
                fv[pressure_x].get_function_values(solution, p);
                for (unsigned int q = 0; q < p.size(); ++q)
                  {
                    const double w
                      = fv.JxW(q)
                        * (parameters.axisymmetric ? fv.quadrature_point(q)[0]
                                                   : 1.);
                    integral[i] += p[q] * w;
                    area[i] += w;
                  }
              }
      integral = sum_over_ranks(integral, comm);
      area     = sum_over_ranks(area, comm);
      for (unsigned int i = 0; i < n_regions; ++i)
        integral[i] = area[i] > 0 ? integral[i] / area[i] : 0.;
      return integral;
    }


    template <int dim>
    void
    StokesSolver<dim>::for_each_quadrature_point(
      const unsigned int n_points,
      const std::function<
        void(const Point<dim> &, double, const Tensor<1, dim> &, double)>
        &visit) const
    {
      const QGauss<dim>                quadrature(n_points);
      FEValues<dim>                    fv(fe,
                       quadrature,
                       update_values | update_quadrature_points
                         | update_JxW_values);
      const FEValuesExtractors::Vector velocity(0);
      const FEValuesExtractors::Scalar pressure_x(dim);
      std::vector<Tensor<1, dim>>      u(quadrature.size());
      std::vector<double>              p(quadrature.size());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            fv[velocity].get_function_values(solution, u);
            fv[pressure_x].get_function_values(solution, p);
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                const Point<dim> &x = fv.quadrature_point(q);
                visit(x,
                      parameters.axisymmetric ? x[0] * fv.JxW(q) : fv.JxW(q),
                      u[q],
                      p[q]);
              }
          }
    }


    namespace
    {
      /// The Stokes solution in physical units: velocity (m/s) and
      /// pressure (Pa).
      template <int dim>
      class ScaledFlow : public DataPostprocessor<dim>
      {
      public:
        ScaledFlow(const double velocity_scale, const double pressure_scale)
            : velocity_scale(velocity_scale)
            , pressure_scale(pressure_scale)
        {
        }

        void
        evaluate_vector_field(
          const DataPostprocessorInputs::Vector<dim> &inputs,
          std::vector<Vector<double>>                &computed) const override
        {
          for (unsigned int q = 0; q < inputs.solution_values.size(); ++q)
            {
              for (int d = 0; d < dim; ++d)
                computed[q][d] = velocity_scale * inputs.solution_values[q][d];
              computed[q][dim]
                = pressure_scale * inputs.solution_values[q][dim];
            }
        }

        std::vector<std::string>
        get_names() const override
        {
          std::vector<std::string> names(dim, "velocity_m_per_s");
          names.push_back("pressure_Pa");
          return names;
        }

        std::vector<DataComponentInterpretation::DataComponentInterpretation>
        get_data_component_interpretation() const override
        {
          std::vector<DataComponentInterpretation::DataComponentInterpretation>
            interpretation(
              dim,
              DataComponentInterpretation::component_is_part_of_vector);
          interpretation.push_back(
            DataComponentInterpretation::component_is_scalar);
          return interpretation;
        }

        UpdateFlags
        get_needed_update_flags() const override
        {
          return update_values;
        }

      private:
        double velocity_scale, pressure_scale;
      };
    } // namespace


    template <int dim>
    void
    StokesSolver<dim>::write_fields(const std::string &directory,
                                    const std::string &name,
                                    const double       velocity_scale,
                                    const double       pressure_scale) const
    {
      const ScaledFlow<dim> physical(velocity_scale, pressure_scale);
      DataOut<dim>          out;
      out.attach_dof_handler(dof_handler);
      out.add_data_vector(solution, physical);
      out.build_patches(2);
      out.write_vtu_with_pvtu_record(directory + "/", name, 0, comm, 2);
    }


    template class StokesSolver<2>;
    template class StokesSolver<3>;
  } // namespace fem
} // namespace vitrum
