#include <deal.II/base/function_parser.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/distributed/solution_transfer.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/models/cahn_hilliard.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    namespace
    {
      const char *pfhub1a_initial_condition
        = "c0 + epsilon*(cos(0.105*x)*cos(0.11*y) + "
          "(cos(0.13*x)*cos(0.087*y))^2"
          " + cos(0.025*x - 0.15*y)*cos(0.07*x - 0.02*y))";

      template <class Parameters>
      Parameters
      parsed(ParameterHandler &prm)
      {
        Parameters p;
        p.parse_parameters(prm);
        return p;
      }

      fem::MeshParameters
      parsed_mesh(ParameterHandler &prm, const int dim)
      {
        fem::MeshParameters p;
        p.parse_parameters(prm, dim);
        return p;
      }
    } // namespace


    void
    CahnHilliardParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Cahn-Hilliard");
      prm.declare_entry("rho",
                        "5",
                        Patterns::Double(0),
                        "Height parameter of f(c) = rho (c - c_alpha)^2 "
                        "(c_beta - c)^2 [energy / volume].");
      prm.declare_entry("c alpha",
                        "0.3",
                        Patterns::Double(),
                        "Composition of the first minimum of f.");
      prm.declare_entry("c beta",
                        "0.7",
                        Patterns::Double(),
                        "Composition of the second minimum of f.");
      prm.declare_entry("kappa",
                        "2",
                        Patterns::Double(0),
                        "Gradient energy coefficient [energy / length].");
      prm.declare_entry("Mobility",
                        "5",
                        Patterns::Double(0),
                        "M in dc/dt = div(M grad mu) [length^2 volume / "
                        "(energy time)].");
      prm.declare_entry("Initial concentration",
                        pfhub1a_initial_condition,
                        Patterns::Anything(),
                        "c(x, y, z) at t = 0, a muparser expression in x, y, "
                        "z and the Function constants (default: the PFHub 1a "
                        "initial condition).");
      prm.declare_entry("Function constants",
                        "c0=0.5, epsilon=0.01",
                        Patterns::Anything(),
                        "Constants used in the initial condition, as "
                        "'name=value, name=value'.");
      prm.declare_entry(
        "Nonlinear solver",
        "Newton",
        Patterns::Selection("Newton|linearly implicit"),
        "Newton: each BDF step is solved to Solver/Newton tolerance. "
        "linearly implicit: one Newton iteration from the extrapolated "
        "predictor (one assembly, one factorization per step); its "
        "linearization error, of order |c - c_predicted|^2, stays far below "
        "the time error the step control admits, so F(t) is the same to "
        "that error at a fraction of the cost. Not unconditionally stable: "
        "the step control keeps it stable.");
      prm.leave_subsection();
    }


    void
    CahnHilliardParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Cahn-Hilliard");
      well.rho              = prm.get_double("rho");
      well.c_alpha          = prm.get_double("c alpha");
      well.c_beta           = prm.get_double("c beta");
      kappa                 = prm.get_double("kappa");
      mobility              = prm.get_double("Mobility");
      initial_concentration = prm.get("Initial concentration");
      function_constants    = prm.get("Function constants");
      linearly_implicit = prm.get("Nonlinear solver") == "linearly implicit";
      prm.leave_subsection();

      if (!(well.c_alpha < well.c_beta))
        throw InputError("Cahn-Hilliard/c alpha must be less than c beta");
      if (!(kappa > 0) || !(mobility > 0) || !(well.rho > 0))
        throw InputError("Cahn-Hilliard: rho, kappa and Mobility must be > 0");
    }


    namespace
    {
      /// The user's c(x, y, z): a muparser expression with constants. Any
      /// error (syntax, unknown name) becomes one InputError naming the entry.
      template <int dim>
      void
      initialize_concentration(FunctionParser<dim>          &parser,
                               const CahnHilliardParameters &physics)
      {
        std::map<std::string, double> constants;
        for (const auto &pair :
             Utilities::split_string_list(physics.function_constants))
          {
            const auto parts = Utilities::split_string_list(pair, '=');
            if (parts.size() != 2)
              throw InputError("Cahn-Hilliard/Function constants: '" + pair
                               + "' is not of the form name=value");
            constants[parts[0]] = Utilities::string_to_double(parts[1]);
          }
        const std::string variables = dim == 2 ? "x,y" : "x,y,z";
        // muparser reports its errors on std::cerr; catch them instead.
        std::ostringstream messages;
        std::streambuf    *cerr_buffer = std::cerr.rdbuf(messages.rdbuf());
        try
          {
            parser.initialize(variables,
                              physics.initial_concentration,
                              constants);
            parser.value(Point<dim>());
            std::cerr.rdbuf(cerr_buffer);
          }
        catch (...)
          {
            std::cerr.rdbuf(cerr_buffer);
            throw InputError(
              "Cahn-Hilliard/Initial concentration: cannot evaluate '"
              + physics.initial_concentration + "' as a function of "
              + variables + " and the Function constants ("
              + base::one_line(messages.str()) + ")");
          }
      }


      /// (c, mu) at t = 0: c from the user's expression, mu = f'(c) as the
      /// first Newton guess (mu at t = 0 does not enter the equations).
      template <int dim>
      class InitialState : public Function<dim>
      {
      public:
        InitialState(const CahnHilliardParameters &physics)
            : Function<dim>(2)
            , well(physics.well)
            , concentration(1)
        {
          initialize_concentration(concentration, physics);
        }

        double
        value(const Point<dim> &p, const unsigned int component) const override
        {
          const double c = concentration.value(p);
          return component == 0 ? c : well.df(c);
        }

      private:
        thermo::DoubleWell  well;
        FunctionParser<dim> concentration;
      };
    } // namespace


    namespace
    {
      /// Parse, and try the initial condition at once, so that a bad
      /// expression is reported (also by --dry-run) before anything runs.
      template <int dim>
      CahnHilliardParameters
      parsed_physics(ParameterHandler &prm)
      {
        const auto          physics = parsed<CahnHilliardParameters>(prm);
        FunctionParser<dim> check(1);
        initialize_concentration(check, physics);
        return physics;
      }
    } // namespace


    template <int dim>
    CahnHilliard<dim>::CahnHilliard(ParameterHandler &prm, MPI_Comm comm)
        : comm(comm)
        , physics(parsed_physics<dim>(prm))
        , mesh_prm(parsed_mesh(prm, dim))
        , time_prm(parsed<fem::TimeSteppingParameters>(prm))
        , solver_prm(parsed<fem::SolverParameters>(prm))
        , output_prm(parsed<fem::OutputParameters>(prm))
        , checkpoint_prm(parsed<fem::CheckpointParameters>(prm))
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
        , timer(comm, pcout, TimerOutput::never, TimerOutput::wall_times)
        , triangulation(comm,
                        Triangulation<dim>::limit_level_difference_at_vertices)
        , fe(FE_Q<dim>(mesh_prm.polynomial_degree), 2)
        , dof_handler(triangulation)
        , solver(comm, solver_prm)
        , controller(time_prm)
        , fields(output_prm.directory, "fields", comm)
        , clock(time_prm.end_time)
    {
    }


    template <int dim>
    void
    CahnHilliard<dim>::setup_dofs()
    {
      TimerOutput::Scope scope(timer, "setup dofs");
      dof_handler.distribute_dofs(fe);
      fem::setup_system(dof_handler,
                        mesh_prm,
                        comm,
                        owned_dofs,
                        relevant_dofs,
                        constraints,
                        jacobian);
      residual.reinit(owned_dofs, comm);
      solver.reset();

      concentration_mask.reinit(owned_dofs, comm);
      VectorTools::interpolate(dof_handler,
                               Functions::ConstantFunction<dim>(
                                 std::vector<double>{1.0, 0.0}),
                               concentration_mask);
    }


    template <int dim>
    typename CahnHilliard<dim>::Vector
    CahnHilliard<dim>::ghosted(const Vector &v) const
    {
      Vector result(owned_dofs, relevant_dofs, comm);
      result = v;
      return result;
    }


    template <int dim>
    void
    CahnHilliard<dim>::interpolate_initial_condition()
    {
      states.assign(1, Vector(owned_dofs, comm));
      steps.clear();
      VectorTools::interpolate(dof_handler,
                               InitialState<dim>(physics),
                               states[0]);
      constraints.distribute(states[0]);
    }


    template <int dim>
    void
    CahnHilliard<dim>::start_new_run()
    {
      fem::make_box_mesh(triangulation, mesh_prm);
      setup_dofs();
      interpolate_initial_condition();
      for (unsigned int cycle = 0; cycle < mesh_prm.initial_adaptation; ++cycle)
        {
          const unsigned int cells_before
            = triangulation.n_global_active_cells();
          fem::flag_cells_by_gradient(dof_handler,
                                      ghosted(states[0]),
                                      {0},
                                      mesh_prm);
          triangulation.execute_coarsening_and_refinement();
          setup_dofs();
          interpolate_initial_condition();
          if (triangulation.n_global_active_cells() == cells_before)
            break;
        }
      const Integrals integrals = integrate(states[0]);
      initial_mass              = integrals.mass;
      free_energy               = integrals.free_energy;
      time                      = 0;
      step                      = 0;
    }


    template <int dim>
    typename CahnHilliard<dim>::Integrals
    CahnHilliard<dim>::integrate(const Vector &state) const
    {
      TimerOutput::Scope               scope(timer, "free energy and mass");
      const Vector                     state_with_ghosts = ghosted(state);
      const QGauss<dim>                quadrature(fe.degree + 1);
      FEValues<dim>                    fe_values(fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const FEValuesExtractors::Scalar c_field(0);
      std::vector<double>              c(quadrature.size());
      std::vector<Tensor<1, dim>>      grad_c(quadrature.size());

      double energy = 0, mass = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            fe_values[c_field].get_function_values(state_with_ghosts, c);
            fe_values[c_field].get_function_gradients(state_with_ghosts,
                                                      grad_c);
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                energy += (physics.well.f(c[q])
                           + 0.5 * physics.kappa * grad_c[q].norm_square())
                          * fe_values.JxW(q);
                mass += c[q] * fe_values.JxW(q);
              }
          }
      return {Utilities::MPI::sum(energy, comm),
              Utilities::MPI::sum(mass, comm)};
    }


    template <int dim>
    void
    CahnHilliard<dim>::restore_mass(Vector &state) const
    {
      // Coarsening interpolates and so loses or gains a little solute; a
      // uniform shift (a constant is in the FE space and satisfies every
      // constraint) puts back exactly what was there.
      double volume = 1;
      for (int d = 0; d < dim; ++d)
        volume *= mesh_prm.domain_size[d];
      const double mass = integrate(state).mass;
      state.add((initial_mass - mass) / volume, concentration_mask);
    }


    namespace
    {
      /**
       * The solution-independent parts of one cell's matrices for the
       * scalar element: every cell of a level is the same rectangle (the
       * mesh is a uniformly subdivided box, refined), so one set serves a
       * whole level and assembly needs no FEValues per cell.
       */
      struct ReferenceCell
      {
        dealii::FullMatrix<double> mass, stiffness;
        dealii::FullMatrix<double> values; ///< phi_k(x_q), n_q x n_scalar
        std::vector<double>        JxW;
      };


      template <int dim>
      ReferenceCell
      reference_cell(dealii::FEValues<dim>           &fe_values,
                     const std::vector<unsigned int> &scalar_index,
                     const std::vector<unsigned int> &component)
      {
        const unsigned int n_q = fe_values.n_quadrature_points;
        const unsigned int n_s = scalar_index.size() / 2;
        ReferenceCell      ref;
        ref.mass.reinit(n_s, n_s);
        ref.stiffness.reinit(n_s, n_s);
        ref.values.reinit(n_q, n_s);
        ref.JxW.resize(n_q);
        for (unsigned int q = 0; q < n_q; ++q)
          {
            ref.JxW[q] = fe_values.JxW(q);
            for (unsigned int i = 0; i < scalar_index.size(); ++i)
              {
                if (component[i] != 0)
                  continue;
                const unsigned int k = scalar_index[i];
                ref.values(q, k)     = fe_values.shape_value(i, q);
                for (unsigned int j = 0; j < scalar_index.size(); ++j)
                  if (component[j] == 0)
                    {
                      const unsigned int l = scalar_index[j];
                      ref.mass(k, l) += fe_values.shape_value(i, q)
                                        * fe_values.shape_value(j, q)
                                        * ref.JxW[q];
                      ref.stiffness(k, l) += fe_values.shape_grad(i, q)
                                             * fe_values.shape_grad(j, q)
                                             * ref.JxW[q];
                    }
              }
          }
        return ref;
      }
    } // namespace


    template <int dim>
    void
    CahnHilliard<dim>::assemble_newton_system(const Vector &iterate,
                                              const Vector &history_term,
                                              const double  a0,
                                              const double  dt,
                                              const bool    with_matrix)
    {
      TimerOutput::Scope scope(timer, "assembly");
      if (with_matrix)
        jacobian = 0;
      residual = 0;

      const double dt_mobility = dt * physics.mobility;
      const double kappa       = physics.kappa;

      const Vector current = ghosted(iterate);

      const QGauss<dim>  quadrature(fe.degree + 1);
      FEValues<dim>      fe_values(fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const unsigned int n_q = quadrature.size(), n_dofs = fe.n_dofs_per_cell();
      const unsigned int n_s = n_dofs / 2;
      std::vector<unsigned int> component(n_dofs), scalar_index(n_dofs);
      for (unsigned int i = 0; i < n_dofs; ++i)
        {
          component[i]    = fe.system_to_component_index(i).first;
          scalar_index[i] = fe.system_to_component_index(i).second;
        }
      std::map<unsigned int, ReferenceCell> references;

      // Mixed-form residual, c equation multiplied by dt:
      //   c:  M (a0 c + history) + dt Mobility K mu
      //   mu: M mu - (phi, f'(c)) - kappa K c
      // Only f'(c) and f''(c) need quadrature; the rest is the level's
      // mass and stiffness matrices applied to the cell's values.
      dealii::Vector<double> local_state(n_dofs), local_history(n_dofs);
      dealii::Vector<double> c(n_s), mu(n_s), dc_dt(n_s), force(n_s);
      dealii::Vector<double> mass_dc_dt(n_s), stiff_mu(n_s), mass_mu(n_s),
        stiff_c(n_s);
      FullMatrix<double>  curvature_mass(n_s, n_s);
      std::vector<double> df_JxW(n_q), d2f_JxW(n_q);

      FullMatrix<double>                   cell_matrix(n_dofs, n_dofs);
      dealii::Vector<double>               cell_rhs(n_dofs);
      std::vector<types::global_dof_index> dof_indices(n_dofs);

      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          auto reference = references.find(cell->level());
          if (reference == references.end())
            {
              fe_values.reinit(cell);
              reference
                = references
                    .emplace(cell->level(),
                             reference_cell(fe_values, scalar_index, component))
                    .first;
            }
          const ReferenceCell &ref = reference->second;

          cell->get_dof_values(current, local_state);
          cell->get_dof_values(history_term, local_history);
          for (unsigned int i = 0; i < n_dofs; ++i)
            if (component[i] == 0)
              {
                c(scalar_index[i])     = local_state(i);
                dc_dt(scalar_index[i]) = a0 * local_state(i) + local_history(i);
              }
            else
              mu(scalar_index[i]) = local_state(i);

          for (unsigned int q = 0; q < n_q; ++q)
            {
              double c_q = 0;
              for (unsigned int k = 0; k < n_s; ++k)
                c_q += ref.values(q, k) * c(k);
              df_JxW[q]  = physics.well.df(c_q) * ref.JxW[q];
              d2f_JxW[q] = physics.well.d2f(c_q) * ref.JxW[q];
            }
          for (unsigned int k = 0; k < n_s; ++k)
            {
              double sum = 0;
              for (unsigned int q = 0; q < n_q; ++q)
                sum += ref.values(q, k) * df_JxW[q];
              force(k) = sum;
            }
          ref.mass.vmult(mass_dc_dt, dc_dt);
          ref.stiffness.vmult(stiff_mu, mu);
          ref.mass.vmult(mass_mu, mu);
          ref.stiffness.vmult(stiff_c, c);
          for (unsigned int i = 0; i < n_dofs; ++i)
            {
              const unsigned int k = scalar_index[i];
              cell_rhs(i)          = component[i] == 0
                                       ? -(mass_dc_dt(k) + dt_mobility * stiff_mu(k))
                                       : -(mass_mu(k) - force(k) - kappa * stiff_c(k));
            }

          if (with_matrix)
            {
              for (unsigned int k = 0; k < n_s; ++k)
                for (unsigned int l = 0; l < n_s; ++l)
                  {
                    double sum = 0;
                    for (unsigned int q = 0; q < n_q; ++q)
                      sum += ref.values(q, k) * ref.values(q, l) * d2f_JxW[q];
                    curvature_mass(k, l) = sum;
                  }
              for (unsigned int i = 0; i < n_dofs; ++i)
                for (unsigned int j = 0; j < n_dofs; ++j)
                  {
                    const unsigned int k = scalar_index[i], l = scalar_index[j];
                    if (component[i] == 0)
                      cell_matrix(i, j) = component[j] == 0
                                            ? a0 * ref.mass(k, l)
                                            : dt_mobility * ref.stiffness(k, l);
                    else
                      cell_matrix(i, j) = component[j] == 0
                                            ? -curvature_mass(k, l)
                                                - kappa * ref.stiffness(k, l)
                                            : ref.mass(k, l);
                  }
            }

          cell->get_dof_indices(dof_indices);
          if (with_matrix)
            constraints.distribute_local_to_global(cell_matrix,
                                                   cell_rhs,
                                                   dof_indices,
                                                   jacobian,
                                                   residual);
          else
            constraints.distribute_local_to_global(cell_rhs,
                                                   dof_indices,
                                                   residual);
        }
      if (with_matrix)
        jacobian.compress(VectorOperation::add);
      residual.compress(VectorOperation::add);
    }


    template <int dim>
    typename CahnHilliard<dim>::StepAttempt
    CahnHilliard<dim>::try_step(const double dt, Vector &new_state)
    {
      // (A checkpoint of a higher-order run may hold more states.)
      const unsigned int n_points
        = std::min<unsigned int>(states.size(), time_prm.order + 1);
      const unsigned int order
        = std::min<unsigned int>(time_prm.order, n_points);
      const auto bdf = fem::bdf::coefficients(order, dt, steps);
      const auto w   = fem::bdf::extrapolation_weights(n_points, dt, steps);

      // dt * dc/dt = a0 c_{n+1} + history_term: the c equation is
      // multiplied by dt so that both blocks of the Jacobian have similar
      // size whatever the step.
      const double a0 = bdf[0] * dt;
      Vector       history_term(owned_dofs, comm);
      for (unsigned int k = 0; k + 1 < bdf.size() && k < n_points; ++k)
        history_term.add(bdf[k + 1] * dt, states[k]);
      const Vector history_with_ghosts = ghosted(history_term);

      Vector predictor(owned_dofs, comm);
      for (unsigned int k = 0; k < n_points; ++k)
        predictor.add(w[k], states[k]);
      new_state = predictor;

      // Newton's method that keeps its Jacobian (and so its LU factors)
      // while the iteration contracts fast, and refreshes it otherwise:
      // the predictor is close to the solution, so one factorization per
      // step is usually enough.
      StepAttempt attempt;
      Vector      update(owned_dofs, comm);
      bool        refresh_jacobian = true;
      double      previous_change  = 0;
      for (unsigned int it = 0; it < solver_prm.maximum_newton_iterations; ++it)
        {
          assemble_newton_system(new_state,
                                 history_with_ghosts,
                                 a0,
                                 dt,
                                 refresh_jacobian);
          {
            TimerOutput::Scope scope(timer, "linear solve");
            try
              {
                const unsigned int before = solver.factorizations();
                solver.solve(jacobian, update, residual);
                attempt.factorizations += solver.factorizations() - before;
              }
            catch (const SolverError &)
              {
                return attempt; // not converged: the step is retried
              }
          }
          constraints.distribute(update);
          new_state.add(1.0, update);
          attempt.newton_iterations = it + 1;
          const double change       = update.linfty_norm();
          if (!std::isfinite(change))
            return attempt;
          if (physics.linearly_implicit)
            {
              attempt.converged = true;
              break;
            }
          // With contraction rate r the error left after this update is
          // about change * r / (1 - r): stop once that is below tolerance.
          const double rate = it > 0 ? change / previous_change : 1.0;
          if (change <= solver_prm.newton_tolerance
              || (rate < 0.5
                  && change * rate / (1 - rate) <= solver_prm.newton_tolerance))
            {
              attempt.converged = true;
              break;
            }
          // Keep the factors while each iteration gains a factor 3 or
          // more: triangular solves are far cheaper than a factorization
          // (a limit of 0.1 needed 60 % more factorizations on PFHub 1a, 0.5
          // made Newton fail).
          refresh_jacobian = it > 0 && rate > 0.3;
          previous_change  = change;
        }
      if (!attempt.converged)
        return attempt;

      const auto model      = fem::bdf::error_model(order, n_points, dt, steps);
      Vector     difference = new_state;
      difference.add(-1.0, predictor);
      difference.scale(concentration_mask);
      // Root mean square over the c unknowns (as SUNDIALS does): a brief
      // local transient after remeshing must not throttle the whole run.
      const double n_c          = 0.5 * dof_handler.n_dofs();
      const double rms          = difference.l2_norm() / std::sqrt(n_c);
      attempt.error             = model.factor * rms;
      attempt.error_exponent    = model.exponent;
      if (n_points == 1 && !checking_first_step
          && !estimate_first_step(dt, new_state, attempt))
        return attempt;
      const Integrals integrals = integrate(new_state);
      attempt.free_energy       = integrals.free_energy;
      attempt.mass              = integrals.mass;
      return attempt;
    }


    /**
     * The first step has only the initial state to extrapolate from, so
     * Milne's device has no second predictor order to compare with: the
     * step is repeated as two half steps (backward Euler, then the
     * run's order), whose result is far more accurate, and the root mean
     * square of their difference from the full step estimates its error
     * (exponent 1/2). Fast modes that both damp do not count, as they
     * would in the whole change c1 - c0. The full step's state stays the
     * step's result; the half steps only judge it.
     */
    template <int dim>
    bool
    CahnHilliard<dim>::estimate_first_step(const double dt,
                                    const Vector &full_step,
                                    StepAttempt  &attempt)
    {
      checking_first_step = true;
      Vector            half(owned_dofs, comm), twice(owned_dofs, comm);
      const StepAttempt first = try_step(0.5 * dt, half);
      StepAttempt       second;
      if (first.converged)
        {
          states.insert(states.begin(), half);
          steps.insert(steps.begin(), 0.5 * dt);
          second = try_step(0.5 * dt, twice);
          states.erase(states.begin());
          steps.erase(steps.begin());
        }
      checking_first_step = false;
      attempt.factorizations += first.factorizations + second.factorizations;
      if (!second.converged)
        {
          attempt.converged = false;
          return false;
        }
      Vector difference = full_step;
      difference.add(-1.0, twice);
      difference.scale(concentration_mask);
      const double n = 0.5 * dof_handler.n_dofs();
      // With backward Euler throughout, the two half steps keep half the
      // full step's error.
      attempt.error = (time_prm.order == 1 ? 2.0 : 1.0) * difference.l2_norm()
                      / std::sqrt(n);
      attempt.error_exponent = 0.5;
      return true;
    }


    template <int dim>
    void
    CahnHilliard<dim>::accept_step(const double dt, Vector &new_state)
    {
      states.insert(states.begin(), new_state);
      steps.insert(steps.begin(), dt);
      // BDF of order q needs q past states, its predictor one more.
      while (states.size() > time_prm.order + 1)
        states.pop_back();
      while (steps.size() > time_prm.order)
        steps.pop_back();
      time += dt;
      ++step;
    }


    template <int dim>
    bool
    CahnHilliard<dim>::adapt_mesh()
    {
      TimerOutput::Scope  scope(timer, "mesh adaptation");
      std::vector<Vector> old_states;
      for (const auto &s : states)
        old_states.push_back(ghosted(s));
      fem::flag_cells_by_gradient(dof_handler, old_states[0], {0}, mesh_prm);

      if (!fem::any_cell_flagged(triangulation))
        return false;
      std::vector<Vector *> outputs;
      for (auto &s : states)
        outputs.push_back(&s);
      fem::refine_and_transfer(
        triangulation,
        dof_handler,
        old_states,
        outputs,
        [this]() { setup_dofs(); },
        owned_dofs);
      for (auto &s : states)
        {
          constraints.distribute(s);
          restore_mass(s);
        }
      return true;
    }


    template <int dim>
    void
    CahnHilliard<dim>::write_fields()
    {
      TimerOutput::Scope scope(timer, "output");
      const Vector       state = ghosted(states[0]);
      DataOut<dim>       data_out;
      data_out.attach_dof_handler(dof_handler);
      data_out.add_data_vector(state,
                               std::vector<std::string>{"c", "mu"},
                               DataOut<dim>::type_dof_data);
      dealii::Vector<float> subdomain(triangulation.n_active_cells());
      subdomain = triangulation.locally_owned_subdomain();
      data_out.add_data_vector(subdomain, "subdomain");
      data_out.build_patches(mesh_prm.polynomial_degree);
      fields.write(data_out, time);
    }


    template <int dim>
    void
    CahnHilliard<dim>::write_checkpoint() const
    {
      TimerOutput::Scope   scope(timer, "checkpoint");
      fem::CheckpointState state;
      state.set("model", "cahn hilliard");
      state.set("wall time", clock.elapsed_seconds());
      fem::save_step_history(state,
                             time,
                             step,
                             statistics,
                             controller,
                             steps,
                             states.size());
      state.set("initial mass", initial_mass);
      state.set("field records", fields.serialize());

      fem::save_checkpoint(output_prm.directory,
                           dof_handler,
                           states,
                           relevant_dofs,
                           state);
    }


    template <int dim>
    void
    CahnHilliard<dim>::resume_from_checkpoint()
    {
      fem::make_box_mesh(triangulation, mesh_prm, false);
      const fem::CheckpointState state
        = fem::load_checkpoint_mesh(output_prm.directory,
                                    triangulation,
                                    "cahn hilliard");
      if (state.has("wall time"))
        clock.set_earlier_seconds(state.get_double("wall time"));
      setup_dofs();
      const unsigned int n_states = fem::load_step_history(state,
                                                           time,
                                                           step,
                                                           statistics,
                                                           controller,
                                                           steps);
      fem::load_checkpoint_vectors(output_prm.directory,
                                   dof_handler,
                                   n_states,
                                   owned_dofs,
                                   comm,
                                   states);

      initial_mass = state.get_double("initial mass");
      fields.deserialize(state.get_string("field records"));
      free_energy = integrate(states[0]).free_energy;
    }


    template <int dim>
    void
    CahnHilliard<dim>::report_step(const StepAttempt &attempt,
                                   const Integrals   &integrals)
    {
      free_energy          = integrals.free_energy;
      const double last_dt = steps.empty() ? 0.0 : steps[0];
      clock.record(time, last_dt);
      csv->add_row({double(step),
                    time,
                    last_dt,
                    integrals.free_energy,
                    integrals.mass,
                    double(dof_handler.n_dofs()),
                    double(triangulation.n_global_active_cells()),
                    double(attempt.newton_iterations),
                    double(attempt.factorizations),
                    double(statistics.rejected),
                    clock.elapsed_seconds()});
      if (output_prm.progress_every == 0
          || step % output_prm.progress_every != 0)
        return;
      char line[256];
      std::snprintf(
        line,
        sizeof(line),
        "step %6u  t %10.4e  dt %9.3e  F %12.6e  Newton %u  "
        "LU %u  DoFs %8llu  wall %s  left %s",
        step,
        time,
        last_dt,
        integrals.free_energy,
        attempt.newton_iterations,
        attempt.factorizations,
        static_cast<unsigned long long>(dof_handler.n_dofs()),
        base::format_duration(clock.elapsed_seconds()).c_str(),
        base::format_duration(clock.estimated_seconds_left()).c_str());
      pcout << line << std::endl;
    }


    template <int dim>
    void
    CahnHilliard<dim>::run()
    {
      output_prm.make_directory(comm);
      const bool resume = checkpoint_prm.resume;
      pcout << "vitrum: Cahn-Hilliard, " << dim << "D, "
            << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s)"
            << (resume ? ", resuming from checkpoint" : "") << std::endl;

      const std::vector<std::string> columns = {"step",
                                                "time",
                                                "dt",
                                                "free_energy",
                                                "mass",
                                                "dofs",
                                                "cells",
                                                "newton_iterations",
                                                "factorizations",
                                                "rejected_steps",
                                                "wall_time"};
      const std::string csv_file = output_prm.directory + "/time_series.csv";
      const bool        root     = Utilities::MPI::this_mpi_process(comm) == 0;
      if (resume)
        {
          resume_from_checkpoint();
          csv
            = std::make_unique<base::CsvWriter>(csv_file, columns, root, step);
        }
      else
        {
          csv = std::make_unique<base::CsvWriter>(csv_file, columns, root);
          start_new_run();
          report_step(StepAttempt(), {free_energy, initial_mass});
          write_fields();
        }

      std::vector<double> targets = output_prm.output_times;
      targets.push_back(time_prm.end_time);
      controller.set_target_times(targets);

      Vector new_state(owned_dofs, comm);
      while (!time_prm.finished(time, step))
        {
          const double dt = controller.step_from(time);
          new_state.reinit(owned_dofs, comm);
          const StepAttempt attempt = try_step(dt, new_state);
          statistics.factorizations += attempt.factorizations;
          // Energy must not rise: a step that raises it is too long.
          const bool energy_rose
            = attempt.free_energy > free_energy + 1e-10 * std::abs(free_energy);
          if (!fem::judge_step(controller,
                               statistics,
                               dt,
                               {attempt.converged,
                                attempt.error,
                                attempt.error_exponent,
                                energy_rose},
                               time,
                               ""))
            continue;

          accept_step(dt, new_state);
          ++statistics.steps_since_remesh;
          if (mesh_prm.adapt_every > 0 && step % mesh_prm.adapt_every == 0
              && adapt_mesh())
            statistics.steps_since_remesh = 0;
          // The step already integrated its new state; only a new mesh
          // changes F and the mass to report.
          report_step(attempt,
                      statistics.steps_since_remesh == 0
                        ? integrate(states[0])
                        : Integrals{attempt.free_energy, attempt.mass});
          if (output_prm.fields_due(time, step))
            write_fields();
          if (checkpoint_prm.every > 0 && step % checkpoint_prm.every == 0)
            write_checkpoint();
          const std::string stop
            = fem::end_of_step_check(comm, checkpoint_prm);
          if (!stop.empty())
            {
              write_checkpoint();
              pcout << fem::stop_message(stop,
                                         time,
                                         step,
                                         output_prm.directory)
                    << std::endl;
              return;
            }
        }

      if (!fields.written_at(time))
        write_fields();
      write_checkpoint();
      base::check_errors(comm);
      print_summary();
    }


    template <int dim>
    void
    CahnHilliard<dim>::print_summary() const
    {
      const double                   mass = integrate(states[0]).mass;
      Utilities::System::MemoryStats memory;
      Utilities::System::get_memory_stats(memory);
      const double peak_mb = Utilities::MPI::sum(memory.VmHWM / 1024.0, comm);
      pcout << "\nFinished at t = " << time << " after " << step << " steps; "
            << statistics.summary() << "\n"
            << "Free energy F = " << std::setprecision(10) << free_energy
            << ", relative mass change " << std::setprecision(3)
            << (mass - initial_mass) / std::abs(initial_mass) << '\n'
            << "DoFs " << dof_handler.n_dofs() << ", cells "
            << triangulation.n_global_active_cells() << ", wall time "
            << base::format_duration(clock.elapsed_seconds()) << '\n'
            << "Peak memory: " << std::fixed << std::setprecision(1) << peak_mb
            << " MB (sum over ranks)" << std::defaultfloat << '\n'
            << "Results in " << output_prm.directory
            << "/: fields.pvd (ParaView), time_series.csv, checkpoint/"
            << std::endl;
      timer.print_summary();
    }


    template class CahnHilliard<2>;
    template class CahnHilliard<3>;
  } // namespace models
} // namespace vitrum
