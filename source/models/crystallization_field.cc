#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/distributed/solution_transfer.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_values.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>

#include <deal.II/numerics/data_out.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/newton.h>
#include <vitrum/models/crystallization_field.h>
#include <vitrum/thermo/solution_phase.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;


    double
    CrystallizationRates::nucleation(const double T) const
    {
      return nucleation_rate
             * std::exp(-nucleation_energy / thermo::gas_constant
                        * (1. / T - 1. / reference_temperature));
    }


    double
    CrystallizationRates::growth(const double T) const
    {
      return growth_rate
             * std::exp(-growth_energy / thermo::gas_constant
                        * (1. / T - 1. / reference_temperature));
    }


    void
    CrystallizationRates::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Rates");
      prm.declare_entry("Nucleation rate",
                        "0",
                        Patterns::Double(0),
                        "Homogeneous nucleation rate I at the reference "
                        "temperature, nuclei per m^3 and s (per m^2 and s in "
                        "2D runs).");
      prm.declare_entry("Nucleation activation energy",
                        "0",
                        Patterns::Double(0),
                        "Q_I of I(T) = I_ref exp(-Q_I/R (1/T - 1/T_ref)), "
                        "kJ/mol.");
      prm.declare_entry("Growth rate",
                        "0",
                        Patterns::Double(0),
                        "Crystal growth rate U at the reference temperature, "
                        "m/s.");
      prm.declare_entry("Growth activation energy",
                        "0",
                        Patterns::Double(0),
                        "Q_U of U(T), kJ/mol.");
      prm.declare_entry("Reference temperature",
                        "700",
                        base::QuantityPattern(base::kelvin(), 1),
                        "T_ref of the two Arrhenius laws, K (or with a "
                        "unit: '427 C').");
      prm.leave_subsection();
    }


    void
    CrystallizationRates::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Rates");
      nucleation_rate   = prm.get_double("Nucleation rate");
      nucleation_energy = 1e3 * prm.get_double("Nucleation activation energy");
      growth_rate       = prm.get_double("Growth rate");
      growth_energy     = 1e3 * prm.get_double("Growth activation energy");
      reference_temperature
        = base::get_quantity(prm,
                             "Reference temperature",
                             base::kelvin(),
                             "Crystallization field/Rates/");
      prm.leave_subsection();
    }


    void
    declare_crystallization_field_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Crystallization field");
      prm.declare_entry(
        "Interface width",
        "1",
        base::QuantityPattern(base::nanometres(), 0),
        "Width l of the crystal/glass interface profile "
        "1/(1 + exp(s/l)), nm (or with a unit). The mesh must resolve it "
        "(h <= l near crystals).");
      prm.declare_entry("Relaxation ratio",
                        "0.8",
                        Patterns::Double(0.05, 0.99),
                        "r in (0, 1): how fast the interface profile relaxes "
                        "compared with its motion. Closer to 1 gives a smaller "
                        "phase-field critical radius (d-1) l/r; below 1 the "
                        "glass stays stable without nuclei.");
      prm.declare_entry(
        "Curvature-free growth",
        "true",
        Patterns::Bool(),
        "true: a counter term removes the curvature slow-down of the "
        "Allen-Cahn front (kinetics::GrowthFront::normal), so every crystal "
        "grows at U whatever its size, R = U * age as in Avrami's theory; a "
        "nucleus is drawn at its birth (position, phantom or not) and placed "
        "once it has grown to the Nucleus radius. false: plain Allen-Cahn, "
        "dR/dt = U (1 - (d-1) l/(r R)), nuclei placed at birth.");
      prm.declare_entry(
        "Nucleus radius",
        "0",
        base::QuantityPattern(base::nanometres(), 0),
        "Radius of a nucleus when it is placed on the mesh, nm (or with a "
        "unit). Curvature-free "
        "growth: 0 = 3 l, at least 2 l (smaller ones are not resolved). "
        "Otherwise: 0 = 2.1 times the phase-field critical radius (d-1) l/r, "
        "where the head start of a placed nucleus and the curvature slow-down "
        "of its first growth cancel for crystals about ten critical radii "
        "across; at least 1.25 (d-1) l/r.");
      prm.declare_entry("Courant number",
                        "0.2",
                        Patterns::Double(0.001, 2),
                        "Distance a front moves in one step, in interface "
                        "widths; sets the time step.");
      prm.declare_entry("Random seed",
                        "1",
                        Patterns::Integer(0),
                        "Seed of the nucleation events; the same seed gives "
                        "the same crystals on any number of MPI ranks.");
      prm.declare_entry("Initial nuclei",
                        "0",
                        Patterns::Integer(0),
                        "Nuclei placed at random at t = 0 (site saturation).");
      prm.declare_entry("Stop at crystal fraction",
                        "1",
                        Patterns::Double(0, 1),
                        "End the run once this volume fraction has "
                        "crystallized (1: run to the end time).");
      prm.declare_entry(
        "Rates from",
        "constants",
        Patterns::Selection("constants|kinetics file"),
        "constants: the Arrhenius laws of subsection Rates. kinetics file: "
        "KineticsMaterial::rates(x, T) of Crystallization/Kinetics file for "
        "the local glass composition x (homogeneous and interface nucleation, "
        "growth); in 2D the nuclei per area and per interface length are the "
        "rates times Crystallization/Film thickness.");
      prm.declare_entry(
        "Composition history",
        "",
        Patterns::Anything(),
        "Output directory of a partitioning run (its profiles/profile_*.csv): "
        "composition and phi along the last axis, linear in z and t (the last "
        "profile after its time). Crystal layers (phi > 1/2) neither nucleate "
        "nor grow crystals; their interfaces host heterogeneous nucleation. "
        "The mesh's last domain size must equal the stack height. Empty: "
        "uniform glass of Crystallization/Glass composition.");
      CrystallizationRates::declare_parameters(prm);
      prm.leave_subsection();
    }


    template <int dim>
    CrystallizationField<dim>::CrystallizationField(ParameterHandler &prm,
                                                    MPI_Comm          comm)
        : fem::Simulator(comm,
                         "crystallization field",
                         base::parsed<fem::TimeSteppingParameters>(prm),
                         base::parsed<fem::OutputParameters>(prm),
                         base::parsed<fem::CheckpointParameters>(prm))
        , temperature(
            base::Schedule::constant(300, base::Quantity::temperature()))
        , triangulation(comm,
                        Triangulation<dim>::limit_level_difference_at_vertices)
        , fe(1)
        , dof_handler(triangulation)
        , controller(time_prm)
    {
      mesh_prm.parse_parameters(prm, dim);
      if (mesh_prm.polynomial_degree != 1)
        throw InputError("Mesh/Polynomial degree: the crystallization field "
                         "uses linear elements (1), which keep the order "
                         "parameter between 0 and 1");
      prm.enter_subsection("Temperature");
      temperature = base::Schedule::parse(prm.get("Schedule"),
                                          base::Quantity::temperature());
      prm.leave_subsection();

      prm.enter_subsection("Crystallization field");
      const auto length = [&](const std::string &entry) {
        return base::get_quantity(prm,
                                  entry,
                                  base::nanometres(),
                                  "Crystallization field/");
      };
      front.width    = length("Interface width");
      front.ratio    = prm.get_double("Relaxation ratio");
      nucleus_radius = length("Nucleus radius");
      curvature_free = prm.get_bool("Curvature-free growth");
      courant        = prm.get_double("Courant number");
      seed           = prm.get_integer("Random seed");
      initial_nuclei = prm.get_integer("Initial nuclei");
      stop_fraction  = prm.get_double("Stop at crystal fraction");
      rates.parse_parameters(prm);
      prm.leave_subsection();
      read_rate_sources(prm);
      // Only the entries of Solver that this model uses: it has no LU, so
      // Linear solver = direct (the default) keeps its Jacobi-preconditioned
      // Krylov solve, and a missing Direct solver package does not matter.
      prm.enter_subsection("Solver");
      if (prm.get("Linear solver") == "iterative")
        amg_solver = std::make_unique<fem::AmgKrylovSolver>(
          comm,
          prm.get_double("Linear tolerance"),
          prm.get_integer("Maximum linear iterations"));
      prm.leave_subsection();

      const double critical = front.critical_radius(dim);
      if (nucleus_radius == 0)
        nucleus_radius = curvature_free ? 3 * front.width : 2.1 * critical;
      if (curvature_free && nucleus_radius < 2 * front.width)
        throw InputError("Crystallization field/Nucleus radius ("
                         + std::to_string(nucleus_radius)
                         + " nm) must be at least twice the Interface width ("
                         + std::to_string(front.width)
                         + " nm) with Curvature-free growth, or the nucleus "
                           "is not resolved; raise it or lower the width");
      if (!curvature_free && nucleus_radius < 1.25 * critical)
        throw InputError(
          "Crystallization field/Nucleus radius ("
          + std::to_string(nucleus_radius)
          + " nm) must be at least 1.25 times the phase-field critical radius "
            "(d-1) l/r = "
          + std::to_string(critical)
          + " nm without Curvature-free growth, or nuclei shrink or grow too "
            "slowly; raise it or the Relaxation ratio, or lower the Interface "
            "width");
      if (!(front.width > 0))
        throw InputError(
          "Crystallization field/Interface width must be > 0 nm");
    }


    template <int dim>
    void
    CrystallizationField<dim>::read_rate_sources(ParameterHandler &prm)
    {
      prm.enter_subsection("Crystallization field");
      from_kinetics_file = prm.get("Rates from") == "kinetics file";
      history_dir        = prm.get("Composition history");
      prm.leave_subsection();
      prm.enter_subsection("Crystallization");
      const std::string kinetics_file = prm.get("Kinetics file");
      const std::string composition   = prm.get("Glass composition");
      film_thickness                  = base::get_quantity(prm,
                                          "Film thickness",
                                          base::nanometres(),
                                          "Crystallization/");
      prm.leave_subsection();

      if (from_kinetics_file)
        {
          kinetics_material = std::make_unique<kinetics::KineticsMaterial>(
            kinetics::KineticsMaterial::read(
              base::resolve_data_path(kinetics_file)));
          if (kinetics_material->database())
            glass_composition
              = thermo::parse_composition(composition,
                                          "Crystallization/Glass composition",
                                          *kinetics_material->database());
        }
    }


    template <int dim>
    void
    CrystallizationField<dim>::load_history()
    {
      if (history_dir.empty())
        return;
      history = std::make_unique<kinetics::CompositionHistory>(
        kinetics::CompositionHistory::read(history_dir));
      const double height = mesh_prm.domain_size[dim - 1];
      if (std::abs(history->height() / height - 1) > 1e-6)
        throw InputError(
          "Crystallization field/Composition history: the profiles in '"
          + history_dir + "' span a stack of "
          + std::to_string(history->height())
          + " nm, but the last Mesh/Domain size is " + std::to_string(height)
          + " nm; set it to the stack height of the partitioning run");
      if (!mesh_prm.periodic)
        throw InputError("Crystallization field/Composition history needs "
                         "Mesh/Periodic = true (the laminate is periodic)");
      if (kinetics_material && kinetics_material->database())
        for (const auto &symbol : history->elements())
          history_to_database.push_back(
            kinetics_material->database()->element_index(symbol));
    }


    template <int dim>
    typename CrystallizationField<dim>::Vector
    CrystallizationField<dim>::ghosted(const Vector &v) const
    {
      return fem::ghosted_copy(v, owned_dofs, relevant_dofs);
    }


    template <int dim>
    void
    CrystallizationField<dim>::setup_dofs()
    {
      TimerOutput::Scope scope(*timer, "setup dofs");
      dof_handler.distribute_dofs(fe);
      fem::setup_system(dof_handler,
                        mesh_prm,
                        comm,
                        owned_dofs,
                        relevant_dofs,
                        constraints,
                        jacobian);
      residual.reinit(owned_dofs, comm);
      if (amg_solver)
        amg_solver->reset();
    }


    template <int dim>
    double
    CrystallizationField<dim>::domain_volume() const
    {
      return mesh_prm.volume(dim);
    }


    template <int dim>
    double
    CrystallizationField<dim>::integrate_fraction() const
    {
      const Vector        current = ghosted(eta);
      const QGauss<dim>   quadrature(2);
      FEValues<dim>       fe_values(fe,
                              quadrature,
                              update_values | update_JxW_values);
      std::vector<double> values(quadrature.size());
      double              crystal = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            fe_values.get_function_values(current, values);
            for (unsigned int q = 0; q < values.size(); ++q)
              crystal += values[q] * fe_values.JxW(q);
          }
      return Utilities::MPI::sum(crystal, comm) / domain_volume();
    }


    template <int dim>
    double
    CrystallizationField<dim>::integrate_sharp_fraction() const
    {
      // The sharp crystal volume, vol(eta > 1/2): the integral of eta counts
      // the curved diffuse edge with a bias (pi^3 l^2 / 3 per disc, 4 pi^3
      // l^2 R / 3 per sphere). A Q1 function lies between its vertex values
      // on a box, so only cells whose vertex values straddle 1/2 are sampled
      // (on a sub-grid of 8^dim midpoints).
      const Vector         current = ghosted(eta);
      const QIterated<dim> sub_grid(QMidpoint<1>(), 8);
      FEValues<dim> fe_values(fe, sub_grid, update_values | update_JxW_values);
      std::vector<double>    values(sub_grid.size());
      dealii::Vector<double> nodal(fe.n_dofs_per_cell());
      double                 crystal = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            cell->get_dof_values(current, nodal);
            const auto [low, high]
              = std::minmax_element(nodal.begin(), nodal.end());
            if (*low > 0.5)
              crystal += cell->measure();
            else if (*high > 0.5)
              {
                fe_values.reinit(cell);
                fe_values.get_function_values(current, values);
                for (unsigned int q = 0; q < values.size(); ++q)
                  if (values[q] > 0.5)
                    crystal += fe_values.JxW(q);
              }
          }
      return Utilities::MPI::sum(crystal, comm) / domain_volume();
    }


    template <int dim>
    double
    CrystallizationField<dim>::choose_time_step()
    {
      // A front moves at most `courant` interface widths per step.
      const double U  = fastest_growth(time);
      double       dt = time_prm.maximum_time_step;
      if (U > 0)
        dt = std::min(dt, courant * front.width / U);
      controller.set_proposed_step(dt);
      return controller.step_from(time);
    }


    template <int dim>
    void
    CrystallizationField<dim>::add_curvature_counter(
      const FEValues<dim>    &fe_values,
      const unsigned int      q,
      const NodeData         &nodes,
      const Tensor<1, dim>   &old_gradient,
      FullMatrix<double>     &cell_matrix,
      dealii::Vector<double> &cell_rhs) const
    {
      // Residual of node i gets - (U/l)_i D [(n . grad G, phi_i)
      // + (G n, grad phi_i)], G the interpolated g(eta), Crank-Nicolson in
      // time like the other terms (kinetics::GrowthFront::normal). The
      // front normal n is taken at the start of the step: it hardly changes
      // in a step (not at all for a growing sphere), and an implicit n would
      // bring 1/|grad eta| into the Jacobian, which at the flat top of a
      // small nucleus or where two crystals touch stalls Newton.
      const double         theta = 0.5, D = front.diffusivity();
      const double         JxW    = fe_values.JxW(q);
      const unsigned int   n_dofs = cell_rhs.size();
      const Tensor<1, dim> n      = front.normal(old_gradient);
      double               G = 0, G_old = 0;
      Tensor<1, dim>       grad_G, grad_G_old;
      std::array<double, GeometryInfo<dim>::vertices_per_cell> phi, n_grad;
      for (unsigned int j = 0; j < n_dofs; ++j)
        {
          phi[j]    = fe_values.shape_value(j, q);
          n_grad[j] = n * fe_values.shape_grad(j, q);
          G += nodes.slope[j] * phi[j];
          G_old += nodes.slope_old[j] * phi[j];
          grad_G += nodes.slope[j] * fe_values.shape_grad(j, q);
          grad_G_old += nodes.slope_old[j] * fe_values.shape_grad(j, q);
        }
      const double n_grad_G = n * grad_G, n_grad_G_old = n * grad_G_old;
      for (unsigned int i = 0; i < n_dofs; ++i)
        {
          const double counter     = phi[i] * n_grad_G + G * n_grad[i];
          const double counter_old = phi[i] * n_grad_G_old + G_old * n_grad[i];
          cell_rhs(i) += D
                         * (theta * nodes.rate[i] * counter
                            + (1 - theta) * nodes.rate_old[i] * counter_old)
                         * JxW;
          const double scale = theta * nodes.rate[i] * D * JxW;
          for (unsigned int j = 0; j < n_dofs; ++j)
            cell_matrix(i, j) -= scale * nodes.dslope[j]
                                 * (phi[i] * n_grad[j] + phi[j] * n_grad[i]);
        }
    }


    template <int dim>
    void
    CrystallizationField<dim>::assemble(const Vector       &iterate,
                                        const Vector       &old,
                                        const double        dt,
                                        const RateSnapshot &before,
                                        const RateSnapshot &after)
    {
      TimerOutput::Scope scope(*timer, "assembly");
      jacobian              = 0;
      residual              = 0;
      const Vector current  = ghosted(iterate);
      const Vector previous = ghosted(old);
      // Vertex quadrature lumps the mass: each node's reaction acts on that
      // node alone, which keeps eta within [0, 1].
      const QGaussLobatto<dim> quadrature(2);
      FEValues<dim>            fe_values(fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const unsigned int n_q = quadrature.size(), n_dofs = fe.n_dofs_per_cell();
      // Crank-Nicolson: backward Euler's front-speed error (4 % at a
      // Courant number of 0.2) drops to second order.
      const double theta = 0.5;
      const double D     = front.diffusivity();

      std::vector<double>         values(n_q), old_values(n_q);
      std::vector<Tensor<1, dim>> gradients(n_q), old_gradients(n_q);
      // Curvature-free growth: the profile slope g(eta) at the nodes is
      // interpolated, so the counter term of a planar front integrates to
      // zero exactly, also on the discrete level.
      NodeData nodes;
      for (auto *v : {&nodes.rate,
                      &nodes.rate_old,
                      &nodes.slope,
                      &nodes.slope_old,
                      &nodes.dslope})
        v->resize(n_dofs);
      std::vector<double>   &rate = nodes.rate, &rate_old = nodes.rate_old;
      dealii::Vector<double> nodal(n_dofs), nodal_old(n_dofs);
      FullMatrix<double>     cell_matrix(n_dofs, n_dofs);
      dealii::Vector<double> cell_rhs(n_dofs);
      std::vector<types::global_dof_index> indices(n_dofs);
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(current, values);
          fe_values.get_function_values(previous, old_values);
          fe_values.get_function_gradients(current, gradients);
          fe_values.get_function_gradients(previous, old_gradients);
          if (curvature_free)
            {
              cell->get_dof_values(current, nodal);
              cell->get_dof_values(previous, nodal_old);
              for (unsigned int j = 0; j < n_dofs; ++j)
                {
                  nodes.slope[j]     = front.profile_slope(nodal[j]);
                  nodes.slope_old[j] = front.profile_slope(nodal_old[j]);
                  nodes.dslope[j]    = front.profile_slope_derivative(nodal[j]);
                }
            }
          // The mobility U/l of the glass at each node (the dofs of Q1 are
          // the vertices); zero in a crystal layer. It multiplies the whole
          // right-hand side of node i, d eta_i/dt = (U/l)_i (D lap eta +
          // f(eta))_i, so crystal-layer nodes never change: crystals of the
          // glass cannot grow into the layer, not even by the diffusion term.
          for (unsigned int i = 0; i < n_dofs; ++i)
            {
              const double z = cell->vertex(i)[dim - 1];
              rate[i]        = local_rates(after, z).growth / front.width;
              rate_old[i]    = local_rates(before, z).growth / front.width;
            }
          cell_matrix = 0;
          cell_rhs    = 0;
          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              const double e   = values[q];
              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  const double         phi_i  = fe_values.shape_value(i, q);
                  const Tensor<1, dim> grad_i = fe_values.shape_grad(i, q);
                  const double         source = (e - old_values[q]) / dt
                                        - theta * rate[i] * front.reaction(e)
                                        - (1 - theta) * rate_old[i]
                                            * front.reaction(old_values[q]);
                  const double dsource
                    = 1. / dt - theta * rate[i] * front.reaction_derivative(e);
                  const Tensor<1, dim> flux
                    = D
                      * (theta * rate[i] * gradients[q]
                         + (1 - theta) * rate_old[i] * old_gradients[q]);
                  cell_rhs(i) -= (source * phi_i + flux * grad_i) * JxW;
                  for (unsigned int j = 0; j < n_dofs; ++j)
                    cell_matrix(i, j)
                      += (dsource * fe_values.shape_value(j, q) * phi_i
                          + theta * rate[i] * D * fe_values.shape_grad(j, q)
                              * grad_i)
                         * JxW;
                }
              if (curvature_free)
                add_curvature_counter(fe_values,
                                      q,
                                      nodes,
                                      old_gradients[q],
                                      cell_matrix,
                                      cell_rhs);
            }
          cell->get_dof_indices(indices);
          constraints.distribute_local_to_global(cell_matrix,
                                                 cell_rhs,
                                                 indices,
                                                 jacobian,
                                                 residual);
        }
      jacobian.compress(VectorOperation::add);
      residual.compress(VectorOperation::add);
    }


    template <int dim>
    bool
    CrystallizationField<dim>::solve_step(const double dt)
    {
      // Both stay in the cache (three slots) during the Newton loop.
      const RateSnapshot &before  = rates_at(time);
      const RateSnapshot &after   = rates_at(time + dt);
      const Vector        old     = eta;
      Vector              iterate = eta;

      fem::NewtonSystem system;
      system.assemble = [&](const Vector &u, bool) {
        assemble(u, old, dt, before, after);
        return true;
      };
      step_linear_solves     = 0;
      step_linear_iterations = 0;
      system.solve           = [&](Vector &update) {
        TimerOutput::Scope scope(*timer, "linear solve");
        ++step_linear_solves;
        if (amg_solver)
          {
            update                    = 0;
            const unsigned int before = amg_solver->iterations();
            bool               solved = true;
            try
              {
                amg_solver->solve(jacobian, update, residual);
              }
            catch (const SolverError &)
              {
                solved = false; // the caller retries with half the step
              }
            step_linear_iterations += amg_solver->iterations() - before;
            linear_iterations += amg_solver->iterations() - before;
            if (solved)
              constraints.distribute(update);
            return solved;
          }
        // Inexact Newton: a residual cut by 1e-6 per iteration leaves
        // Newton its fast convergence.
        SolverControl control(500, 1e-6 * residual.l2_norm() + 1e-300);
        // Mass over dt dominates: Jacobi suffices and costs nothing to set
        // up.
        PETScWrappers::PreconditionJacobi preconditioner(jacobian);
        update = 0;
        // A mobility that varies from node to node (a composition history)
        // or the curvature counter term makes the Jacobian unsymmetric:
        // GMRES, else CG. A failed solve makes the caller retry with half
        // the step.
        try
          {
            if (residual.l2_norm() > 0 && (history || curvature_free))
              {
                PETScWrappers::SolverGMRES gmres(control);
                gmres.solve(jacobian, update, residual, preconditioner);
              }
            else if (residual.l2_norm() > 0)
              {
                PETScWrappers::SolverCG cg(control);
                cg.solve(jacobian, update, residual, preconditioner);
              }
          }
        catch (const SolverControl::NoConvergence &)
          {
            linear_iterations += control.last_step();
            return false;
          }
        linear_iterations += std::max(0, int(control.last_step()));
        step_linear_iterations += std::max(0, int(control.last_step()));
        constraints.distribute(update);
        return true;
      };
      system.change = [](const Vector &update) { return update.linfty_norm(); };
      fem::NewtonSettings settings;
      settings.tolerance           = newton_tolerance;
      settings.max_iterations      = 12;
      settings.estimate_error_left = false;
      settings.always_refresh      = true;
      const fem::NewtonOutcome outcome
        = fem::newton_solve(iterate, system, settings);
      newton_iterations += outcome.iterations;
      if (!outcome.converged)
        return false;
      // Round-off can leave eta a hair outside [0, 1].
      for (const auto i : owned_dofs)
        iterate[i] = std::clamp(double(iterate[i]), 0., 1.);
      iterate.compress(VectorOperation::insert);
      constraints.distribute(iterate);
      eta = iterate;
      return true;
    }


    template <int dim>
    bool
    CrystallizationField<dim>::adapt_mesh()
    {
      TimerOutput::Scope scope(*timer, "mesh adaptation");
      fem::flag_cells_by_gradient(dof_handler, ghosted(eta), {0}, mesh_prm);
      if (!fem::any_cell_flagged(triangulation))
        return false;
      transfer_and_refine();
      return true;
    }


    template <int dim>
    std::string
    CrystallizationField<dim>::title() const
    {
      return "crystallization field, " + std::to_string(dim) + "D";
    }


    template <int dim>
    std::string
    CrystallizationField<dim>::details() const
    {
      return "Temperature: " + temperature.describe() + "\n";
    }


    template <int dim>
    void
    CrystallizationField<dim>::prepare()
    {
      load_history();
      n_layers = rates_at(0).layers.size();
    }


    template <int dim>
    std::vector<fem::Table>
    CrystallizationField<dim>::tables() const
    {
      std::vector<std::string> layer_columns = {"step", "time_s", "T_K"};
      for (unsigned int k = 0; k < n_layers; ++k)
        layer_columns.push_back("layer_" + std::to_string(k)
                                + "_amorphous_fraction");
      layer_columns.push_back("crystal_layers_max_crystal_fraction");
      // Nuclei per volume and time, per interface area and time (per area
      // and per length in 2D, where the mesh is a section of the film).
      const std::string bulk      = dim == 3 ? "_per_m3_s" : "_per_m2_s";
      const std::string interface = dim == 3 ? "_per_m2_s" : "_per_m_s";
      return {{"time_series.csv",
               {"step",
                "time_s",
                "dt_s",
                "T_K",
                "crystal_fraction",
                "nuclei",
                "nucleation_rate" + bulk,
                "growth_rate_m_per_s",
                "dofs",
                "cells",
                "newton_iterations",
                "linear_iterations",
                "wall_time_s",
                "interface_nucleation_rate" + interface,
                "sharp_crystal_fraction",
                "linear_iterations_per_solve"}},
              {"nuclei.csv",
               {"step",
                "birth_time_s",
                "x_nm",
                "y_nm",
                "z_nm",
                "phantom",
                "site",
                "layer"}},
              {"layers.csv", layer_columns}};
    }


    template <int dim>
    void
    CrystallizationField<dim>::start_new_run()
    {
      fem::make_box_mesh(triangulation, mesh_prm);
      setup_dofs();
      eta.reinit(owned_dofs, comm);
      place_nuclei(grow_pending(record_nuclei(sample_initial_nuclei()), 0));
      crystal_fraction = integrate_fraction();
      sharp_fraction   = integrate_sharp_fraction();
      controller.set_target_times(target_times(temperature.breakpoints()));
    }


    template <int dim>
    double
    CrystallizationField<dim>::advance()
    {
      double dt = choose_time_step();
      while (!solve_step(dt))
        {
          dt *= 0.5;
          if (dt < time_prm.minimum_time_step)
            {
              char numbers[96];
              std::snprintf(numbers,
                            sizeof(numbers),
                            "(%g s) at t = %g s",
                            time_prm.minimum_time_step,
                            time);
              throw SolverError("crystallization field: Newton does not "
                                "converge even with dt below Time "
                                "stepping/Minimum time step "
                                + std::string(numbers));
            }
        }
      return dt;
    }


    template <int dim>
    void
    CrystallizationField<dim>::after_step()
    {
      auto nuclei = sample_nuclei(last_dt);
      for (const auto &n : sample_interface_nuclei(last_dt))
        nuclei.push_back(n);
      place_nuclei(grow_pending(record_nuclei(nuclei), last_dt));
      if (mesh_prm.adapt_every > 0 && step % mesh_prm.adapt_every == 0)
        adapt_mesh();
      crystal_fraction = integrate_fraction();
      sharp_fraction   = integrate_sharp_fraction();
    }


    template <int dim>
    bool
    CrystallizationField<dim>::finished() const
    {
      return time_prm.finished(time, step) || crystal_fraction >= stop_fraction;
    }


    template <int dim>
    void
    CrystallizationField<dim>::write_rows()
    {
      const double        T        = temperature.value(time);
      const RateSnapshot &snapshot = rates_at(time);
      double              I_max = 0, I_s_max = 0;
      for (const auto &r : snapshot.bins)
        I_max = std::max(I_max, r.bulk * std::pow(nm_per_m, dim));
      for (const auto &plane : snapshot.planes)
        I_s_max = std::max(I_s_max,
                           snapshot.bins[plane.glass_bin]
                               .interface * std::pow(nm_per_m, dim - 1));
      table(0).add_row({double(step),
                        time,
                        last_dt,
                        T,
                        crystal_fraction,
                        double(n_nuclei),
                        I_max,
                        fastest_growth(time) / nm_per_m,
                        double(dof_handler.n_dofs()),
                        double(triangulation.n_global_active_cells()),
                        double(newton_iterations),
                        double(linear_iterations),
                        clock.elapsed_seconds(),
                        I_s_max,
                        sharp_fraction,
                        step_linear_solves > 0
                          ? double(step_linear_iterations) / step_linear_solves
                          : 0.});
      std::vector<double> row = {double(step), time, T};
      for (const double v : layer_state())
        row.push_back(v);
      table(2).add_row(row);
    }


    template <int dim>
    std::string
    CrystallizationField<dim>::progress_details() const
    {
      char text[96];
      std::snprintf(text,
                    sizeof(text),
                    "T %6.1f K  crystal %7.4f  nuclei %6u",
                    temperature.value(time),
                    crystal_fraction,
                    n_nuclei);
      return text;
    }


    template <int dim>
    void
    CrystallizationField<dim>::write_fields()
    {
      TimerOutput::Scope scope(*timer, "output");
      const Vector       current = ghosted(eta);
      DataOut<dim>       data_out;
      data_out.attach_dof_handler(dof_handler);
      data_out.add_data_vector(current, "crystal_fraction");
      dealii::Vector<float> ranks(triangulation.n_active_cells());
      ranks = Utilities::MPI::this_mpi_process(comm);
      data_out.add_data_vector(ranks, "subdomain");
      data_out.build_patches();
      fields.write(data_out, time);
    }


    template <int dim>
    void
    CrystallizationField<dim>::save_entries(fem::CheckpointState &state) const
    {
      state.set("nuclei", double(n_nuclei));
      state.set("phantoms", double(n_phantoms));
      state.set("interface nuclei", double(n_interface_nuclei));
      state.set("interface drawn", double(n_interface_drawn));
      state.set("expected interface", expected_interface);
      state.set("expected bulk", expected_bulk);
      state.set("expected interface density", expected_interface_density);
      state.set("newton iterations", double(newton_iterations));
      state.set("linear iterations", double(linear_iterations));
      state.set("pending nuclei", serialize_pending());
    }


    template <int dim>
    void
    CrystallizationField<dim>::write_checkpoint_data(
      const fem::CheckpointState &state) const
    {
      const Vector current = ghosted(eta);
      fem::save_checkpoint(output_prm.directory,
                           dof_handler,
                           {&current},
                           state);
    }


    template <int dim>
    fem::CheckpointState
    CrystallizationField<dim>::read_checkpoint_data()
    {
      fem::make_box_mesh(triangulation, mesh_prm, false);
      const fem::CheckpointState state
        = fem::load_checkpoint_mesh(output_prm.directory,
                                    triangulation,
                                    checkpoint_name);
      setup_dofs();
      eta.reinit(owned_dofs, comm);
      fem::load_checkpoint_vectors(output_prm.directory,
                                   dof_handler,
                                   std::vector<Vector *>{&eta});
      return state;
    }


    template <int dim>
    void
    CrystallizationField<dim>::load_entries(const fem::CheckpointState &state)
    {
      const auto count = [&](const std::string &key) {
        return static_cast<unsigned int>(state.get_double(key));
      };
      n_nuclei           = count("nuclei");
      n_phantoms         = count("phantoms");
      n_interface_nuclei = count("interface nuclei");
      n_interface_drawn  = count("interface drawn");
      expected_interface = state.get_double("expected interface");
      expected_bulk      = state.get_double("expected bulk");
      expected_interface_density
        = state.get_double("expected interface density");
      newton_iterations = count("newton iterations");
      linear_iterations = count("linear iterations");
      deserialize_pending(state.get_string("pending nuclei"));
      crystal_fraction = integrate_fraction();
      sharp_fraction   = integrate_sharp_fraction();
      controller.set_target_times(target_times(temperature.breakpoints()));
    }


    template <int dim>
    std::string
    CrystallizationField<dim>::summary() const
    {
      std::ostringstream out;
      out << "Crystallization field at T = " << temperature.value(time)
          << " K:\n"
          << "  crystallized fraction " << crystal_fraction
          << " (volume where eta > 1/2: " << sharp_fraction << ")"
          << ", remaining amorphous " << 1 - crystal_fraction << "\n"
          << "  nuclei placed " << n_nuclei << " (and " << n_phantoms
          << " that fell inside crystals, " << pending.size()
          << " not yet grown to the nucleus radius)\n"
          << "  started in the bulk: " << n_nuclei - n_interface_nuclei
          << " placed (Poisson mean " << expected_bulk
          << "); at interfaces: " << n_interface_nuclei << " placed, "
          << n_interface_drawn << " drawn (Poisson mean " << expected_interface
          << ")\n";
      if (from_kinetics_file && history)
        out << "  interface nuclei expected per um^2 of one interface "
               "(I_s integrated over the run): "
            << expected_interface_density * 1e-12 << "\n";
      const std::vector<double> layers = layer_state();
      for (unsigned int k = 0; k < n_layers; ++k)
        {
          const auto &s = rates_at(time);
          out << "  glass layer " << k;
          if (k < s.layers.size())
            out << " (z " << s.layers[k].lower << " - " << s.layers[k].upper
                << " nm)";
          out << ": amorphous fraction " << layers[k] << "\n";
        }
      return out.str();
    }


    template <int dim>
    double
    CrystallizationField<dim>::jacobian_error(const double dt,
                                              const double perturbation)
    {
      make_timer();
      prepare();
      output_prm.make_directory(comm);
      open_tables(false);
      start_new_run();
      // A crystal in the middle: its front makes the equations nonlinear.
      Nucleus<dim> crystal;
      for (int d = 0; d < dim; ++d)
        crystal.centre[d] = 0.5 * mesh_prm.domain_size[d];
      crystal.radius = 2 * nucleus_radius;
      place_nuclei({crystal});
      const RateSnapshot &before = rates_at(time);
      const RateSnapshot &after  = rates_at(time + dt);
      const Vector        old    = eta;
      // About a perturbed front: eta stays in (0, 1) where it is not 0.
      Vector u = eta;
      for (const auto i : owned_dofs)
        u[i]
          = std::clamp(u[i] * (1 + perturbation * std::sin(1.0 * i)), 0., 1.);
      u.compress(VectorOperation::insert);
      constraints.distribute(u);
      return fem::jacobian_error(
        u,
        [&](const Vector &state, bool) {
          assemble(state, old, dt, before, after);
        },
        jacobian,
        residual,
        constraints);
    }


    template <int dim>
    std::string
    CrystallizationField<dim>::result_files() const
    {
      return "time_series.csv, nuclei.csv, layers.csv, "
             + this->fields.index_file() + ", checkpoint/";
    }


    template class CrystallizationField<2>;
    template class CrystallizationField<3>;
  } // namespace models
} // namespace vitrum
