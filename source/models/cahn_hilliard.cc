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
#include <vitrum/base/quantity.h>
#include <vitrum/models/cahn_hilliard.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
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
      // The benchmark has no units: "1 h" or "200 nm" would be taken as
      // seconds or nanometres, which mean nothing here.
      const std::string reason = "Model = cahn hilliard is dimensionless";
      prm.enter_subsection("Time stepping");
      for (const char *entry : {"End time",
                                "Initial time step",
                                "Minimum time step",
                                "Maximum time step"})
        base::require_plain_numbers(prm, entry, "Time stepping/", reason);
      prm.leave_subsection();
      prm.enter_subsection("Output");
      base::require_plain_numbers(prm, "Output times", "Output/", reason);
      prm.leave_subsection();
      prm.enter_subsection("Mesh");
      base::require_plain_numbers(prm, "Domain size", "Mesh/", reason);
      prm.leave_subsection();

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
        const auto          physics = base::parsed<CahnHilliardParameters>(prm);
        FunctionParser<dim> check(1);
        initialize_concentration(check, physics);
        return physics;
      }
    } // namespace


    template <int dim>
    CahnHilliard<dim>::CahnHilliard(ParameterHandler &prm, MPI_Comm comm)
        : Base(prm, comm, "cahn hilliard")
        , physics(parsed_physics<dim>(prm))
    {
      this->set_finite_element(FE_Q<dim>(mesh_prm.polynomial_degree), 2);
    }


    template <int dim>
    std::string
    CahnHilliard<dim>::title() const
    {
      return "Cahn-Hilliard, " + std::to_string(dim) + "D";
    }


    template <int dim>
    std::vector<fem::Table>
    CahnHilliard<dim>::tables() const
    {
      std::vector<std::string> columns = {"step",
                                          "time_nondim",
                                          "dt_nondim",
                                          "free_energy_nondim",
                                          "mass_nondim"};
      for (const auto &c : Base::solver_columns())
        columns.push_back(c);
      return {{"time_series.csv", columns}};
    }


    template <int dim>
    void
    CahnHilliard<dim>::after_setup_dofs()
    {
      concentration_mask.reinit(this->owned_dofs, comm);
      VectorTools::interpolate(dof_handler,
                               Functions::ConstantFunction<dim>(
                                 std::vector<double>{1.0, 0.0}),
                               concentration_mask);
      // The time error is measured in c.
      this->time_error_mask = concentration_mask;
    }


    template <int dim>
    void
    CahnHilliard<dim>::initial_state(Vector &state) const
    {
      VectorTools::interpolate(dof_handler, InitialState<dim>(physics), state);
    }


    template <int dim>
    void
    CahnHilliard<dim>::start_new_run()
    {
      Base::start_new_run();
      initial_mass = current.mass;
    }


    template <int dim>
    typename CahnHilliard<dim>::Integrals
    CahnHilliard<dim>::integrate(const Vector &state) const
    {
      TimerOutput::Scope               scope(*timer, "free energy and mass");
      const Vector                     state_with_ghosts = this->ghosted(state);
      const QGauss<dim>                quadrature(fe->degree + 1);
      FEValues<dim>                    fe_values(*fe,
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
    double
    CahnHilliard<dim>::observe(const Vector &state, double)
    {
      candidate = integrate(state);
      return candidate.free_energy;
    }


    template <int dim>
    void
    CahnHilliard<dim>::restore_conserved(Vector &state) const
    {
      // Coarsening interpolates and so loses or gains a little solute; a
      // uniform shift (a constant is in the FE space and satisfies every
      // constraint) puts back exactly what was there.
      const double mass = integrate(state).mass;
      state.add((initial_mass - mass) / mesh_prm.volume(dim),
                concentration_mask);
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
    CahnHilliard<dim>::assemble(const Vector &iterate,
                                const Vector &history_term,
                                const double  a0,
                                const double  dt,
                                double,
                                const bool with_matrix)
    {
      TimerOutput::Scope scope(*timer, "assembly");
      if (with_matrix)
        jacobian = 0;
      residual = 0;

      const double dt_mobility = dt * physics.mobility;
      const double kappa       = physics.kappa;

      const Vector state = this->ghosted(iterate);

      const QGauss<dim>  quadrature(fe->degree + 1);
      FEValues<dim>      fe_values(*fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const unsigned int n_q        = quadrature.size(),
                         n_dofs     = fe->n_dofs_per_cell();
      const unsigned int        n_s = n_dofs / 2;
      std::vector<unsigned int> component(n_dofs), scalar_index(n_dofs);
      for (unsigned int i = 0; i < n_dofs; ++i)
        {
          component[i]    = fe->system_to_component_index(i).first;
          scalar_index[i] = fe->system_to_component_index(i).second;
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

          cell->get_dof_values(state, local_state);
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
          this->add_cell_contribution(cell_matrix,
                                      cell_rhs,
                                      dof_indices,
                                      with_matrix);
        }
      this->finish_assembly(with_matrix);
    }


    template <int dim>
    void
    CahnHilliard<dim>::write_fields()
    {
      this->write_state_fields({"c_nondim", "mu_nondim"});
    }


    template <int dim>
    void
    CahnHilliard<dim>::save_physics(fem::CheckpointState &state) const
    {
      state.set("initial mass", initial_mass);
    }


    template <int dim>
    void
    CahnHilliard<dim>::load_physics(const fem::CheckpointState &state)
    {
      initial_mass = state.get_double("initial mass");
    }


    template <int dim>
    void
    CahnHilliard<dim>::write_rows()
    {
      std::vector<double> row
        = {double(step), time, last_dt, current.free_energy, current.mass};
      for (const double v : this->solver_values())
        row.push_back(v);
      this->table(0).add_row(row);
    }


    template <int dim>
    std::string
    CahnHilliard<dim>::progress_details() const
    {
      char text[48];
      std::snprintf(text, sizeof(text), "F %12.6e  ", current.free_energy);
      return text + this->solver_progress();
    }


    template <int dim>
    std::string
    CahnHilliard<dim>::summary() const
    {
      std::ostringstream out;
      out << this->statistics.summary() << "\n"
          << "Free energy F = " << std::setprecision(10) << current.free_energy
          << ", relative mass change " << std::setprecision(3)
          << (current.mass - initial_mass) / std::abs(initial_mass) << '\n'
          << "Cells " << this->triangulation.n_global_active_cells() << '\n';
      return out.str();
    }


    template <int dim>
    std::string
    CahnHilliard<dim>::result_files() const
    {
      return this->fields.index_file() + ", time_series.csv, checkpoint/";
    }


    template class CahnHilliard<2>;
    template class CahnHilliard<3>;
  } // namespace models
} // namespace vitrum
