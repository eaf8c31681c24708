#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>

#include <deal.II/numerics/data_postprocessor.h>
#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>
#include <vitrum/base/text.h>
#include <vitrum/models/composition_fields.h>
#include <vitrum/models/deposition.h>
#include <vitrum/models/fraction_nodes.h>
#include <vitrum/models/laminate.h>
#include <vitrum/thermo/solution_phase.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    namespace
    {
      /// m -> nm and m^2 -> nm^2: lengths are in nm inside the model.
      constexpr double nm_per_m   = 1e9;
      constexpr double nm2_per_m2 = 1e18;


      thermo::Material
      read_glass_material(ParameterHandler &prm)
      {
        prm.enter_subsection("Deposition");
        const std::string file = prm.get("Material file");
        prm.leave_subsection();
        thermo::Material material
          = thermo::Material::read(base::resolve_data_path(file));
        if (material.n_components() < 2)
          throw InputError("Deposition/Material file: '" + file
                           + "' lists fewer than two elements");
        return material;
      }


    } // namespace


    void
    declare_deposition_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Deposition");
      prm.declare_entry("Material file",
                        "parameter_files/materials/ZrCuO-glass.prm",
                        Patterns::FileName(),
                        "Thermodynamic and mobility data of the glass "
                        "(format in the README; a glass-only file, Phases = "
                        "glass, or a crystal/glass one whose glass is used). "
                        "A relative path is looked up in the working "
                        "directory, then in vitrum's data folder.");
      prm.declare_entry("Layers",
                        "",
                        Patterns::Anything(),
                        "What arrives, from the substrate up: '<thickness> "
                        "at <rate> with <composition>' separated by ';', "
                        "e.g. '500 nm at 1.2 nm/s with Cu: 48.5, Zr: 48.5, "
                        "O: 3'. Rates in nm/s (plain number), nm/min, nm/h. "
                        "Required.");
      prm.declare_entry("Layer thickness",
                        "0.25",
                        base::QuantityPattern(base::nanometres(), 0.01, 10),
                        "Thickness (nm, or with a unit) of one layer of "
                        "cells: the film grows by one layer at a time. "
                        "NUMERICAL; about one atomic layer (0.25 nm) or "
                        "less. Every stretch of Layers must be a whole "
                        "number of layers.");
      prm.declare_entry("Minimum fraction",
                        "0.01",
                        Patterns::Double(1e-8, 1),
                        "Floor (at.%) for elements absent from a stretch of "
                        "Layers: the entropy of mixing needs every fraction "
                        "> 0.");
      prm.declare_entry("Composition noise",
                        "0",
                        Patterns::Double(0, 5),
                        "Amplitude (at.%) of a uniform random deviation of "
                        "each arriving node's composition from the "
                        "schedule's (the shot noise of the deposition, "
                        "which seeds lateral structure in 2D and 3D); a "
                        "function of the node's position and the seed, so "
                        "that any number of ranks deposits the same film.");
      prm.declare_entry("Random seed",
                        "1",
                        Patterns::Integer(0),
                        "Seed of the composition noise.");
      prm.leave_subsection();
    }


    template <int dim>
    Deposition<dim>::Deposition(ParameterHandler &prm, MPI_Comm comm)
        : Base(prm, comm, "deposition")
        , material(read_glass_material(prm))
        , n_independent(material.n_components() - 1)
        , temperature(
            base::Schedule::constant(300, base::Quantity::temperature()))
    {
      this->set_finite_element(FE_Q<dim>(1), 2 * n_independent);
      prm.enter_subsection("Deposition");
      const std::string where = "Deposition/";
      schedule                = DepositionSchedule::parse(prm.get("Layers"),
                                           where + "Layers",
                                           material);
      layer_thickness
        = base::get_quantity(prm, "Layer thickness", base::nanometres(), where);
      const double floor = prm.get_double("Minimum fraction") / 100;
      for (auto &segment : schedule.segments)
        apply_composition_floor(segment.composition, floor);
      composition_noise = prm.get_double("Composition noise") / 100;
      noise_seed        = prm.get_integer("Random seed");
      if (!material.surface.given)
        throw InputError(where + "Material file: '" + material.name
                         + "' has no subsection Surface (Energy, "
                           "Diffusivity, Layer thickness), which the "
                           "deposition model needs");
      surface_thickness   = material.surface.layer_thickness * nm_per_m;
      surface_diffusivity = material.surface.diffusivity;
      surface_energy      = material.surface.energy;
      prm.leave_subsection();
      prm.enter_subsection("Temperature");
      temperature = base::Schedule::parse(prm.get("Schedule"),
                                          base::Quantity::temperature());
      prm.leave_subsection();

      // The mesh: uniform layers along the growth axis, periodic laterally.
      double bottom = 0;
      for (const auto &s : schedule.segments)
        {
          const double layers = s.thickness / layer_thickness;
          if (std::abs(layers - std::round(layers)) > 1e-6 * layers)
            throw InputError(where + "Layers: the stretch from "
                             + base::format_number(bottom) + " nm is "
                             + base::format_number(s.thickness)
                             + " nm thick, not a whole number of Layer "
                               "thickness = "
                             + base::format_number(layer_thickness) + " nm");
          total_layers += static_cast<unsigned int>(std::round(layers));
          bottom += s.thickness;
        }
      if (total_layers < 2)
        throw InputError(where
                         + "Layers: the film must be at least two "
                           "layers (Layer thickness) thick");
      if (mesh_prm.polynomial_degree != 1)
        throw InputError("Mesh/Polynomial degree: the deposition model uses "
                         "linear elements (1)");
      if (mesh_prm.minimum_level != 0 || mesh_prm.maximum_level != 0)
        throw InputError("Mesh/Minimum and Maximum refinement level must be "
                         "0 for Model = deposition: the film grows by whole "
                         "layers of a uniform mesh (set Deposition/Layer "
                         "thickness instead)");
      if (dim > 1 && !mesh_prm.periodic)
        throw InputError("Mesh/Periodic must be true for Model = deposition "
                         "(the film is periodic laterally)");
      mesh_prm.domain_size[dim - 1]     = schedule.total_thickness();
      mesh_prm.coarse_cells[dim - 1]    = total_layers;
      mesh_prm.periodic_along_last_axis = false;
      mesh_prm.adapt_every              = 0;
      mesh_prm.initial_adaptation       = 0;
    }


    template <int dim>
    std::string
    Deposition<dim>::title() const
    {
      return "deposition, " + material.name + ", " + std::to_string(dim) + "D, "
             + base::format_number(schedule.total_thickness()) + " nm film";
    }


    template <int dim>
    std::string
    Deposition<dim>::details() const
    {
      return "Temperature: " + temperature.describe() + "\n" + "Deposition: "
             + schedule.describe(material.elements) + "\n" + "Surface layer "
             + base::format_number(surface_thickness) + " nm, D_s = "
             + base::format_number(surface_diffusivity) + " m^2/s; layers of "
             + base::format_number(layer_thickness) + " nm\n";
    }


    template <int dim>
    std::vector<fem::Table>
    Deposition<dim>::tables() const
    {
      std::vector<std::string> columns = {"step",
                                          "time_s",
                                          "dt_s",
                                          "T_K",
                                          "film_thickness_nm",
                                          "free_energy_J_per_mol"};
      for (const auto &c : Base::solver_columns())
        columns.push_back(c);
      for (const auto &e : material.elements)
        columns.push_back("mean_" + e + "_at%");
      columns.push_back("mass_balance_error_fraction");

      std::vector<std::string> layer_columns = {"step",
                                                "time_s",
                                                "film_thickness_nm",
                                                "window_bottom_nm",
                                                "window_top_nm"};
      for (const auto &e : material.elements)
        layer_columns.push_back("period_" + e + "_nm");
      for (const auto &e : material.elements)
        layer_columns.push_back("contrast_" + e + "_at%");
      layer_columns.push_back("correlation_length_nm");
      return {{"time_series.csv", columns}, {"layers.csv", layer_columns}};
    }


    template <int dim>
    double
    Deposition<dim>::lateral_area() const
    {
      double area = 1;
      for (int d = 0; d + 1 < dim; ++d)
        area *= mesh_prm.domain_size[d];
      return area;
    }


    template <int dim>
    void
    Deposition<dim>::after_setup_dofs()
    {
      std::vector<double> unit(fe->n_components(), 0.0);
      for (unsigned int a = 0; a < n_independent; ++a)
        unit[a] = 1;
      fraction_mask.reinit(owned_dofs, comm);
      VectorTools::interpolate(dof_handler,
                               Functions::ConstantFunction<dim>(unit),
                               fraction_mask);
      component_masks.resize(n_independent);
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          std::vector<double> only(fe->n_components(), 0.0);
          only[a] = 1;
          component_masks[a].reinit(owned_dofs, comm);
          VectorTools::interpolate(dof_handler,
                                   Functions::ConstantFunction<dim>(only),
                                   component_masks[a]);
        }
      update_film_mask();
    }


    template <int dim>
    void
    Deposition<dim>::update_film_mask()
    {
      // The fractions of the film's nodes: nodes above the surface are not
      // unknowns of the physics and must not dilute the time error.
      std::map<types::global_dof_index, Point<dim>> points;
      DoFTools::map_dofs_to_support_points(MappingQ1<dim>(),
                                           dof_handler,
                                           points);
      const double top  = film_height() + 1e-6 * layer_thickness;
      Vector      &mask = this->time_error_mask;
      mask              = 0;
      for (const auto &[dof, point] : points)
        if (owned_dofs.is_element(dof) && fraction_mask(dof) > 0.5
            && point[dim - 1] <= top)
          mask(dof) = 1;
      mask.compress(VectorOperation::insert);
      this->recount_time_error_unknowns();
    }


    template <int dim>
    void
    Deposition<dim>::initial_state(Vector &state) const
    {
      // Every node holds the composition that arrives at its height (the
      // film's nodes now, the others until the surface reaches them) and
      // the potentials of that composition.
      const unsigned int K = material.n_components(), n = n_independent;
      const double       T = temperature.value(0);
      std::map<types::global_dof_index, Point<dim>> points;
      DoFTools::map_dofs_to_support_points(MappingQ1<dim>(),
                                           dof_handler,
                                           points);
      std::vector<double> g(K), w(n);
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          std::vector<types::global_dof_index> dofs(fe->n_dofs_per_cell());
          cell->get_dof_indices(dofs);
          for (unsigned int v = 0; v < GeometryInfo<dim>::vertices_per_cell;
               ++v)
            {
              const auto x = arriving_composition(cell->vertex(v));
              material.glass.gradient(x.data(), T, g.data());
              thermo::diffusion_potentials(g.data(), K, w.data());
              for (unsigned int a = 0; a < n; ++a)
                {
                  const auto xa = dofs[fe->component_to_system_index(a, v)];
                  const auto wa = dofs[fe->component_to_system_index(n + a, v)];
                  if (owned_dofs.is_element(xa))
                    state(xa) = x[a];
                  if (owned_dofs.is_element(wa))
                    state(wa) = w[a] / energy_scale;
                }
            }
        }
      state.compress(VectorOperation::insert);
    }


    template <int dim>
    std::vector<double>
    Deposition<dim>::arriving_composition(const Point<dim> &p) const
    {
      std::vector<double> x = schedule.composition_at_height(p[dim - 1]);
      if (composition_noise == 0)
        return x;
      // Noise from the node's position: the same on any partition.
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          const double e = composition_noise * hashed_noise(p, a, noise_seed);
          x[a] += e;
          x[n_independent] -= e;
        }
      return x;
    }


    template <int dim>
    std::vector<unsigned int>
    Deposition<dim>::refinement_components() const
    {
      return consecutive_components(0, n_independent);
    }


    template <int dim>
    Table<2, DoFTools::Coupling>
    Deposition<dim>::coupling() const
    {
      // As assemble() writes them, between neighbouring nodes: a fraction's
      // row holds everything (the flux), a potential's row its own fraction
      // (gradient energy).
      const unsigned int           n = n_independent;
      Table<2, DoFTools::Coupling> table(2 * n, 2 * n);
      table.fill(DoFTools::none);
      for (unsigned int a = 0; a < n; ++a)
        {
          for (unsigned int c = 0; c < 2 * n; ++c)
            table(a, c) = DoFTools::always;
          table(n + a, a) = DoFTools::always;
        }
      return table;
    }


    template <int dim>
    Table<2, bool>
    Deposition<dim>::node_coupling() const
    {
      // Integrated at the nodes: a potential's row holds all fractions (the
      // Hessian) and itself.
      const unsigned int n = n_independent;
      Table<2, bool>     table(2 * n, 2 * n);
      table.fill(false);
      for (unsigned int a = 0; a < n; ++a)
        {
          for (unsigned int b = 0; b < n; ++b)
            table(n + a, b) = true;
          table(n + a, n + a) = true;
        }
      return table;
    }


    template <int dim>
    void
    Deposition<dim>::start_new_run()
    {
      active_layers = 1;
      Base::start_new_run();
      // The first layer is there at t = 0: what it holds was deposited.
      deposited = current.amount;
    }


    template <int dim>
    unsigned int
    Deposition<dim>::layers_arrived_by(const double t) const
    {
      unsigned int layers = 1;
      while (layers < total_layers
             && schedule.time_at_height(layers * layer_thickness)
                  <= t * (1 + 1e-12) + 1e-12)
        ++layers;
      return layers;
    }


    template <int dim>
    std::vector<double>
    Deposition<dim>::extra_target_times() const
    {
      std::vector<double> times = temperature.breakpoints();
      for (unsigned int k = 1; k < total_layers; ++k)
        times.push_back(schedule.time_at_height(k * layer_thickness));
      return times;
    }


    template <int dim>
    void
    Deposition<dim>::after_step()
    {
      Base::after_step();
      // The first step after an arrival meets the new layer's transient:
      // remember the step that passed it, and start the next arrival's
      // first step there instead of at the size the relaxation grew to
      // (which the error test would reject).
      if (step_after_arrival)
        first_step_after_arrival = last_dt;
      step_after_arrival         = false;
      const unsigned int arrived = layers_arrived_by(time);
      if (arrived == active_layers)
        return;
      while (active_layers < arrived)
        add_layer();
      update_film_mask();
      this->reobserve_current_state();
      step_after_arrival = true;
      if (first_step_after_arrival > 0)
        this->controller.set_proposed_step(
          std::min(this->controller.proposed_step(),
                   1.5 * first_step_after_arrival));
    }


    template <int dim>
    void
    Deposition<dim>::add_layer()
    {
      const unsigned int K = material.n_components(), n = n_independent;
      const double       h     = film_height();
      const unsigned int above = 1u << (dim - 1); // vertex v + above: on top
      // Lateral area of one node (the lateral grid is uniform and periodic).
      double node_area = 1;
      for (int d = 0; d + 1 < dim; ++d)
        node_area *= mesh_prm.domain_size[d] / mesh_prm.coarse_cells[d];
      std::vector<double>                  arriving(K, 0.0);
      std::vector<types::global_dof_index> dofs(fe->n_dofs_per_cell());
      for (unsigned int s = 0; s < states.size(); ++s)
        {
          Vector      &state = states[s];
          const Vector old   = this->ghosted(state);
          for (const auto &cell : dof_handler.active_cell_iterators())
            {
              if (cell->is_artificial()
                  || std::abs(cell->center()[dim - 1]
                              - (h + 0.5 * layer_thickness))
                       > 0.25 * layer_thickness)
                continue;
              cell->get_dof_indices(dofs);
              for (unsigned int v = 0; v < above; ++v)
                {
                  const auto x_new = arriving_composition(cell->vertex(v));
                  for (unsigned int c = 0; c < 2 * n; ++c)
                    {
                      const auto bottom
                        = dofs[fe->component_to_system_index(c, v)];
                      const auto top
                        = dofs[fe->component_to_system_index(c, v + above)];
                      if (owned_dofs.is_element(top))
                        state(top) = old(bottom);
                      if (c < n && owned_dofs.is_element(bottom))
                        state(bottom) = x_new[c];
                    }
                  // What arrives, counted once per independent node.
                  const auto first = dofs[fe->component_to_system_index(0, v)];
                  if (s == 0 && owned_dofs.is_element(first)
                      && !constraints.is_constrained(first)
                      && !counted.count(first))
                    {
                      counted.insert(first);
                      for (unsigned int k = 0; k < K; ++k)
                        arriving[k] += x_new[k];
                    }
                }
            }
          state.compress(VectorOperation::insert);
          constraints.distribute(state);
        }
      counted.clear();
      Utilities::MPI::sum(arriving, comm, arriving);
      for (unsigned int k = 0; k < K; ++k)
        deposited[k] += arriving[k] * layer_thickness * node_area;
      ++active_layers;
    }


    template <int dim>
    void
    Deposition<dim>::assemble(const Vector &iterate,
                              const Vector &history_term,
                              const double  a0,
                              const double  dt,
                              const double  t,
                              const bool    with_matrix)
    {
      TimerOutput::Scope scope(*timer, "assembly");
      const double       T = temperature.value(t);
      if (with_matrix)
        this->jacobian = 0;
      this->residual = 0;

      const unsigned int K = material.n_components(), n = n_independent;
      const double       Vm         = material.molar_volume;
      const double       flux_scale = dt * nm2_per_m2 * energy_scale;
      const double       kappa_x = Vm * material.gradient_energy * nm2_per_m2;
      // Surface term of w_a: V_m (gamma_a - gamma_K) / E0, in nm.
      std::vector<double> surface_term(n);
      for (unsigned int a = 0; a < n; ++a)
        surface_term[a] = Vm * nm_per_m
                          * (surface_energy[a] - surface_energy[n])
                          / energy_scale;
      const std::vector<double> M_bulk = material.glass_mobilities(T);
      const std::vector<double> M_surface(K,
                                          surface_diffusivity
                                            / (thermo::gas_constant * T));

      const Vector state = this->ghosted(iterate);
      // Vertex quadrature, as in the partitioning model: a lumped mass
      // matrix (exact conservation of each layer's arrival) and the
      // thermodynamics at the nodes.
      const QGaussLobatto<dim> quadrature(2);
      const QGauss<dim - 1>    face_quadrature(2);
      FEValues<dim>            fe_values(*fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      FEFaceValues<dim>        fe_face(*fe,
                                face_quadrature,
                                update_values | update_JxW_values);
      const unsigned int       n_q = quadrature.size(),
                         n_dofs    = fe->n_dofs_per_cell(),
                         n_c       = fe->n_components();

      std::vector<dealii::Vector<double>>      values(n_q,
                                                 dealii::Vector<double>(n_c));
      std::vector<dealii::Vector<double>>      history(n_q,
                                                  dealii::Vector<double>(n_c));
      std::vector<std::vector<Tensor<1, dim>>> gradients(
        n_q,
        std::vector<Tensor<1, dim>>(n_c));
      std::vector<unsigned int> component(n_dofs), node(n_dofs);
      for (unsigned int i = 0; i < n_dofs; ++i)
        {
          component[i] = fe->system_to_component_index(i).first;
          node[i]      = fe->system_to_component_index(i).second;
        }

      std::vector<double>         x(K), g(K), H(K * K), dG(n), Hr(n * n);
      std::vector<double>         L(n * n), dL_dx(n * n * n);
      std::vector<Tensor<1, dim>> flux(n), dflux_dx(n * n);
      FullMatrix<double>          cell_matrix(n_dofs, n_dofs);
      dealii::Vector<double>      cell_rhs(n_dofs);
      std::vector<types::global_dof_index> dof_indices(n_dofs);
      const double                         top = film_height();
      const double node_h                      = top + 1e-6 * layer_thickness;

      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(state, values);
          fe_values.get_function_values(history_term, history);
          cell_matrix = 0;
          cell_rhs    = 0;
          cell->get_dof_indices(dof_indices);

          if (!in_film(cell))
            {
              // Nodes above the surface keep what is to arrive (dx/dt = 0,
              // w = 0); nodes of the surface belong to the film's cells.
              for (unsigned int q = 0; q < n_q; ++q)
                for (unsigned int i = 0; i < n_dofs; ++i)
                  {
                    const double v = fe_values.shape_value(i, q);
                    if (v == 0 || cell->vertex(node[i])[dim - 1] <= node_h)
                      continue;
                    const unsigned int ci  = component[i];
                    const double       JxW = fe_values.JxW(q);
                    const double       r   = ci < n
                                               ? a0 * values[q][ci] + history[q][ci]
                                               : values[q][ci];
                    cell_rhs(i) -= v * r * JxW;
                    cell_matrix(i, i) += v * v * (ci < n ? a0 : 1.0) * JxW;
                  }
              this->add_cell_contribution(cell_matrix,
                                          cell_rhs,
                                          dof_indices,
                                          with_matrix);
              continue;
            }

          fe_values.get_function_gradients(state, gradients);
          const bool in_surface_layer
            = top - cell->center()[dim - 1] < surface_thickness;
          const std::vector<double> &M = in_surface_layer ? M_surface : M_bulk;
          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              double       sum = 0;
              for (unsigned int a = 0; a < n; ++a)
                {
                  x[a] = values[q][a];
                  sum += x[a];
                }
              x[n] = 1 - sum;
              material.glass.gradient(x.data(), T, g.data());
              thermo::diffusion_potentials(g.data(), K, dG.data());
              material.glass.hessian(x.data(), T, H.data());
              thermo::reduced_hessian(H.data(), K, Hr.data());
              thermo::onsager_mobility(x.data(), M.data(), K, L.data());
              thermo::onsager_mobility_derivative(x.data(),
                                                  M.data(),
                                                  K,
                                                  dL_dx.data());
              for (unsigned int a = 0; a < n; ++a)
                {
                  flux[a] = 0;
                  for (unsigned int b = 0; b < n; ++b)
                    flux[a] += flux_scale * L[a * n + b] * gradients[q][n + b];
                  for (unsigned int m = 0; m < n; ++m)
                    {
                      Tensor<1, dim> d;
                      for (unsigned int b = 0; b < n; ++b)
                        d += dL_dx[(m * n + a) * n + b] * gradients[q][n + b];
                      dflux_dx[a * n + m] = flux_scale * d;
                    }
                }

              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  const unsigned int ci = component[i];
                  const double       v  = fe_values.shape_value(i, q);
                  const auto        &gv = fe_values.shape_grad(i, q);
                  double             r;
                  if (ci < n)
                    r = v * (a0 * values[q][ci] + history[q][ci])
                        + flux[ci] * gv;
                  else
                    {
                      const unsigned int a = ci - n;
                      r = v * (values[q][ci] - dG[a] / energy_scale)
                          - kappa_x / energy_scale * (gradients[q][a] * gv);
                    }
                  cell_rhs(i) -= r * JxW;
                  if (!with_matrix)
                    continue;
                  for (unsigned int j = 0; j < n_dofs; ++j)
                    {
                      const unsigned int cj    = component[j];
                      const double       u     = fe_values.shape_value(j, q);
                      const auto        &gu    = fe_values.shape_grad(j, q);
                      double             value = 0;
                      if (ci < n)
                        {
                          if (cj < n)
                            value = (ci == cj ? a0 * v * u : 0.0)
                                    + u * (dflux_dx[ci * n + cj] * gv);
                          else
                            value
                              = flux_scale * L[ci * n + (cj - n)] * (gu * gv);
                        }
                      else
                        {
                          const unsigned int a = ci - n;
                          if (cj < n)
                            value
                              = -Hr[a * n + cj] / energy_scale * v * u
                                - (a == cj ? kappa_x / energy_scale * (gu * gv)
                                           : 0.0);
                          else
                            value = (cj - n == a) ? v * u : 0.0;
                        }
                      cell_matrix(i, j) += value * JxW;
                    }
                }
            }

          // The free surface: the top face of a film cell at the height of
          // the film.
          if (at_surface(cell))
            {
              fe_face.reinit(cell, surface_face);
              for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                for (unsigned int i = 0; i < n_dofs; ++i)
                  if (component[i] >= n)
                    cell_rhs(i) += surface_term[component[i] - n]
                                   * fe_face.shape_value(i, q) * fe_face.JxW(q);
            }
          this->add_cell_contribution(cell_matrix,
                                      cell_rhs,
                                      dof_indices,
                                      with_matrix);
        }
      this->finish_assembly(with_matrix);
    }


    template <int dim>
    double
    Deposition<dim>::limit_update(const Vector &iterate,
                                  Vector       &update,
                                  double       *removed) const
    {
      // As in the partitioning model: node by node, no fraction loses more
      // than 90 % of what it has in one update.
      double       largest_removed = 0;
      const double smallest        = limit_fraction_updates(dof_handler,
                                                     owned_dofs,
                                                     n_independent,
                                                     this->ghosted(iterate),
                                                     constraints,
                                                     update,
                                                     largest_removed);
      if (removed)
        *removed = largest_removed;
      return smallest;
    }


    template <int dim>
    void
    Deposition<dim>::restore_conserved(Vector &state) const
    {
      // A limited Newton update changes the amounts a little. As in the
      // partitioning model, the difference is put back on the film's nodes
      // in proportion to x_a x_K there, so that no fraction near zero is
      // pushed below it.
      Vector weight(owned_dofs, comm);
      fraction_weights(dof_handler,
                       owned_dofs,
                       n_independent,
                       this->ghosted(state),
                       weight);
      weight.compress(VectorOperation::insert);
      // Only on the film (the mask of the active layers).
      weight.scale(this->time_error_mask);
      constraints.distribute(weight);
      const double      T         = temperature.value(time);
      const Observables o         = integrate(state, T);
      const Observables available = integrate(weight, T);
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          const double missing = deposited[a] - o.amount[a];
          Vector       on_film = this->time_error_mask;
          on_film.scale(component_masks[a]);
          if (available.amount[a] > 1e-12 * o.film_volume)
            {
              on_film.scale(weight);
              state.add(missing / available.amount[a], on_film);
            }
          else
            state.add(missing / o.film_volume, on_film);
        }
    }


    template <int dim>
    double
    Deposition<dim>::mass_balance_error(const unsigned int k) const
    {
      double total = 0;
      for (const double d : deposited)
        total += d;
      return std::abs(current.amount[k] - deposited[k]) / total;
    }


    template <int dim>
    double
    Deposition<dim>::newton_change(const Vector &update) const
    {
      Vector change = update;
      change.scale(fraction_mask);
      return change.linfty_norm();
    }


    template <int dim>
    typename Deposition<dim>::Observables
    Deposition<dim>::integrate(const Vector &state, const double T) const
    {
      TimerOutput::Scope       scope(*timer, "integrals");
      const Vector             u = this->ghosted(state);
      const unsigned int       K = material.n_components(), n = n_independent;
      const QGaussLobatto<dim> quadrature(2);
      const QGauss<dim - 1>    face_quadrature(2);
      FEValues<dim>            fe_values(*fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      FEFaceValues<dim>        fe_face(*fe,
                                face_quadrature,
                                update_values | update_JxW_values);
      const unsigned int n_q = quadrature.size(), n_c = fe->n_components();
      std::vector<dealii::Vector<double>> values(n_q,
                                                 dealii::Vector<double>(n_c));
      std::vector<dealii::Vector<double>> face_values(face_quadrature.size(),
                                                      dealii::Vector<double>(
                                                        n_c));
      std::vector<std::vector<Tensor<1, dim>>> gradients(
        n_q,
        std::vector<Tensor<1, dim>>(n_c));
      const double        Vm      = material.molar_volume;
      const double        kappa_x = Vm * material.gradient_energy * nm2_per_m2;
      std::vector<double> x(K);

      Observables o;
      o.amount.assign(K, 0);
      double energy = 0;
      for (const auto &cell : fem::locally_owned_cells(dof_handler))
        {
          if (!in_film(cell))
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(u, values);
          fe_values.get_function_gradients(u, gradients);
          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              double       sum = 0, gradient_terms = 0;
              for (unsigned int a = 0; a < n; ++a)
                {
                  x[a] = values[q][a];
                  sum += x[a];
                  gradient_terms
                    += 0.5 * kappa_x * gradients[q][a].norm_square();
                }
              x[n] = 1 - sum;
              energy
                += (material.glass.gibbs_energy(x.data(), T) + gradient_terms)
                   * JxW;
              for (unsigned int k = 0; k < K; ++k)
                o.amount[k] += x[k] * JxW;
              o.film_volume += JxW;
            }
          if (at_surface(cell))
            {
              fe_face.reinit(cell, surface_face);
              fe_face.get_function_values(u, face_values);
              for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                {
                  double gamma = 0, rest = 1;
                  for (unsigned int a = 0; a < n; ++a)
                    {
                      gamma += surface_energy[a] * face_values[q][a];
                      rest -= face_values[q][a];
                    }
                  gamma += surface_energy[n] * rest;
                  energy += Vm * nm_per_m * gamma * fe_face.JxW(q);
                }
            }
        }
      o.film_volume = Utilities::MPI::sum(o.film_volume, comm);
      o.free_energy = Utilities::MPI::sum(energy, comm) / o.film_volume;
      Utilities::MPI::sum(o.amount, comm, o.amount);
      return o;
    }


    template <int dim>
    double
    Deposition<dim>::observe(const Vector &state, const double t)
    {
      candidate = integrate(state, temperature.value(t));
      return candidate.free_energy;
    }


    template <int dim>
    double
    Deposition<dim>::allowed_energy_rise(const double, const double) const
    {
      // Arriving material changes the energy of the film; between arrivals
      // it relaxes, but a step cannot tell the two apart.
      return std::numeric_limits<double>::infinity();
    }


    template <int dim>
    void
    Deposition<dim>::save_physics(fem::CheckpointState &state) const
    {
      state.set("profiles written", double(profiles_written));
      state.set("active layers", double(active_layers));
      state.set("step after arrival", step_after_arrival ? 1. : 0.);
      state.set("first step after arrival", first_step_after_arrival);
      for (unsigned int k = 0; k < deposited.size(); ++k)
        state.set("deposited " + std::to_string(k), deposited[k]);
    }


    template <int dim>
    void
    Deposition<dim>::load_physics(const fem::CheckpointState &state)
    {
      profiles_written
        = static_cast<unsigned int>(state.get_double("profiles written"));
      active_layers
        = static_cast<unsigned int>(state.get_double("active layers"));
      step_after_arrival       = state.get_double("step after arrival") > 0.5;
      first_step_after_arrival = state.get_double("first step after arrival");
      deposited.resize(material.n_components());
      for (unsigned int k = 0; k < deposited.size(); ++k)
        deposited[k] = state.get_double("deposited " + std::to_string(k));
      update_film_mask();
    }


    template class Deposition<1>;
    template class Deposition<2>;
    template class Deposition<3>;
  } // namespace models
} // namespace vitrum
