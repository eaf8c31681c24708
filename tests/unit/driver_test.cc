// The shared implicit driver (fem::Simulator, fem::ImplicitModel) with a toy
// physics: the heat equation du/dt = lap u on a periodic strip 2 pi long,
// whose sine mode decays exactly as exp(-k^2 t).

#include <deal.II/base/quadrature_lib.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <deal.II/numerics/vector_tools.h>

#include <vitrum/fem/implicit_model.h>
#include <vitrum/models/model.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace
{
  using namespace dealii;
  using vitrum::fem::ImplicitModel;
  constexpr double pi = M_PI;

  /// u(x, 0) = 1 + 0.1 sin(x); F = int |grad u|^2 / 2 decays as e^(-2t).
  template <int dim>
  class HeatEquation : public ImplicitModel<dim>
  {
  public:
    using Vector = typename ImplicitModel<dim>::Vector;

    HeatEquation(ParameterHandler &prm)
        : ImplicitModel<dim>(prm, MPI_COMM_WORLD, "heat")
    {
      this->set_finite_element(FE_Q<dim>(this->mesh_prm.polynomial_degree), 1);
    }

    void
    run()
    {
      this->simulate();
    }

    using ImplicitModel<dim>::jacobian_error;

  private:
    struct Integrals
    {
      double energy = 0, mass = 0;
    } current, candidate;

    std::string
    title() const override
    {
      return "heat equation";
    }
    std::vector<vitrum::fem::Table>
    tables() const override
    {
      std::vector<std::string> columns
        = {"step", "time_s", "dt_s", "energy_nondim", "mass_nondim"};
      for (const auto &c : this->solver_columns())
        columns.push_back(c);
      return {{"time_series.csv", columns}};
    }
    void
    after_setup_dofs() override
    {
      this->time_error_mask = 1;
    }
    void
    initial_state(Vector &state) const override
    {
      VectorTools::interpolate(this->dof_handler,
                               ScalarFunctionFromFunctionObject<dim>(
                                 [](const Point<dim> &p) {
                                   return 1 + 0.1 * std::sin(p[0]);
                                 }),
                               state);
    }
    std::vector<unsigned int>
    refinement_components() const override
    {
      return {0};
    }
    // dt du/dt + dt K u = 0 with dt du/dt = a0 u + history.
    void
    assemble(const Vector &iterate,
             const Vector &history,
             const double  a0,
             const double  dt,
             double,
             const bool with_matrix) override
    {
      if (with_matrix)
        this->jacobian = 0;
      this->residual                         = 0;
      const Vector                         u = this->ghosted(iterate);
      const QGauss<dim>                    quadrature(this->fe->degree + 1);
      FEValues<dim>                        fe_values(*this->fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const unsigned int                   n = this->fe->n_dofs_per_cell();
      FullMatrix<double>                   cell_matrix(n, n);
      dealii::Vector<double>               cell_residual(n);
      std::vector<types::global_dof_index> dofs(n);
      std::vector<double> values(quadrature.size()), old(quadrature.size());
      std::vector<Tensor<1, dim>> gradients(quadrature.size());
      for (const auto &cell : this->dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            fe_values.get_function_values(u, values);
            fe_values.get_function_values(history, old);
            fe_values.get_function_gradients(u, gradients);
            cell_matrix   = 0;
            cell_residual = 0;
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              for (unsigned int i = 0; i < n; ++i)
                {
                  const double w = fe_values.JxW(q);
                  cell_residual(i)
                    -= ((a0 * values[q] + old[q]) * fe_values.shape_value(i, q)
                        + dt * gradients[q] * fe_values.shape_grad(i, q))
                       * w;
                  for (unsigned int j = 0; j < n; ++j)
                    cell_matrix(i, j) += (a0 * fe_values.shape_value(j, q)
                                            * fe_values.shape_value(i, q)
                                          + dt * fe_values.shape_grad(j, q)
                                              * fe_values.shape_grad(i, q))
                                         * w;
                }
            cell->get_dof_indices(dofs);
            this->add_cell_contribution(cell_matrix,
                                        cell_residual,
                                        dofs,
                                        with_matrix);
          }
      this->finish_assembly(with_matrix);
    }
    double
    observe(const Vector &state, double) override
    {
      const Vector                u = this->ghosted(state);
      const QGauss<dim>           quadrature(this->fe->degree + 1);
      FEValues<dim>               fe_values(*this->fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      std::vector<double>         values(quadrature.size());
      std::vector<Tensor<1, dim>> gradients(quadrature.size());
      double                      energy = 0, mass = 0;
      for (const auto &cell : this->dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            fe_values.get_function_values(u, values);
            fe_values.get_function_gradients(u, gradients);
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                energy += 0.5 * gradients[q].norm_square() * fe_values.JxW(q);
                mass += values[q] * fe_values.JxW(q);
              }
          }
      candidate = {Utilities::MPI::sum(energy, this->comm),
                   Utilities::MPI::sum(mass, this->comm)};
      return candidate.energy;
    }
    void
    keep_observation() override
    {
      current = candidate;
    }
    double
    allowed_energy_rise(double, double) const override
    {
      return 1e-12 * current.energy;
    }
    void
    write_rows() override
    {
      std::vector<double> row = {double(this->step),
                                 this->time,
                                 this->last_dt,
                                 current.energy,
                                 current.mass};
      for (const double v : this->solver_values())
        row.push_back(v);
      this->table(0).add_row(row);
    }
    std::string
    progress_details() const override
    {
      return this->solver_progress();
    }
    std::string
    summary() const override
    {
      return "";
    }
    std::string
    result_files() const override
    {
      return "time_series.csv";
    }
  };


  /// The run's time series as rows of numbers.
  std::vector<std::vector<double>>
  read_series(const std::string &directory)
  {
    std::ifstream                    in(directory + "/time_series.csv");
    std::string                      line;
    std::vector<std::vector<double>> rows;
    std::getline(in, line);
    while (std::getline(in, line))
      {
        std::vector<double> row;
        std::stringstream   fields(line);
        std::string         field;
        while (std::getline(fields, field, ','))
          row.push_back(std::stod(field));
        rows.push_back(row);
      }
    return rows;
  }


  /// A heat run in `directory` with the given Time stepping entries.
  std::vector<std::vector<double>>
  run_heat(const std::string &directory,
           const std::string &time_stepping,
           const std::string &more = "")
  {
    ParameterHandler prm;
    vitrum::models::declare_common_parameters(prm);
    prm.parse_input_from_string("subsection Mesh\n"
                                "  set Domain size = 6.283185307179586, 1\n"
                                "  set Coarse cells = 32, 1\n"
                                "  set Polynomial degree = 2\n"
                                "  set Adapt every = 0\n"
                                "  set Initial adaptation cycles = 0\n"
                                "  set Maximum refinement level = 0\n"
                                "end\n"
                                "subsection Time stepping\n"
                                + time_stepping
                                + "end\n"
                                  "subsection Output\n"
                                  "  set Directory = "
                                + directory
                                + "\n"
                                  "  set Progress every = 0\n"
                                  "end\n"
                                + more);
    HeatEquation<2> model(prm);
    model.run();
    return read_series(directory);
  }


  std::string
  scratch(const std::string &name)
  {
    const std::string d = "driver_test_output/" + name;
    std::filesystem::remove_all(d);
    return d;
  }


  /// On the 2 pi x 1 strip F = 0.5 A^2 pi, A = 0.1 e^-t.
  const double exact_energy_at_1 = 0.5 * 0.01 * pi * std::exp(-2.0);
} // namespace


TEST(ImplicitDriver, HeatEquationDecaysExactlyAndConserves)
{
  const auto  rows = run_heat(scratch("decay"),
                             "  set End time = 1\n"
                              "  set Initial time step = 1e-3\n"
                              "  set Error tolerance = 1e-8\n");
  const auto &last = rows.back();
  EXPECT_DOUBLE_EQ(last[1], 1.0);
  EXPECT_NEAR(last[3] / exact_energy_at_1, 1.0, 2e-4);
  // Mass is conserved, F never rises.
  for (std::size_t i = 1; i < rows.size(); ++i)
    {
      EXPECT_NEAR(rows[i][4], rows[0][4], 1e-12 * rows[0][4]);
      EXPECT_LE(rows[i][3], rows[i - 1][3]);
    }
}


TEST(ImplicitDriver, TimeErrorFallsWithTheTolerance)
{
  // Against a run with a far tighter tolerance on the same mesh: what is
  // left is the time error. BDF2's local error control gives a global
  // error of about tolerance^(2/3): 100 times less tolerance, about 20
  // times less error.
  const std::string steps = "  set End time = 1\n"
                            "  set Initial time step = 1e-3\n";
  const double      reference
    = run_heat(scratch("ref"), steps + "  set Error tolerance = 1e-9\n")
        .back()[3];
  const double loose
    = run_heat(scratch("loose"), steps + "  set Error tolerance = 1e-4\n")
        .back()[3];
  const double tight
    = run_heat(scratch("tight"), steps + "  set Error tolerance = 1e-6\n")
        .back()[3];
  const double e_loose = std::abs(loose - reference);
  const double e_tight = std::abs(tight - reference);
  EXPECT_GT(e_loose, 0);
  EXPECT_LT(e_tight, e_loose / 8);
  EXPECT_LT(e_loose / reference, 5e-2);
}


TEST(ImplicitDriver, FirstStepIsJudged)
{
  // A first step far too long is cut to what the tolerance allows.
  const auto rows = run_heat(scratch("first"),
                             "  set End time = 1\n"
                             "  set Initial time step = 0.5\n"
                             "  set Maximum time step = 0.5\n"
                             "  set Error tolerance = 1e-8\n");
  EXPECT_LT(rows[1][2], 0.05);
  EXPECT_NEAR(rows.back()[3] / exact_energy_at_1, 1.0, 2e-4);
}


TEST(ImplicitDriver, ResumedRunRepeatsTheUninterruptedOne)
{
  const std::string tolerance = "  set Initial time step = 1e-3\n"
                                "  set Error tolerance = 1e-5\n";
  // The whole run also stops at 0.3 (an output time).
  const std::string at_03 = "subsection Output\n"
                            "  set Output times = 0.3\n"
                            "end\n";
  const auto        whole
    = run_heat(scratch("whole"), "  set End time = 1\n" + tolerance, at_03);
  const std::string split = scratch("split");
  const auto first_half = run_heat(split, "  set End time = 0.3\n" + tolerance);
  const auto resumed    = run_heat(split,
                                "  set End time = 1\n" + tolerance,
                                at_03
                                  + "subsection Checkpointing\n"
                                       "  set Resume = true\n"
                                       "end\n");
  ASSERT_LT(first_half.size(), resumed.size());
  ASSERT_EQ(whole.size(), resumed.size());
  // Step, time, dt, F and mass bit for bit (the output time 0.3 of the
  // first run is a target of both: the same steps).
  for (std::size_t i = 0; i < whole.size(); ++i)
    for (unsigned int c = 0; c < 5; ++c)
      EXPECT_EQ(whole[i][c], resumed[i][c]) << "row " << i << " column " << c;
}


TEST(ImplicitDriver, HeatJacobianMatchesDifferences)
{
  ParameterHandler prm;
  vitrum::models::declare_common_parameters(prm);
  prm.parse_input_from_string("subsection Mesh\n"
                              "  set Domain size = 6.283185307179586, 3\n"
                              "  set Coarse cells = 8, 4\n"
                              "  set Initial adaptation cycles = 0\n"
                              "end\n"
                              "subsection Output\n"
                              "  set Directory = "
                              + scratch("jacobian") + "\nend\n");
  HeatEquation<2> model(prm);
  EXPECT_LT(model.jacobian_error(3, 1e-2, 0.1), 1e-7);
}
