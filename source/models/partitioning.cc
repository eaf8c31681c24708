#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/distributed/solution_transfer.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>
#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>
#include <vitrum/models/composition_fields.h>
#include <vitrum/models/fraction_nodes.h>
#include <vitrum/models/partitioning.h>
#include <vitrum/thermo/phase_field.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>


namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    namespace
    {
      /// Scale of the diffusion-potential unknowns (J/mol): w = mu~ / E0
      /// keeps all unknowns of order one, which the LU pivoting likes.
      constexpr double energy_scale = 1e4;
      /// m^2 -> nm^2: lengths are in nm inside the model.
      constexpr double nm2_per_m2 = 1e18;


    } // namespace


    void
    declare_partitioning_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Partitioning");
      prm.declare_entry("Material file",
                        "parameter_files/materials/CrCoNi-TiZrNbHf.prm",
                        Patterns::FileName(),
                        "Thermodynamic and mobility data (format in the "
                        "README). A relative path is looked up in the working "
                        "directory, then in vitrum's data folder (share/vitrum "
                        "of an installation, the source tree of a build).");
      prm.declare_entry("Profile resolution",
                        "0.25",
                        base::QuantityPattern(base::nanometres(), 0.01, 100),
                        "Bin width (nm, or with a unit) of the laterally "
                        "averaged profiles "
                        "x_i(z) written with every field output.");
      prm.leave_subsection();
      LaminateParameters::declare_parameters(prm);
    }


    namespace
    {

      thermo::Material
      read_material(ParameterHandler &prm)
      {
        prm.enter_subsection("Partitioning");
        const std::string file = prm.get("Material file");
        prm.leave_subsection();
        thermo::Material material
          = thermo::Material::read(base::resolve_data_path(file));
        if (!material.has_crystal)
          throw InputError("Partitioning/Material file: '" + file
                           + "' describes a glass only (Phases = glass); "
                             "the partitioning model needs the crystal "
                             "and the interface too");
        if (material.n_components() < 2)
          throw InputError("Partitioning/Material file: '" + file
                           + "' lists fewer than two elements");
        return material;
      }
    } // namespace


    template <int dim>
    Partitioning<dim>::Partitioning(ParameterHandler &prm, MPI_Comm comm)
        : Base(prm, comm, "partitioning")
        , material(read_material(prm))
        , n_independent(material.n_components() - 1)
        , temperature(
            base::Schedule::constant(300, base::Quantity::temperature()))
    {
      this->set_finite_element(FE_Q<dim>(1), 2 * n_independent + 1);
      laminate.parse_parameters(prm, material);
      prm.enter_subsection("Partitioning");
      profile_resolution = base::get_quantity(prm,
                                              "Profile resolution",
                                              base::nanometres(),
                                              "Partitioning/");
      prm.leave_subsection();
      prm.enter_subsection("Temperature");
      temperature = base::Schedule::parse(prm.get("Schedule"),
                                          base::Quantity::temperature());
      prm.leave_subsection();

      if (mesh_prm.polynomial_degree != 1)
        throw InputError("Mesh/Polynomial degree: the partitioning model uses "
                         "linear elements (1), which keep the mole fractions "
                         "positive between nodes");
      // The layer-normal edge is the laminate's height.
      mesh_prm.domain_size[dim - 1] = laminate.bilayers * laminate.period();
      laminate.lateral_size.assign(mesh_prm.domain_size.begin(),
                                   mesh_prm.domain_size.end() - 1);
      if (!mesh_prm.periodic)
        throw InputError("Mesh/Periodic must be true for a laminate (it is "
                         "periodic laterally and along the stack)");
      if (dim == 1 && laminate.roughness > 0)
        throw InputError("Laminate/Interface roughness must be 0 in "
                         "Dimension = 1 (a 1D laminate has flat interfaces); "
                         "use Dimension = 2 or 3 for rough ones");
    }


    template <int dim>
    std::string
    Partitioning<dim>::title() const
    {
      return "partitioning, " + material.name + ", " + std::to_string(dim)
             + "D, " + std::to_string(laminate.bilayers) + " bilayer(s)";
    }


    template <int dim>
    std::string
    Partitioning<dim>::details() const
    {
      return "Temperature: " + temperature.describe() + "\n";
    }


    template <int dim>
    std::vector<fem::Table>
    Partitioning<dim>::tables() const
    {
      std::vector<std::string> columns
        = {"step", "time_s", "dt_s", "T_K", "free_energy_J_per_mol"};
      for (const auto &c : Base::solver_columns())
        columns.push_back(c);
      std::vector<std::string> phase_columns = {"step",
                                                "time_s",
                                                "T_K",
                                                "crystal_thickness_nm",
                                                "glass_thickness_nm"};
      for (const auto &e : material.elements)
        columns.push_back("mean_" + e + "_at%");
      for (const auto &e : material.elements)
        phase_columns.push_back("crystal_" + e + "_at%");
      for (const auto &e : material.elements)
        phase_columns.push_back("glass_" + e + "_at%");
      for (unsigned int k = 0; k < laminate.bilayers; ++k)
        phase_columns.push_back("thickness_crystal_layer_"
                                + std::to_string(k + 1) + "_nm");
      return {{"time_series.csv", columns}, {"phases.csv", phase_columns}};
    }


    template <int dim>
    double
    Partitioning<dim>::volume() const
    {
      return mesh_prm.volume(dim);
    }


    template <int dim>
    double
    Partitioning<dim>::lateral_area() const
    {
      return volume() / mesh_prm.domain_size[dim - 1];
    }


    template <int dim>
    void
    Partitioning<dim>::after_setup_dofs()
    {
      const unsigned int  n_components = fe->n_components();
      std::vector<double> evolving(n_components, 0.0);
      for (unsigned int a = 0; a < n_independent; ++a)
        evolving[a] = 1;
      evolving[phi_component()] = 1;
      evolving_mask.reinit(owned_dofs, comm);
      VectorTools::interpolate(dof_handler,
                               Functions::ConstantFunction<dim>(evolving),
                               evolving_mask);
      // The time error is measured in the fractions and phi.
      this->time_error_mask = evolving_mask;
      component_masks.resize(n_independent);
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          std::vector<double> unit(n_components, 0.0);
          unit[a] = 1;
          component_masks[a].reinit(owned_dofs, comm);
          VectorTools::interpolate(dof_handler,
                                   Functions::ConstantFunction<dim>(unit),
                                   component_masks[a]);
        }
    }


    template <int dim>
    void
    Partitioning<dim>::initial_state(Vector &state) const
    {
      VectorTools::interpolate(dof_handler,
                               InitialLaminate<dim>(laminate,
                                                    material,
                                                    temperature.value(0),
                                                    energy_scale),
                               state);
    }


    template <int dim>
    std::vector<unsigned int>
    Partitioning<dim>::refinement_components() const
    {
      // Refine where any mole fraction or the phase field changes fast.
      std::vector<unsigned int> components
        = consecutive_components(0, n_independent);
      components.push_back(phi_component());
      return components;
    }


    template <int dim>
    void
    Partitioning<dim>::start_new_run()
    {
      Base::start_new_run();
      initial_amount = current.amount;
    }


    template <int dim>
    std::vector<unsigned int>
    Partitioning<dim>::eliminated_components() const
    {
      // The potentials' rows are M w - (H M + kappa K) x: their own block
      // is the lumped mass (vertex quadrature), diagonal.
      return consecutive_components(n_independent, n_independent);
    }


    template <int dim>
    std::vector<unsigned int>
    Partitioning<dim>::eliminated_partners() const
    {
      // Potential a belongs to fraction a.
      return consecutive_components(0, n_independent);
    }


    template <int dim>
    Table<2, DoFTools::Coupling>
    Partitioning<dim>::coupling() const
    {
      // As assemble() writes them, between neighbouring nodes: a fraction's
      // row holds everything (the flux), a potential's row its own fraction
      // (gradient energy), the phase field's row the phase field.
      const unsigned int           n = n_independent, c_phi = phi_component();
      Table<2, DoFTools::Coupling> table(2 * n + 1, 2 * n + 1);
      table.fill(DoFTools::none);
      for (unsigned int c = 0; c < 2 * n + 1; ++c)
        for (unsigned int a = 0; a < n; ++a)
          table(a, c) = DoFTools::always;
      for (unsigned int a = 0; a < n; ++a)
        table(n + a, a) = DoFTools::always;
      table(c_phi, c_phi) = DoFTools::always;
      return table;
    }


    template <int dim>
    Table<2, bool>
    Partitioning<dim>::node_coupling() const
    {
      // The terms integrated at the nodes (vertex quadrature): a potential's
      // row holds all fractions (the Hessian), itself and the phase field;
      // the phase field's row the fractions (the driving force). With 7
      // elements in 2D a node's 13 rows hold 813 entries instead of 1197.
      const unsigned int n = n_independent, c_phi = phi_component();
      Table<2, bool>     table(2 * n + 1, 2 * n + 1);
      table.fill(false);
      for (unsigned int a = 0; a < n; ++a)
        {
          for (unsigned int b = 0; b < n; ++b)
            table(n + a, b) = true;
          table(n + a, n + a) = true;
          table(n + a, c_phi) = true;
          table(c_phi, a)     = true;
        }
      return table;
    }


    template <int dim>
    void
    Partitioning<dim>::assemble(const Vector &iterate,
                                const Vector &history_term,
                                const double  a0,
                                const double  dt,
                                const double  t,
                                const bool    with_matrix)
    {
      TimerOutput::Scope scope(*timer, "assembly");
      const double       T = temperature.value(t);
      if (with_matrix)
        jacobian = 0;
      residual = 0;

      const unsigned int K = material.n_components(), n = n_independent;
      const unsigned int c_phi = phi_component();
      const double       Vm    = material.molar_volume;
      // Coefficients in model units (nm, s, J/mol, w = mu~ / E0).
      const double flux_scale = dt * nm2_per_m2 * energy_scale; // times L
      const double kappa_x    = Vm * material.gradient_energy * nm2_per_m2;
      const double kappa_phi
        = Vm * material.phase_gradient_energy() * nm2_per_m2;
      const double L_phi = dt * material.phase_field_mobility(T) / Vm;
      const double W     = material.well_height();

      std::vector<double> log_M_cr(K), log_M_gl(K);
      {
        const auto M_cr = material.crystal_mobilities(T);
        const auto M_gl = material.glass_mobilities(T);
        for (unsigned int k = 0; k < K; ++k)
          {
            log_M_cr[k] = std::log(M_cr[k]);
            log_M_gl[k] = std::log(M_gl[k]);
          }
      }

      const Vector state = this->ghosted(iterate);
      // Vertex quadrature: lumps the mass matrix and evaluates the
      // thermodynamics at the nodes, so each node's ln x_i pushes back as a
      // fraction nears zero (with Gauss points a node could be drained).
      const QGaussLobatto<dim> quadrature(2);
      FEValues<dim>            fe_values(*fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const unsigned int       n_q = quadrature.size(),
                         n_dofs    = fe->n_dofs_per_cell();
      const unsigned int n_c       = fe->n_components();

      std::vector<dealii::Vector<double>>      values(n_q,
                                                 dealii::Vector<double>(n_c));
      std::vector<dealii::Vector<double>>      history(n_q,
                                                  dealii::Vector<double>(n_c));
      std::vector<std::vector<Tensor<1, dim>>> gradients(
        n_q,
        std::vector<Tensor<1, dim>>(n_c));
      std::vector<unsigned int> component(n_dofs);
      for (unsigned int i = 0; i < n_dofs; ++i)
        component[i] = fe->system_to_component_index(i).first;
      // The pairs of components with a gradient-gradient term: at a vertex
      // quadrature point u is 1 at j's node and 0 at the others (v alike),
      // so away from the node only these are left.
      Table<2, bool> gradient_term(n_c, n_c);
      for (unsigned int ci = 0; ci < n_c; ++ci)
        for (unsigned int cj = 0; cj < n_c; ++cj)
          gradient_term(ci, cj) = (ci < n && cj >= n && cj < 2 * n)
                                  || (ci >= n && ci < 2 * n && cj + n == ci)
                                  || (ci == c_phi && cj == c_phi);

      thermo::PhasePoint          ps(K);
      std::vector<double>         shape(n_dofs);
      std::vector<Tensor<1, dim>> shape_grad(n_dofs);
      std::vector<Tensor<1, dim>> flux(n), dflux_dphi(n);
      std::vector<Tensor<1, dim>> dflux_dx(n * n);
      std::vector<double>         dw(n), dG_dx_phi(n);

      FullMatrix<double>                   cell_matrix(n_dofs, n_dofs);
      dealii::Vector<double>               cell_rhs(n_dofs);
      std::vector<types::global_dof_index> dof_indices(n_dofs);

      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(state, values);
          fe_values.get_function_gradients(state, gradients);
          fe_values.get_function_values(history_term, history);
          cell_matrix = 0;
          cell_rhs    = 0;

          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              double       sum = 0;
              for (unsigned int a = 0; a < n; ++a)
                {
                  ps.x[a] = values[q][a];
                  sum += ps.x[a];
                }
              ps.x[n]                          = 1 - sum;
              const double                 phi = values[q][c_phi];
              const thermo::PhaseFunctions pf(phi);
              ps.evaluate(material, log_M_cr, log_M_gl, T, pf, true);
              const double dG = ps.G_cr - ps.G_gl;

              // Fluxes dt L grad w and their derivatives.
              for (unsigned int a = 0; a < n; ++a)
                {
                  flux[a]       = 0;
                  dflux_dphi[a] = 0;
                  for (unsigned int b = 0; b < n; ++b)
                    {
                      flux[a]
                        += flux_scale * ps.L[a * n + b] * gradients[q][n + b];
                      dflux_dphi[a] += flux_scale * ps.dL_dphi[a * n + b]
                                       * gradients[q][n + b];
                    }
                  for (unsigned int m = 0; m < n; ++m)
                    {
                      Tensor<1, dim> t;
                      for (unsigned int b = 0; b < n; ++b)
                        t += ps.dL_dx[(m * n + a) * n + b]
                             * gradients[q][n + b];
                      dflux_dx[a * n + m] = flux_scale * t;
                    }
                  dw[a]        = pf.h * ps.w_cr[a] + (1 - pf.h) * ps.w_gl[a];
                  dG_dx_phi[a] = pf.dh * (ps.w_cr[a] - ps.w_gl[a]);
                }
              const double dG_dphi   = pf.dh * dG + W * pf.dg;
              const double d2G_dphi2 = pf.d2h * dG + W * pf.d2g;

              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  shape[i]      = fe_values.shape_value(i, q);
                  shape_grad[i] = fe_values.shape_grad(i, q);
                }
              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  const unsigned int ci = component[i];
                  const double       v  = shape[i];
                  const auto        &gv = shape_grad[i];
                  double             r;
                  if (ci < n)
                    r = v * (a0 * values[q][ci] + history[q][ci])
                        + flux[ci] * gv;
                  else if (ci < 2 * n)
                    {
                      const unsigned int a = ci - n;
                      r = v * (values[q][ci] - dw[a] / energy_scale)
                          - kappa_x / energy_scale * (gradients[q][a] * gv);
                    }
                  else
                    r = v * (a0 * phi + history[q][ci])
                        + L_phi
                            * (dG_dphi * v
                               + kappa_phi * (gradients[q][ci] * gv));
                  cell_rhs(i) -= r * JxW;
                  if (!with_matrix)
                    continue;

                  for (unsigned int j = 0; j < n_dofs; ++j)
                    {
                      const unsigned int cj = component[j];
                      const double       u  = shape[j];
                      const auto        &gu = shape_grad[j];
                      if (!gradient_term(ci, cj)
                          && (u == 0 || (ci >= n && v == 0)))
                        continue;
                      double value = 0;
                      if (ci < n)
                        {
                          if (cj < n)
                            value = (ci == cj ? a0 * v * u : 0.0)
                                    + u * (dflux_dx[ci * n + cj] * gv);
                          else if (cj < 2 * n)
                            value = flux_scale * ps.L[ci * n + (cj - n)]
                                    * (gu * gv);
                          else
                            value = u * (dflux_dphi[ci] * gv);
                        }
                      else if (ci < 2 * n)
                        {
                          const unsigned int a = ci - n;
                          if (cj < n)
                            value
                              = -(pf.h * ps.Hr_cr[a * n + cj]
                                  + (1 - pf.h) * ps.Hr_gl[a * n + cj])
                                  / energy_scale * v * u
                                - (a == cj ? kappa_x / energy_scale * (gu * gv)
                                           : 0.0);
                          else if (cj < 2 * n)
                            value = (cj - n == a) ? v * u : 0.0;
                          else
                            value = -dG_dx_phi[a] / energy_scale * v * u;
                        }
                      else
                        {
                          if (cj < n)
                            value = L_phi * dG_dx_phi[cj] * v * u;
                          else if (cj == c_phi)
                            value = a0 * v * u
                                    + L_phi
                                        * (d2G_dphi2 * v * u
                                           + kappa_phi * (gu * gv));
                        }
                      cell_matrix(i, j) += value * JxW;
                    }
                }
            }
          cell->get_dof_indices(dof_indices);
          this->add_cell_contribution(cell_matrix,
                                      cell_rhs,
                                      dof_indices,
                                      with_matrix);
        }
      this->finish_assembly(with_matrix);
    }


    template <int dim>
    double
    Partitioning<dim>::limit_update(const Vector &iterate,
                                    Vector       &update,
                                    double       *removed) const
    {
      // Node by node, shorten the update of the fractions so that no node
      // loses more than 90 % of any element: a node whose element is nearly
      // used up must not stop all the others (a global damping did).
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
    double
    Partitioning<dim>::newton_change(const Vector &update) const
    {
      Vector evolving_update = update;
      evolving_update.scale(evolving_mask);
      return evolving_update.linfty_norm();
    }


    template <int dim>
    double
    Partitioning<dim>::observe(const Vector &state, const double t)
    {
      candidate = integrate(state, temperature.value(t));
      return candidate.free_energy;
    }


    template <int dim>
    double
    Partitioning<dim>::allowed_energy_rise(const double t,
                                           const double dt) const
    {
      // In an isothermal hold the free energy must not rise. Newton leaves
      // errors of its tolerance in the fractions, worth about tolerance * E0
      // in G: smaller rises are round-off, not physics.
      const bool isothermal = temperature.value(t) == temperature.value(t + dt)
                              && temperature.rate(t) == 0;
      return isothermal ? solver_prm.newton_tolerance * energy_scale
                        : std::numeric_limits<double>::infinity();
    }


    template <int dim>
    typename Partitioning<dim>::Observables
    Partitioning<dim>::integrate(const Vector &state, const double T) const
    {
      TimerOutput::Scope       scope(*timer, "integrals");
      const Vector             u = this->ghosted(state);
      const unsigned int       K = material.n_components(), n = n_independent;
      const QGaussLobatto<dim> quadrature(2);
      FEValues<dim>            fe_values(*fe,
                              quadrature,
                              update_values | update_gradients
                                | update_quadrature_points | update_JxW_values);
      const unsigned int n_q = quadrature.size(), n_c = fe->n_components();
      std::vector<dealii::Vector<double>>      values(n_q,
                                                 dealii::Vector<double>(n_c));
      std::vector<std::vector<Tensor<1, dim>>> gradients(
        n_q,
        std::vector<Tensor<1, dim>>(n_c));
      const double Vm      = material.molar_volume;
      const double kappa_x = Vm * material.gradient_energy * nm2_per_m2;
      const double kappa_phi
        = Vm * material.phase_gradient_energy() * nm2_per_m2;
      const double        W = material.well_height();
      thermo::PhasePoint  ps(K);
      std::vector<double> unused(K);

      Observables o;
      o.amount.assign(K, 0);
      o.in_crystal.assign(K, 0);
      o.in_glass.assign(K, 0);
      o.crystal_per_layer.assign(laminate.bilayers, 0);
      const double P = laminate.period();
      for (const auto &cell : fem::locally_owned_cells(dof_handler))
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(u, values);
          fe_values.get_function_gradients(u, gradients);
          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              double       sum = 0, gradient_terms = 0;
              for (unsigned int a = 0; a < n; ++a)
                {
                  ps.x[a] = values[q][a];
                  sum += ps.x[a];
                  gradient_terms
                    += 0.5 * kappa_x * gradients[q][a].norm_square();
                }
              ps.x[n]                          = 1 - sum;
              const double                 phi = values[q][phi_component()];
              const thermo::PhaseFunctions pf(phi);
              ps.evaluate(material, unused, unused, T, pf, false);
              gradient_terms += 0.5 * kappa_phi
                                * gradients[q][phi_component()].norm_square();
              o.free_energy += (pf.h * ps.G_cr + (1 - pf.h) * ps.G_gl + W * pf.g
                                + gradient_terms)
                               * JxW;
              // Phase compositions over the regions phi > 1/2 and < 1/2 (as
              // an atom-probe analysis picks a layer), the thickness from
              // int phi (the position of an equivalent sharp interface).
              const double in_crystal = phi > 0.5 ? 1.0 : 0.0;
              for (unsigned int k = 0; k < K; ++k)
                {
                  o.amount[k] += ps.x[k] * JxW;
                  o.in_crystal[k] += ps.x[k] * in_crystal * JxW;
                  o.in_glass[k] += ps.x[k] * (1 - in_crystal) * JxW;
                }
              o.crystal_region += in_crystal * JxW;
              const double ratio = material.volume_ratio(ps.x.data());
              o.crystal_volume += phi * ratio * JxW;
              o.glass_volume += (1 - phi) * ratio * JxW;
              const double       z = fe_values.quadrature_point(q)[dim - 1];
              const unsigned int layer
                = std::min<unsigned int>(laminate.bilayers - 1,
                                         static_cast<unsigned int>(z / P));
              o.crystal_per_layer[layer] += phi * ratio * JxW;
            }
        }
      o.free_energy    = Utilities::MPI::sum(o.free_energy, comm) / volume();
      o.crystal_volume = Utilities::MPI::sum(o.crystal_volume, comm);
      o.glass_volume   = Utilities::MPI::sum(o.glass_volume, comm);
      o.crystal_region = Utilities::MPI::sum(o.crystal_region, comm);
      for (auto *list :
           {&o.amount, &o.in_crystal, &o.in_glass, &o.crystal_per_layer})
        Utilities::MPI::sum(*list, comm, *list);
      return o;
    }


    template <int dim>
    void
    Partitioning<dim>::restore_conserved(Vector &state) const
    {
      // Coarsening interpolates and so changes the amount of each element a
      // little. The change is put back in proportion to x_a x_K at each
      // node: where an element (or the dependent one) is used up nothing
      // moves, so no fraction turns negative. A uniform shift did that
      // where a fraction was near zero, and a node below zero froze the
      // Newton iteration there (the log term is flat below its floor).
      Vector weight(owned_dofs, comm);
      fraction_weights(dof_handler,
                       owned_dofs,
                       n_independent,
                       this->ghosted(state),
                       weight);
      weight.compress(VectorOperation::insert);
      constraints.distribute(weight);
      const double      T         = temperature.value(time);
      const Observables o         = integrate(state, T);
      const Observables available = integrate(weight, T);
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          const double missing = initial_amount[a] - o.amount[a];
          // (Quadrature at the nodes: the amount of weight is its integral.)
          if (available.amount[a] > 1e-12 * volume())
            {
              Vector component = weight;
              component.scale(component_masks[a]);
              state.add(missing / available.amount[a], component);
            }
          else
            state.add(missing / volume(), component_masks[a]);
        }
    }


    template <int dim>
    void
    Partitioning<dim>::write_fields()
    {
      this->write_state_fields(
        CompositionFields<dim>(material.elements, energy_scale, true));
      write_profile();
    }


    template <int dim>
    void
    Partitioning<dim>::write_profile()
    {
      TimerOutput::Scope scope(*timer, "output");
      // The atom-probe view: fractions averaged over planes parallel to the
      // layers, in bins of the profile resolution.
      const Vector       u = this->ghosted(states[0]);
      const unsigned int K = material.n_components(), n = n_independent;
      const double       height = mesh_prm.domain_size[dim - 1];
      const unsigned int n_bins
        = std::max(1u, static_cast<unsigned int>(height / profile_resolution));
      const double                        bin = height / n_bins;
      const QGauss<dim>                   quadrature(4);
      FEValues<dim>                       fe_values(*fe,
                              quadrature,
                              update_values | update_quadrature_points
                                | update_JxW_values);
      std::vector<dealii::Vector<double>> values(quadrature.size(),
                                                 dealii::Vector<double>(
                                                   fe->n_components()));
      // Per bin: volume, phi, K fractions and V(x)/V_m (physical length).
      const unsigned int  width = K + 3;
      std::vector<double> sums(n_bins * width, 0.0);
      std::vector<double> x(K);
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(u, values);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const double       z = fe_values.quadrature_point(q)[dim - 1];
              const unsigned int b
                = std::min<unsigned int>(n_bins - 1,
                                         static_cast<unsigned int>(z / bin));
              double      *row  = &sums[b * width];
              const double JxW  = fe_values.JxW(q);
              double       rest = 1;
              row[0] += JxW;
              row[1] += values[q][phi_component()] * JxW;
              for (unsigned int a = 0; a < n; ++a)
                {
                  x[a] = values[q][a];
                  row[2 + a] += x[a] * JxW;
                  rest -= x[a];
                }
              x[n] = rest;
              row[2 + n] += rest * JxW;
              row[K + 2] += material.volume_ratio(x.data()) * JxW;
            }
        }
      Utilities::MPI::sum(sums, comm, sums);
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        base::guarded([&]() {
          std::filesystem::create_directories(output_prm.directory
                                              + "/profiles");
          char name[64];
          std::snprintf(name,
                        sizeof(name),
                        "/profiles/profile_%04u.csv",
                        profiles_written);
          std::ofstream out(output_prm.directory + name);
          out << "# time = " << time
              << " s, temperature = " << temperature.value(time) << " K\n"
              << "z_nm,phi_fraction";
          for (const auto &element : material.elements)
            out << ',' << element << "_at%";
          out << '\n' << std::setprecision(8);
          // z of a bin's middle in physical nm: the bins below it, each
          // bin * V/V_m thick.
          double z_below = 0;
          for (unsigned int b = 0; b < n_bins; ++b)
            {
              const double *row = &sums[b * width];
              if (row[0] <= 0)
                continue;
              const double thickness = bin * row[K + 2] / row[0];
              out << z_below + 0.5 * thickness << ',' << row[1] / row[0];
              z_below += thickness;
              for (unsigned int k = 0; k < K; ++k)
                out << ',' << 100 * row[2 + k] / row[0];
              out << '\n';
            }
          out.close();
          if (!out)
            throw InputError("cannot write '" + output_prm.directory + name
                             + "': check Output/Directory");
        });
      base::check_errors(comm);
      ++profiles_written;
    }


    template <int dim>
    void
    Partitioning<dim>::save_physics(fem::CheckpointState &state) const
    {
      state.set("profiles written", double(profiles_written));
      for (unsigned int k = 0; k < initial_amount.size(); ++k)
        state.set("initial amount " + std::to_string(k), initial_amount[k]);
    }


    template <int dim>
    void
    Partitioning<dim>::load_physics(const fem::CheckpointState &state)
    {
      profiles_written
        = static_cast<unsigned int>(state.get_double("profiles written"));
      initial_amount.resize(material.n_components());
      for (unsigned int k = 0; k < initial_amount.size(); ++k)
        initial_amount[k]
          = state.get_double("initial amount " + std::to_string(k));
    }


    template <int dim>
    std::pair<double, double>
    Partitioning<dim>::layer_thicknesses() const
    {
      const double per_layer = lateral_area() * laminate.bilayers;
      return {current.crystal_volume / per_layer,
              current.glass_volume / per_layer};
    }


    template <int dim>
    void
    Partitioning<dim>::write_rows()
    {
      const unsigned int K = material.n_components();
      const double       T = temperature.value(time);

      std::vector<double> row
        = {double(step), time, last_dt, T, current.free_energy};
      for (const double v : this->solver_values())
        row.push_back(v);
      for (unsigned int k = 0; k < K; ++k)
        row.push_back(100 * current.amount[k] / volume());
      this->table(0).add_row(row);

      const auto [crystal_layer, glass_layer] = layer_thicknesses();
      const double        crystal_region      = current.crystal_region;
      const double        glass_region        = volume() - crystal_region;
      std::vector<double> phase_row
        = {double(step), time, T, crystal_layer, glass_layer};
      for (unsigned int k = 0; k < K; ++k)
        phase_row.push_back(100 * current.in_crystal[k] / crystal_region);
      for (unsigned int k = 0; k < K; ++k)
        phase_row.push_back(100 * current.in_glass[k] / glass_region);
      for (const double v : current.crystal_per_layer)
        phase_row.push_back(v / lateral_area());
      this->table(1).add_row(phase_row);
    }


    template <int dim>
    std::string
    Partitioning<dim>::progress_details() const
    {
      char text[96];
      std::snprintf(text,
                    sizeof(text),
                    "T %6.1f K  G %12.6e  crystal %6.3f nm  ",
                    temperature.value(time),
                    current.free_energy,
                    layer_thicknesses().first);
      return text + this->solver_progress();
    }


    template <int dim>
    std::string
    Partitioning<dim>::summary() const
    {
      const unsigned int K     = material.n_components();
      double             worst = 0;
      for (unsigned int k = 0; k < K; ++k)
        worst = std::max(worst,
                         std::abs(current.amount[k] - initial_amount[k])
                           / initial_amount[k]);
      const double glass_region = volume() - current.crystal_region;

      std::ostringstream out;
      out << "T = " << temperature.value(time) << " K; "
          << this->statistics.summary() << "\n"
          << "Mean composition of the crystal (phi > 1/2) and glass:"
          << std::fixed << std::setprecision(2) << "\n  at.%    ";
      for (const auto &e : material.elements)
        out << std::setw(7) << e;
      out << "\n  crystal ";
      for (unsigned int k = 0; k < K; ++k)
        out << std::setw(7)
            << 100 * current.in_crystal[k] / current.crystal_region;
      out << "\n  glass   ";
      for (unsigned int k = 0; k < K; ++k)
        out << std::setw(7) << 100 * current.in_glass[k] / glass_region;
      const auto [crystal_layer, glass_layer] = layer_thicknesses();
      out << "\n"
          << std::defaultfloat << std::setprecision(3)
          << "Layer thickness: crystal " << crystal_layer << " nm (was "
          << laminate.deposited_crystal_thickness << "), glass " << glass_layer
          << " nm (was " << laminate.deposited_glass_thickness << ")\n"
          << "Largest relative change of an element's amount: " << worst << '\n'
          << "Cells " << triangulation.n_global_active_cells() << '\n';
      return out.str();
    }


    template <int dim>
    std::string
    Partitioning<dim>::result_files() const
    {
      return "phases.csv, profiles/, time_series.csv, "
             + this->fields.index_file() + ", checkpoint/";
    }


    template class Partitioning<1>;
    template class Partitioning<2>;
    template class Partitioning<3>;
  } // namespace models
} // namespace vitrum
