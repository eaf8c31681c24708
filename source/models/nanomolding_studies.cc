#include <deal.II/base/function.h>
#include <deal.II/base/utilities.h>

#include <deal.II/grid/grid_generator.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/fem/mold_mesh.h>
#include <vitrum/fem/time_stepping.h>
#include <vitrum/models/nanomolding_studies.h>
#include <vitrum/models/stokes_mms.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    namespace
    {
      using MmsSolution = void (*)(const double *, StokesMmsValues &);

      /// The velocity part of a manufactured solution as a deal.II function
      /// (for the Dirichlet data).
      template <int dim>
      class MmsVelocity : public Function<dim>
      {
      public:
        MmsVelocity(MmsSolution mms)
            : Function<dim>(dim + 1)
            , mms(mms)
        {
        }

        double
        value(const Point<dim> &p, const unsigned int c) const override
        {
          StokesMmsValues v;
          mms(&p[0], v);
          return c < dim ? v.u[c] : v.p;
        }

      private:
        MmsSolution mms;
      };


      /// The unit square or cube with the exact velocities on its faces
      /// (only u_r = 0 on the axis r = 0) and the exact traction on the
      /// top (last axis = 1), the body force that makes it exact and
      /// viscosity 1.
      template <int dim>
      fem::StokesProblem<dim>
      mms_problem(const MmsSolution mms, const bool axisymmetric)
      {
        const auto              exact = std::make_shared<MmsVelocity<dim>>(mms);
        fem::StokesProblem<dim> problem;
        for (unsigned int id = 0; id < 2 * dim - 1; ++id)
          problem.dirichlet[id] = {fem::velocity_mask(dim), exact};
        if (axisymmetric)
          problem.dirichlet[0] = {fem::single_component(dim, 0), exact};
        const types::boundary_id top = 2 * dim - 1;
        problem.traction             = [=](const types::boundary_id id,
                               const Point<dim>        &x,
                               const Tensor<1, dim>    &n) {
          Tensor<1, dim> t;
          if (id != top)
            return t;
          StokesMmsValues v;
          mms(&x[0], v);
          for (int i = 0; i < dim; ++i)
            {
              t[i] = -v.p * n[i];
              for (int j = 0; j < dim; ++j)
                t[i] += (v.grad_u[i][j] + v.grad_u[j][i]) * n[j];
            }
          return t;
        };
        problem.body_force = [=](const Point<dim> &x) {
          StokesMmsValues v;
          mms(&x[0], v);
          Tensor<1, dim> f;
          for (int i = 0; i < dim; ++i)
            f[i] = v.f[i];
          return f;
        };
        problem.viscosity = [](double) { return 1.; };
        return problem;
      }
    } // namespace


    template <int dim>
    NanomoldingStudy<dim>::NanomoldingStudy(ParameterHandler &h, MPI_Comm comm)
        : comm(comm)
        , input(h, dim)
        , prm(input.prm)
        , output_prm(base::parsed<fem::OutputParameters>(h))
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
    {
      // unused here, but checked as in every run of the model
      base::parsed<fem::TimeSteppingParameters>(h);
      timer = std::make_unique<TimerOutput>(comm,
                                            pcout,
                                            TimerOutput::never,
                                            TimerOutput::wall_times);
      flow = std::make_unique<fem::StokesSolver<dim>>(comm, prm.stokes, *timer);
    }


    template <int dim>
    void
    NanomoldingStudy<dim>::run_mms()
    {
      const MmsSolution mms = dim == 3 ? &stokes_mms_3d
                              : prm.stokes.axisymmetric
                                ? &stokes_mms_axisymmetric
                                : &stokes_mms_planar;
      output_prm.make_directory(comm);
      const bool      root = Utilities::MPI::this_mpi_process(comm) == 0;
      base::CsvWriter csv(output_prm.directory + "/mms_convergence.csv",
                          {"level",
                           "h_nondim",
                           "dofs",
                           "velocity_L2_nondim",
                           "pressure_L2_nondim",
                           "iterations",
                           "wall_time_s"},
                          root);
      pcout << "Manufactured solution, "
            << (dim == 3                  ? "3D"
                : prm.stokes.axisymmetric ? "axisymmetric"
                                          : "planar")
            << ", Q2/Q1\n  level  h          dofs     |u-u_h|     |p-p_h|"
               "     FGMRES"
            << std::endl;
      const fem::StokesProblem<dim> problem
        = mms_problem<dim>(mms, prm.stokes.axisymmetric);
      double prev_u = 0, prev_p = 0;
      for (unsigned int level = prm.coarsest_level; level <= prm.finest_level;
           ++level)
        {
          auto &mesh = flow->mesh();
          mesh.clear();
          GridGenerator::hyper_cube(mesh, 0., 1., true);
          mesh.refine_global(level);
          Timer solve_clock;
          flow->solve(problem);
          const double solve_seconds = solve_clock.wall_time();

          // weighted L2 errors
          double eu = 0, ep = 0;
          flow->for_each_quadrature_point(5,
                                          [&](const Point<dim>     &x,
                                              const double          w,
                                              const Tensor<1, dim> &u,
                                              const double          p) {
                                            StokesMmsValues v;
                                            mms(&x[0], v);
                                            for (int i = 0; i < dim; ++i)
                                              eu += (u[i] - v.u[i])
                                                    * (u[i] - v.u[i]) * w;
                                            ep += (p - v.p) * (p - v.p) * w;
                                          });
          eu             = std::sqrt(Utilities::MPI::sum(eu, comm));
          ep             = std::sqrt(Utilities::MPI::sum(ep, comm));
          const double h = 1. / (1 << level);
          pcout << "  " << std::setw(5) << level << "  " << std::setw(9) << h
                << "  " << std::setw(7) << flow->n_dofs() << "  "
                << std::scientific << std::setprecision(3) << eu << "  " << ep
                << "  " << std::setw(4) << flow->linear_iterations();
          if (prev_u > 0)
            pcout << "   rates u " << std::fixed << std::setprecision(2)
                  << std::log2(prev_u / eu) << ", p " << std::log2(prev_p / ep);
          pcout << std::defaultfloat << std::setprecision(6) << std::endl;
          prev_u = eu;
          prev_p = ep;
          csv.add_row({double(level),
                       h,
                       double(flow->n_dofs()),
                       eu,
                       ep,
                       double(flow->linear_iterations()),
                       solve_seconds});
        }
    }


    template <int dim>
    void
    NanomoldingStudy<dim>::run_poiseuille()
    {
      if (dim != 2)
        throw InputError("Nanomolding/Study: poiseuille runs in Dimension "
                         "= 2 (axisymmetric pipe or planar slit)");
      // pipe of radius 1/2 (or slit of half width 1/2) and length 4, graded
      // cells; inlet pressure 1 at y = 0, outlet 0 at y = 4, viscosity 1
      const double                     Lp = 4., R = 0.5, dp = 1.;
      std::vector<std::vector<double>> steps(dim);
      steps[0]   = fem::graded_steps(R, R / 3, 0.7, R);
      steps[1]   = fem::graded_steps(Lp, 0.1, 1.4, 1.);
      auto &mesh = flow->mesh();
      mesh.clear();
      GridGenerator::subdivided_hyper_rectangle(mesh,
                                                steps,
                                                Point<dim>(),
                                                Point<dim>(R, Lp),
                                                true);
      mesh.refine_global(1);
      // colorize: 0 axis, 1 wall, 2 inlet, 3 outlet
      const auto zero = std::make_shared<Functions::ZeroFunction<dim>>(dim + 1);
      fem::StokesProblem<dim> problem;
      problem.dirichlet[0] = {fem::single_component(dim, 0), zero};
      problem.dirichlet[1] = {fem::velocity_mask(dim), zero};
      problem.dirichlet[2] = {fem::tangential_mask(dim), zero};
      problem.dirichlet[3] = {fem::tangential_mask(dim), zero};
      problem.traction     = [=](const types::boundary_id id,
                             const Point<dim> &,
                             const Tensor<1, dim> &n) {
        return Tensor<1, dim>(id == 2 ? -dp * n : 0. * n);
      };
      problem.viscosity = [](double) { return 1.; };
      flow->solve(problem);
      // exact: u_z = G (R^2 - r^2) / 4 (pipe) or / 2 (slit), G = dp/Lp
      const double G = dp / Lp, c = prm.stokes.axisymmetric ? 4. : 2.;
      double       eu = 0, nu = 0, ep = 0, np = 0, umax = 0;
      flow->for_each_quadrature_point(
        5,
        [&](const Point<dim>     &x,
            const double          w,
            const Tensor<1, dim> &u,
            const double          p) {
          const double uz = G * (R * R - x[0] * x[0]) / c;
          const double pe = dp * (1 - x[1] / Lp);
          eu += (u[0] * u[0] + (u[1] - uz) * (u[1] - uz)) * w;
          nu += uz * uz * w;
          ep += (p - pe) * (p - pe) * w;
          np += pe * pe * w;
          umax = std::max(umax, std::abs(u[1] - uz) / (G * R * R / c));
        });
      eu                   = std::sqrt(Utilities::MPI::sum(eu, comm)
                     / Utilities::MPI::sum(nu, comm));
      ep                   = std::sqrt(Utilities::MPI::sum(ep, comm)
                     / Utilities::MPI::sum(np, comm));
      umax                 = Utilities::MPI::max(umax, comm);
      const double Q       = -flow->boundary_flux(2); // into the inlet
      const double Q_exact = prm.stokes.axisymmetric
                               ? numbers::PI * std::pow(R, 4) * G / 8
                               : R * R * R * G / 3.;
      pcout << std::scientific << std::setprecision(3) << "Poiseuille ("
            << (prm.stokes.axisymmetric ? "pipe" : "slit")
            << "): relative L2 error velocity " << eu << ", pressure " << ep
            << ", max |u_z - exact| / u_max " << umax
            << ", flux / exact - 1 = " << Q / Q_exact - 1 << ", dofs "
            << flow->n_dofs() << ", FGMRES its " << flow->linear_iterations()
            << std::defaultfloat << std::endl;
      output_prm.make_directory(comm);
      base::CsvWriter csv(output_prm.directory + "/poiseuille.csv",
                          {"velocity_error_nondim",
                           "pressure_error_nondim",
                           "max_error_nondim",
                           "flux_error_nondim",
                           "dofs"},
                          Utilities::MPI::this_mpi_process(comm) == 0);
      csv.add_row({eu, ep, umax, Q / Q_exact - 1, double(flow->n_dofs())});
    }


    template <int dim>
    void
    NanomoldingStudy<dim>::run_stokes_on_mesh()
    {
      Timer clock;
      fem::read_gmsh_mesh(flow->mesh(),
                          prm.mesh_file,
                          "Nanomolding/Mesh file",
                          prm.mesh_refinements);
      const rheology::MoldingMaterial &mat = *input.material;
      const double                     T   = input.temperature.value(0.);
      const double                     p   = input.pressure.value(0.);
      const double                     eN  = mat.viscosity.newtonian(T);
      const double                     d   = prm.diameter;
      const double tau0 = rheology::eyring_stress(T, mat.activation_volume);
      // the applied pressure on the top, none on the fronts; velocities in
      // units of p d / eta_N
      MoldFlow mold;
      mold.p_top                 = 1;
      mold.p_front               = 0;
      mold.eta_N                 = eN;
      mold.eta_ref               = eN;
      mold.tau0                  = tau0;
      mold.U                     = p * d / eN;
      mold.d                     = d;
      mold.thinning              = prm.shear_thinning;
      const double       U       = mold.U;
      const unsigned int picard  = flow->solve(mold_flow_problem<dim>(mold));
      const double       Q       = flow->boundary_flux(fem::front) * U * d * d;
      const double       seconds = clock.wall_time();
      const double       memory  = memory_mb();
      const std::vector<unsigned int> &its = flow->linear_iteration_history();
      const double linear = std::accumulate(its.begin(), its.end(), 0.);
      const double max_linear
        = its.empty() ? 0. : *std::max_element(its.begin(), its.end());
      pcout << "Stokes solve on " << prm.mesh_file << "\n  " << mat.name
            << ", T = " << T << " K, p = " << p << " Pa, d = " << d * 1e9
            << " nm\n  cells " << flow->mesh().n_global_active_cells()
            << ", DoFs " << flow->n_dofs() << " (velocity "
            << flow->n_velocity_dofs() << ", pressure "
            << flow->n_pressure_dofs() << "), MPI ranks "
            << Utilities::MPI::n_mpi_processes(comm) << "\n  FGMRES iterations "
            << linear << " (largest " << max_linear
            << " per solve), nonlinear iterations " << picard
            << "\n  volume flux through the fronts " << Q
            << " m^3/s\n  wall time " << seconds << " s, memory " << memory
            << " MB (resident, all ranks)" << std::endl;
      output_prm.make_directory(comm);
      base::CsvWriter csv(output_prm.directory + "/stokes_run.csv",
                          {"cells",
                           "dofs",
                           "ranks",
                           "iterations",
                           "flux_m3_per_s",
                           "wall_time_s",
                           "memory_MB",
                           "nonlinear_iterations",
                           "linear_iterations",
                           "max_linear_iterations"},
                          Utilities::MPI::this_mpi_process(comm) == 0);
      csv.add_row({double(flow->mesh().n_global_active_cells()),
                   double(flow->n_dofs()),
                   double(Utilities::MPI::n_mpi_processes(comm)),
                   double(flow->linear_iterations()),
                   Q,
                   seconds,
                   memory,
                   double(picard),
                   linear,
                   max_linear});
      flow->write_fields(output_prm.directory, "stokes", U, p);
    }


    template <int dim>
    double
    NanomoldingStudy<dim>::memory_mb() const
    {
      Utilities::System::MemoryStats stats;
      Utilities::System::get_memory_stats(stats);
      return Utilities::MPI::sum(double(stats.VmRSS) / 1024., comm);
    }


    template <int dim>
    void
    NanomoldingStudy<dim>::run()
    {
      if (prm.study == "mms")
        run_mms();
      else if (prm.study == "poiseuille")
        run_poiseuille();
      else
        run_stokes_on_mesh();
      timer->print_summary();
    }


    template class NanomoldingStudy<2>;
    template class NanomoldingStudy<3>;
  } // namespace models
} // namespace vitrum
