#include <deal.II/base/utilities.h>

#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/fem/implicit_model.h>
#include <vitrum/fem/newton.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <random>

namespace vitrum
{
  namespace fem
  {
    using namespace dealii;

    namespace
    {


      /// The locally owned unknowns of each field of an element made of
      /// copies of one scalar element, in pairs: fields[f][k] is the
      /// unknown of field f at the node of fields[0][k] (sorted).
      template <int dim>
      std::vector<std::vector<types::global_dof_index>>
      paired_field_dofs(const DoFHandler<dim> &dof_handler,
                        const IndexSet        &owned)
      {
        const auto        &fe       = dof_handler.get_fe();
        const unsigned int n_fields = fe.n_components();
        const unsigned int n_scalar = fe.n_dofs_per_cell() / n_fields;
        // Every owned unknown lies on some owned cell.
        std::map<types::global_dof_index, std::vector<types::global_dof_index>>
                                             nodes;
        std::vector<types::global_dof_index> indices(fe.n_dofs_per_cell());
        std::vector<types::global_dof_index> of_node(n_fields * n_scalar);
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              cell->get_dof_indices(indices);
              for (unsigned int i = 0; i < indices.size(); ++i)
                {
                  const auto [field, k] = fe.system_to_component_index(i);
                  of_node[field * n_scalar + k] = indices[i];
                }
              for (unsigned int k = 0; k < n_scalar; ++k)
                if (owned.is_element(of_node[k]))
                  {
                    auto &node = nodes[of_node[k]];
                    node.resize(n_fields);
                    for (unsigned int f = 0; f < n_fields; ++f)
                      node[f] = of_node[f * n_scalar + k];
                  }
            }
        std::vector<std::vector<types::global_dof_index>> fields(n_fields);
        for (const auto &[first, node] : nodes)
          for (unsigned int f = 0; f < n_fields; ++f)
            {
              AssertThrow(owned.is_element(node[f]),
                          ExcMessage(
                            "the fields of a node on different ranks"));
              fields[f].push_back(node[f]);
            }
        return fields;
      }


      MeshParameters
      parsed_mesh(ParameterHandler &prm, const int dim)
      {
        MeshParameters p;
        p.parse_parameters(prm, dim);
        return p;
      }
    } // namespace


    template <int dim>
    ImplicitModel<dim>::ImplicitModel(ParameterHandler  &prm,
                                      MPI_Comm           comm,
                                      const std::string &checkpoint_name)
        : Simulator(comm,
                    checkpoint_name,
                    base::parsed<TimeSteppingParameters>(prm),
                    base::parsed<OutputParameters>(prm),
                    base::parsed<CheckpointParameters>(prm))
        , mesh_prm(parsed_mesh(prm, dim))
        , solver_prm(base::parsed<SolverParameters>(prm))
        , triangulation(comm)
        , dof_handler(triangulation)
        , controller(time_prm)
    {
      // (The iterative solver depends on the model's fields: setup_dofs.)
      if (solver_prm.linear_solver == "direct"
          || (solver_prm.linear_solver == "automatic"
              && !available_direct_solvers().empty()))
        direct_solver = std::make_unique<DirectSolver>(comm, solver_prm);
    }


    template <int dim>
    void
    ImplicitModel<dim>::set_finite_element(const FiniteElement<dim> &base,
                                           const unsigned int        n_fields)
    {
      fe = std::make_unique<FESystem<dim>>(base, n_fields);
    }


    template <int dim>
    typename ImplicitModel<dim>::Vector
    ImplicitModel<dim>::ghosted(const Vector &v) const
    {
      return ghosted_copy(v, owned_dofs, relevant_dofs);
    }


    template <int dim>
    void
    ImplicitModel<dim>::recount_time_error_unknowns()
    {
      n_error_unknowns = std::max(1.0, time_error_mask.l1_norm());
    }


    template <int dim>
    void
    ImplicitModel<dim>::reobserve_current_state()
    {
      free_energy = observe(states[0], time);
      keep_observation();
    }


    template <int dim>
    void
    ImplicitModel<dim>::add_cell_contribution(
      const FullMatrix<double>                   &cell_matrix,
      const dealii::Vector<double>               &cell_residual,
      const std::vector<types::global_dof_index> &dof_indices,
      const bool                                  with_matrix)
    {
      if (with_matrix)
        constraints.distribute_local_to_global(cell_matrix,
                                               cell_residual,
                                               dof_indices,
                                               jacobian,
                                               residual);
      else
        constraints.distribute_local_to_global(cell_residual,
                                               dof_indices,
                                               residual);
    }


    template <int dim>
    void
    ImplicitModel<dim>::finish_assembly(const bool with_matrix)
    {
      if (with_matrix)
        jacobian.compress(VectorOperation::add);
      residual.compress(VectorOperation::add);
    }


    template <int dim>
    void
    ImplicitModel<dim>::write_state_fields(
      const std::vector<std::string> &names)
    {
      TimerOutput::Scope scope(*timer, "output");
      const Vector       state = ghosted(states[0]);
      DataOut<dim>       data_out;
      data_out.attach_dof_handler(dof_handler);
      data_out.add_data_vector(state, names, DataOut<dim>::type_dof_data);
      dealii::Vector<float> subdomain(triangulation.n_active_cells());
      subdomain = triangulation.locally_owned_subdomain();
      data_out.add_data_vector(subdomain, "subdomain");
      data_out.build_patches(mesh_prm.polynomial_degree);
      fields.write(data_out, time);
    }


    template <int dim>
    void
    ImplicitModel<dim>::write_state_fields(
      const dealii::DataPostprocessor<dim> &physical)
    {
      TimerOutput::Scope scope(*timer, "output");
      const Vector       state = ghosted(states[0]);
      DataOut<dim>       data_out;
      data_out.attach_dof_handler(dof_handler);
      data_out.add_data_vector(state, physical);
      dealii::Vector<float> subdomain(triangulation.n_active_cells());
      subdomain = triangulation.locally_owned_subdomain();
      data_out.add_data_vector(subdomain, "subdomain");
      data_out.build_patches(mesh_prm.polynomial_degree);
      fields.write(data_out, time);
    }


    template <int dim>
    double
    ImplicitModel<dim>::limit_update(const Vector &,
                                     Vector &,
                                     double *removed) const
    {
      if (removed)
        *removed = 0;
      return 1;
    }


    template <int dim>
    void
    ImplicitModel<dim>::restore_conserved(Vector &) const
    {
    }


    template <int dim>
    double
    ImplicitModel<dim>::newton_change(const Vector &update) const
    {
      return update.linfty_norm();
    }


    template <int dim>
    void
    ImplicitModel<dim>::setup_dofs()
    {
      TimerOutput::Scope scope(*timer, "setup dofs");
      distribute_dofs(dof_handler, *fe);
      iterative = solver_prm.linear_solver == "iterative" || !direct_solver
                  || (solver_prm.linear_solver == "automatic"
                      && iterative_solver_pays(dof_handler.n_dofs()));
      // PETSc's MUMPS (without METIS in Debian's build) orders the pattern
      // without the node-local terms' neighbours by PORD, with four times
      // the operations of the full pattern; MUMPS with METIS' ordering and
      // the Krylov solvers gain from the leaner one.
      setup_system(dof_handler,
                   mesh_prm,
                   comm,
                   owned_dofs,
                   relevant_dofs,
                   constraints,
                   jacobian,
                   coupling(),
                   node_coupling(),
                   !iterative && solver_prm.direct_solver == "PETSc MUMPS");
      residual.reinit(owned_dofs, comm);
      // The LU's factors and the iterative solver's blocks belong to the
      // old mesh either way.
      if (direct_solver)
        direct_solver->reset();
      if (iterative)
        set_up_iterative_solver();
      else if (block_solver || split_solver)
        forget_iterative_solver();
      time_error_mask.reinit(owned_dofs, comm);
      after_setup_dofs();
      // (A sum of ones: exact.)
      recount_time_error_unknowns();
    }


    template <int dim>
    void
    ImplicitModel<dim>::set_up_iterative_solver()
    {
      const auto fields = paired_field_dofs(dof_handler, owned_dofs);
      if (block_preconditioner_weight(1, 1).first > 0 && fields.size() == 2)
        {
          if (!block_solver)
            block_solver = std::make_unique<MixedBlockSolver>(
              comm,
              solver_prm.linear_tolerance,
              solver_prm.maximum_linear_iterations,
              solver_prm.multigrid_reuse_ratio);
          block_solver->set_fields(fields[0], fields[1]);
          return;
        }
      const std::vector<unsigned int> eliminated = eliminated_components();
      if (eliminated.empty())
        throw InputError("Solver/Linear solver: iterative is not available "
                         "for the "
                         + title() + " model; use direct");
      if (!split_solver)
        split_solver = std::make_unique<SchurSplitSolver>(
          comm,
          solver_prm.linear_tolerance,
          solver_prm.maximum_linear_iterations);
      // Node by node, so that the kept unknowns of a node stay together
      // (the AMG's systems coarsening).
      std::vector<types::global_dof_index> eliminated_dofs, kept_dofs;
      std::vector<bool>                    is_eliminated(fields.size(), false);
      for (const unsigned int c : eliminated)
        is_eliminated[c] = true;
      for (std::size_t k = 0; k < fields[0].size(); ++k)
        for (unsigned int f = 0; f < fields.size(); ++f)
          (is_eliminated[f] ? eliminated_dofs : kept_dofs)
            .push_back(fields[f][k]);
      split_solver->set_fields(eliminated_dofs,
                               kept_dofs,
                               fields.size() - eliminated.size());
      const std::vector<unsigned int> partners = eliminated_partners();
      if (partners.empty())
        return;
      std::vector<bool> is_partner(fields.size(), false);
      for (const unsigned int c : partners)
        is_partner[c] = true;
      std::vector<types::global_dof_index> partner_dofs, other_dofs;
      for (std::size_t k = 0; k < fields[0].size(); ++k)
        {
          for (const unsigned int c : partners)
            partner_dofs.push_back(fields[c][k]);
          for (unsigned int f = 0; f < fields.size(); ++f)
            if (!is_eliminated[f] && !is_partner[f])
              other_dofs.push_back(fields[f][k]);
        }
      split_solver->set_partners(partner_dofs, other_dofs, partners.size());
    }


    template <int dim>
    void
    ImplicitModel<dim>::forget_iterative_solver()
    {
      // Back on the LU (a smaller mesh): free the blocks and hierarchy.
      if (block_solver)
        block_solver->reset();
      if (split_solver)
        split_solver->reset();
    }


    template <int dim>
    void
    ImplicitModel<dim>::interpolate_initial_state()
    {
      states.assign(1, Vector(owned_dofs, comm));
      steps.clear();
      initial_state(states[0]);
      constraints.distribute(states[0]);
    }


    template <int dim>
    void
    ImplicitModel<dim>::start_new_run()
    {
      make_box_mesh(triangulation, mesh_prm);
      setup_dofs();
      interpolate_initial_state();
      for (unsigned int cycle = 0; cycle < mesh_prm.initial_adaptation; ++cycle)
        {
          const unsigned int cells_before
            = triangulation.n_global_active_cells();
          flag_cells_by_gradient(dof_handler,
                                 ghosted(states[0]),
                                 refinement_components(),
                                 mesh_prm);
          triangulation.execute_coarsening_and_refinement();
          setup_dofs();
          interpolate_initial_state();
          if (triangulation.n_global_active_cells() == cells_before)
            break;
        }
      free_energy    = observe(states[0], 0);
      last_step_cost = StepCost();
      keep_observation();
      controller.set_target_times(target_times(extra_target_times()));
    }


    template <int dim>
    double
    ImplicitModel<dim>::rms_difference(const Vector &a, const Vector &b) const
    {
      // Root mean square (as SUNDIALS does): a brief local transient after
      // remeshing must not throttle the whole run.
      Vector difference = a;
      difference.add(-1.0, b);
      difference.scale(time_error_mask);
      return difference.l2_norm() / std::sqrt(n_error_unknowns);
    }


    template <int dim>
    typename ImplicitModel<dim>::StepAttempt
    ImplicitModel<dim>::try_step(const double t0,
                                 const double dt,
                                 Vector      &new_state)
    {
      // (A checkpoint of a higher-order run may hold more states.)
      const unsigned int n_points
        = std::min<unsigned int>(states.size(), time_prm.order + 1);
      const unsigned int order
        = std::min<unsigned int>(time_prm.order, n_points);
      const auto bdf = bdf::coefficients(order, dt, steps);
      const auto w   = bdf::extrapolation_weights(n_points, dt, steps);

      const double a0 = bdf[0] * dt;
      Vector       history_term(owned_dofs, comm);
      for (unsigned int k = 0; k + 1 < bdf.size() && k < n_points; ++k)
        history_term.add(bdf[k + 1] * dt, states[k]);
      const Vector history = ghosted(history_term);

      Vector predictor(owned_dofs, comm);
      for (unsigned int k = 0; k < n_points; ++k)
        predictor.add(w[k], states[k]);
      // Extrapolation may overshoot where a field must stay admissible
      // (a fraction near zero): the model may shorten the change.
      Vector change_of_predictor = predictor;
      change_of_predictor.add(-1.0, states[0]);
      const double alpha
        = limit_update(states[0], change_of_predictor, nullptr);
      new_state = predictor;
      if (alpha < 1)
        {
          new_state = states[0];
          new_state.sadd(1 - alpha, alpha, predictor);
        }

      StepAttempt  attempt;
      NewtonSystem system;
      system.assemble = [&](const Vector &iterate, const bool with_matrix) {
        assemble(iterate, history, a0, dt, t0 + dt, with_matrix);
        // A diverging iteration (too long a step) can carry a field far out
        // of its range: give the step up before such a system reaches the
        // LU.
        return std::isfinite(residual.l2_norm())
               && (!with_matrix || std::isfinite(jacobian.frobenius_norm()));
      };
      system.solve = [&](Vector &update) {
        return solve_linear(update, a0, dt, attempt.cost);
      };
      system.limit
        = [&](const Vector &iterate, Vector &update, double &removed) {
            return limit_update(iterate, update, &removed);
          };
      system.change
        = [&](const Vector &update) { return newton_change(update); };
      NewtonSettings settings;
      settings.tolerance        = solver_prm.newton_tolerance;
      settings.max_iterations   = solver_prm.maximum_newton_iterations;
      settings.single_iteration = linearly_implicit();

      const NewtonOutcome newton = newton_solve(new_state, system, settings);
      attempt.cost.newton_iterations = newton.iterations;
      attempt.converged              = newton.converged;
      if (!attempt.converged)
        return attempt;
      // An unlimited Newton update keeps every conserved amount (the
      // equations are conservative); a limited one does not, by up to the
      // Newton tolerance.
      if (newton.limited)
        restore_conserved(new_state);

      const auto model = bdf::error_model(order, n_points, dt, steps);
      attempt.error    = model.factor * rms_difference(new_state, predictor);
      attempt.error_exponent = model.exponent;
      if (n_points == 1 && !checking_first_step
          && !estimate_first_step(t0, dt, new_state, attempt))
        return attempt;
      if (!checking_first_step)
        attempt.free_energy = observe(new_state, t0 + dt);
      return attempt;
    }


    template <int dim>
    bool
    ImplicitModel<dim>::solve_linear(Vector      &update,
                                     const double a0,
                                     const double dt,
                                     StepCost    &cost)
    {
      TimerOutput::Scope scope(*timer, "linear solve");
      try
        {
          if (!iterative)
            solve_direct(update, cost);
          else if (block_solver)
            cost.linear_iterations
              += block_solver->solve(jacobian,
                                     update,
                                     residual,
                                     block_preconditioner_weight(a0, dt));
          else
            cost.linear_iterations
              += split_solver->solve(jacobian, update, residual, a0 / dt, a0);
        }
      catch (const SolverError &)
        {
          return false; // not converged: the step is retried
        }
      ++cost.linear_solves;
      constraints.distribute(update);
      return true;
    }


    template <int dim>
    void
    ImplicitModel<dim>::solve_direct(Vector &update, StepCost &cost)
    {
      const unsigned int factorized = direct_solver->factorizations();
      const unsigned int iterated   = direct_solver->reuse_iterations();
      direct_solver->solve(jacobian, update, residual);
      cost.factorizations += direct_solver->factorizations() - factorized;
      cost.linear_iterations += direct_solver->reuse_iterations() - iterated;
    }


    /**
     * The first step has only the initial state to extrapolate from, so
     * Milne's device has no second predictor order to compare with: the
     * step is repeated as two half steps (backward Euler, then the
     * run's order), whose result is far more accurate, and the root mean
     * square of their difference from the full step estimates its error
     * (exponent 1/2). Fast modes that both damp do not count, as they
     * would in the whole change u1 - u0. The full step's state stays the
     * step's result; the half steps only judge it.
     */
    template <int dim>
    bool
    ImplicitModel<dim>::estimate_first_step(const double  t0,
                                            const double  dt,
                                            const Vector &full_step,
                                            StepAttempt  &attempt)
    {
      checking_first_step = true;
      Vector            half(owned_dofs, comm), twice(owned_dofs, comm);
      const StepAttempt first = try_step(t0, 0.5 * dt, half);
      StepAttempt       second;
      if (first.converged)
        {
          states.insert(states.begin(), half);
          steps.insert(steps.begin(), 0.5 * dt);
          second = try_step(t0 + 0.5 * dt, 0.5 * dt, twice);
          states.erase(states.begin());
          steps.erase(steps.begin());
        }
      checking_first_step = false;
      attempt.cost.add_linear(first.cost);
      attempt.cost.add_linear(second.cost);
      if (!second.converged)
        {
          attempt.converged = false;
          return false;
        }
      // With backward Euler throughout, the two half steps keep half the
      // full step's error.
      attempt.error
        = (time_prm.order == 1 ? 2.0 : 1.0) * rms_difference(full_step, twice);
      attempt.error_exponent = 0.5;
      return true;
    }


    template <int dim>
    double
    ImplicitModel<dim>::advance()
    {
      Vector new_state(owned_dofs, comm);
      while (true)
        {
          const double      dt      = controller.step_from(time);
          const StepAttempt attempt = try_step(time, dt, new_state);
          statistics.factorizations += attempt.cost.factorizations;
          const bool energy_rose
            = attempt.free_energy > free_energy + allowed_energy_rise(time, dt);
          if (!judge_step(controller,
                          statistics,
                          dt,
                          {attempt.converged,
                           attempt.error,
                           attempt.error_exponent,
                           energy_rose},
                          time,
                          time_unit()))
            continue;

          states.insert(states.begin(), new_state);
          steps.insert(steps.begin(), dt);
          // BDF of order q needs q past states, its predictor one more.
          while (states.size() > time_prm.order + 1)
            states.pop_back();
          while (steps.size() > time_prm.order)
            steps.pop_back();
          free_energy    = attempt.free_energy;
          last_step_cost = attempt.cost;
          keep_observation();
          return dt;
        }
    }


    template <int dim>
    void
    ImplicitModel<dim>::after_step()
    {
      ++statistics.steps_since_remesh;
      if (mesh_prm.adapt_every > 0 && step % mesh_prm.adapt_every == 0
          && adapt_mesh())
        {
          statistics.steps_since_remesh = 0;
          // The step integrated its new state; only a new mesh changes the
          // observables.
          free_energy = observe(states[0], time);
          keep_observation();
        }
    }


    template <int dim>
    bool
    ImplicitModel<dim>::adapt_mesh()
    {
      TimerOutput::Scope  scope(*timer, "mesh adaptation");
      std::vector<Vector> old_states;
      for (const auto &s : states)
        old_states.push_back(ghosted(s));
      flag_cells_by_gradient(dof_handler,
                             old_states[0],
                             refinement_components(),
                             mesh_prm);
      if (!any_cell_flagged(triangulation))
        return false;
      std::vector<Vector *> outputs;
      for (auto &s : states)
        outputs.push_back(&s);
      refine_and_transfer(
        triangulation,
        dof_handler,
        old_states,
        outputs,
        [this]() { setup_dofs(); },
        owned_dofs);
      // Interpolation onto coarser cells changes conserved amounts a
      // little: the model puts them back.
      for (auto &s : states)
        {
          constraints.distribute(s);
          restore_conserved(s);
        }
      return true;
    }


    template <int dim>
    unsigned long long
    ImplicitModel<dim>::n_unknowns() const
    {
      return dof_handler.n_dofs();
    }


    namespace
    {
      /// Krylov iterations per linear solve of a step.
      template <typename Cost>
      double
      mean_linear_iterations(const Cost &cost)
      {
        return cost.linear_solves == 0
                 ? 0.0
                 : double(cost.linear_iterations) / cost.linear_solves;
      }
    } // namespace


    template <int dim>
    std::vector<std::string>
    ImplicitModel<dim>::solver_columns()
    {
      return {"dofs",
              "cells",
              "newton_iterations",
              "factorizations",
              "linear_iterations",
              "rejected_steps",
              "wall_time_s"};
    }


    template <int dim>
    std::vector<double>
    ImplicitModel<dim>::solver_values() const
    {
      return {double(dof_handler.n_dofs()),
              double(triangulation.n_global_active_cells()),
              double(last_step_cost.newton_iterations),
              double(last_step_cost.factorizations),
              mean_linear_iterations(last_step_cost),
              double(statistics.rejected),
              clock.elapsed_seconds()};
    }


    template <int dim>
    std::string
    ImplicitModel<dim>::solver_progress() const
    {
      char text[64];
      if (iterative)
        std::snprintf(text,
                      sizeof(text),
                      "Newton %u  FGMRES %.1f",
                      last_step_cost.newton_iterations,
                      mean_linear_iterations(last_step_cost));
      else
        std::snprintf(text,
                      sizeof(text),
                      "Newton %u  LU %u",
                      last_step_cost.newton_iterations,
                      last_step_cost.factorizations);
      return text;
    }


    template <int dim>
    void
    ImplicitModel<dim>::save_entries(CheckpointState &state) const
    {
      statistics.save(state);
      state.set("proposed step", controller.proposed_step());
      state.set("n states", double(states.size()));
      state.set("n steps", double(steps.size()));
      for (unsigned int k = 0; k < steps.size(); ++k)
        state.set("step size " + std::to_string(k), steps[k]);
      save_physics(state);
    }


    template <int dim>
    void
    ImplicitModel<dim>::write_checkpoint_data(
      const CheckpointState &state) const
    {
      // The multigrid hierarchies and the LU factors kept across steps are
      // not part of the checkpoint: forgetting them here gives this run's
      // next step the preconditioner of a run resumed from the checkpoint
      // (the same steps to rounding; checks iterative-restart and
      // factor-reuse-restart). Without factor reuse the next step
      // factorizes anyway, and the LU keeps its symbolic analysis.
      if (block_solver)
        block_solver->reset();
      if (direct_solver && solver_prm.factor_reuse_iterations > 0)
        direct_solver->reset();
      save_checkpoint(output_prm.directory,
                      dof_handler,
                      states,
                      relevant_dofs,
                      state);
    }


    template <int dim>
    CheckpointState
    ImplicitModel<dim>::read_checkpoint_data()
    {
      make_box_mesh(triangulation, mesh_prm, false);
      const CheckpointState state = load_checkpoint_mesh(output_prm.directory,
                                                         triangulation,
                                                         checkpoint_name);
      setup_dofs();
      load_checkpoint_vectors(output_prm.directory,
                              dof_handler,
                              static_cast<unsigned int>(
                                state.get_double("n states")),
                              owned_dofs,
                              comm,
                              states);
      return state;
    }


    template <int dim>
    void
    ImplicitModel<dim>::load_entries(const CheckpointState &state)
    {
      statistics.load(state);
      controller.set_proposed_step(state.get_double("proposed step"));
      steps.clear();
      for (unsigned int k = 0; k < state.get_double("n steps"); ++k)
        steps.push_back(state.get_double("step size " + std::to_string(k)));
      load_physics(state);
      free_energy = observe(states[0], time);
      keep_observation();
      controller.set_target_times(target_times(extra_target_times()));
    }


    template <int dim>
    double
    ImplicitModel<dim>::jacobian_error(const unsigned int n_directions,
                                       const double       perturbation,
                                       double             dt)
    {
      make_timer();
      if (states.empty())
        start_new_run();
      if (dt <= 0)
        dt = time_prm.initial_time_step;

      // A backward Euler step from the initial state, evaluated about a
      // perturbed copy of it (a uniform state would hide terms).
      std::mt19937                           random(6789);
      std::uniform_real_distribution<double> uniform(-1, 1);
      Vector                                 u = states[0];
      for (const auto i : owned_dofs)
        u[i] = u[i] * (1 + perturbation * uniform(random));
      u.compress(VectorOperation::insert);
      constraints.distribute(u);
      Vector history_term = states[0];
      history_term *= -1;
      const Vector history = ghosted(history_term);
      return fem::jacobian_error(
        u,
        [&](const Vector &state, const bool with_matrix) {
          assemble(state, history, 1.0, dt, dt, with_matrix);
        },
        jacobian,
        residual,
        constraints,
        n_directions);
    }


    template class ImplicitModel<1>;
    template class ImplicitModel<2>;
    template class ImplicitModel<3>;
  } // namespace fem
} // namespace vitrum
