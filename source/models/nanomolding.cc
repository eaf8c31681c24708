#include <deal.II/base/utilities.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/kinetics/segment_crystallization.h>
#include <vitrum/models/nanomolding.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    template <int dim>
    Nanomolding<dim>::Nanomolding(ParameterHandler &h, MPI_Comm comm)
        : fem::Simulator(comm,
                         "nanomolding",
                         base::parsed<fem::TimeSteppingParameters>(h),
                         base::parsed<fem::OutputParameters>(h),
                         base::parsed<fem::CheckpointParameters>(h))
        , input(h, dim)
        , prm(input.prm)
        , material(*input.material)
    {
    }


    namespace
    {
      /// Lengths are in m inside the model and in nm in every output.
      constexpr double nm_per_m = 1e9;
    } // namespace


    template <int dim>
    std::string
    Nanomolding<dim>::title() const
    {
      if (array_filling())
        return "nanomolding, filling of the 3D pore array " + prm.mesh_file;
      return dim == 2 ? "nanomolding, filling of one 2D axisymmetric pore"
                      : "nanomolding, filling of one 3D round pore";
    }


    template <int dim>
    std::string
    Nanomolding<dim>::details() const
    {
      const double       T0 = input.temperature.value(0.);
      std::ostringstream out;
      out << "Nanomolding: " << material.name << ", d = " << prm.diameter * 1e9
          << " nm, p(t):\n  " << input.pressure.describe()
          << "\n  T(t): " << input.temperature.describe()
          << "\n  eta_N(T0) = " << eta_ref
          << " Pa s, D_I(T0) = " << material.mean_interface_diffusivity(T0)
          << " m^2/s, capillary pressure " << pores[0].p_cap << " Pa\n";
      if (array_filling())
        for (unsigned int i = 0; i < pores.size(); ++i)
          out << "  pore " << i << ": axis (x, y) = ("
              << array.pores[i].x * 1e9 * prm.diameter << ", "
              << array.pores[i].y * 1e9 * prm.diameter
              << ") nm, d = " << pores[i].d * 1e9 << " nm\n";
      const fem::Meniscus meniscus = fem::pore_meniscus(prm.pore);
      if (!meniscus.flat())
        out << "  curved front: contact angle "
            << prm.pore.contact_angle * 180 / numbers::PI << " degrees, apex "
            << meniscus.apex_lag()
            << " d behind the contact line, the contact line "
            << meniscus.volume_lag()
            << " d ahead of the flat front of the same volume (L)\n";
      out << "  analytic crossover d_c(T0) = "
          << 1e9
               * rheology::filling::crossover_diameter(
                 material.wall_layer * material.mean_interface_diffusivity(T0),
                 material.atomic_volume,
                 eta_ref,
                 T0)
          << " nm (exact Poiseuille, 128)\n";
      const auto &law = material.viscosity;
      if (law.kink_temperature > 0)
        out << "  glass below the kink T_kink = " << law.kink_temperature
            << " K (" << law.kink_temperature - 273.15
            << " C), where the relaxation time reaches t_exp = "
            << law.experiment_time
            << " s (tau(Tg) = " << law.relaxation_time_at_tg << " s)\n";
      return out.str();
    }


    template <int dim>
    void
    Nanomolding<dim>::prepare()
    {
      eta_ref = material.viscosity.newtonian(input.temperature.value(0.));
      P       = 0;
      for (const double tb : input.pressure.breakpoints())
        P = std::max(P, std::abs(input.pressure.value(tb)));
      if (!(P > 0))
        throw InputError("Nanomolding/Pressure: the schedule never rises "
                         "above 0 Pa");
      U                             = P * prm.diameter / eta_ref;
      std::vector<double> diameters = {prm.diameter};
      if (array_filling())
        {
          array_mesh = std::make_unique<Triangulation<3>>();
          fem::read_gmsh_mesh(*array_mesh,
                              prm.mesh_file,
                              "Nanomolding/Mesh file",
                              0);
          array = fem::find_pores(*array_mesh, "Nanomolding/Mesh file");
          diameters.clear();
          for (const auto &pore : array.pores)
            {
              diameters.push_back(pore.diameter * prm.diameter);
              if (prm.capillarity)
                input.check_meniscus_apex(pore.diameter);
            }
        }
      pores.clear();
      for (unsigned int i = 0; i < diameters.size(); ++i)
        {
          const double d = diameters[i];
          Pore         pore(material.composition, prm.wire_tubes);
          pore.d = d;
          // an array pore's section is its front's (polygonal) area
          pore.section = array_filling()
                           ? array.pores[i].area * prm.diameter * prm.diameter
                           : numbers::PI * d * d / 4;
          pore.p_cap = prm.capillarity ? rheology::filling::capillary_pressure(
                         material.surface_tension,
                         material.contact_angle,
                         d)
                                       : 0.;
          pores.push_back(pore);
        }
      flow = std::make_unique<fem::StokesSolver<dim>>(comm, prm.stokes, *timer);
    }


    template <int dim>
    std::vector<fem::Table>
    Nanomolding<dim>::tables() const
    {
      std::vector<std::string> columns
        = {"step", "time_s", "T_K", "pressure_Pa"};
      for (unsigned int i = 0; i < pores.size(); ++i)
        for (const char *c : {"length_nm",
                              "length_law_nm",
                              "viscous_velocity_m_per_s",
                              "diffusive_velocity_m_per_s",
                              "viscous_length_nm",
                              "diffusive_length_nm"})
          columns.push_back(pore_name(c, i));
      for (const char *c : {"viscosity_Pa_s", "dofs", "iterations"})
        columns.push_back(c);
      for (unsigned int i = 0; i < pores.size(); ++i)
        for (const auto &e : material.elements)
          columns.push_back(pore_name("tip_" + e + "_at%", i));
      return {{"time_series.csv", columns}};
    }


    template <int dim>
    void
    Nanomolding<dim>::start_new_run()
    {
      for (Pore &pore : pores)
        {
          pore.L                = prm.initial_length * prm.diameter;
          pore.L2_law           = pore.L * pore.L;
          pore.viscous_length   = 0;
          pore.diffusive_length = 0;
          pore.wire.reset(pore.L);
        }
    }


    template <int dim>
    std::string
    Nanomolding<dim>::pore_name(const std::string &name,
                                const unsigned int i) const
    {
      if (!array_filling())
        return name;
      // files: wire_composition_pore3.csv; columns and entries keep their
      // unit at the end: pore3_length_nm
      const std::string pore = "pore" + std::to_string(i);
      const std::string csv  = ".csv";
      if (name.size() > csv.size()
          && name.compare(name.size() - csv.size(), csv.size(), csv) == 0)
        return name.substr(0, name.size() - csv.size()) + "_" + pore + csv;
      return pore + "_" + name;
    }


    template <int dim>
    void
    Nanomolding<dim>::solve_flow(const double               t,
                                 const std::vector<double> &lengths)
    {
      const double T  = input.temperature.value(t);
      const double eN = material.viscosity.newtonian(T);
      const double d  = prm.diameter;
      MoldFlow     mold;
      if constexpr (dim == 3)
        if (array_filling())
          {
            std::vector<double> in_diameters;
            for (const double L : lengths)
              in_diameters.push_back(L / d);
            // with capillarity each pore ends in the cap of its contact
            // angle, pulled by surface tension through its curvature
            if (prm.capillarity)
              {
                for (const auto &pore : array.pores)
                  mold.pore_menisci.emplace_back(material.contact_angle,
                                                 0.5 * pore.diameter);
                mold.gamma = material.surface_tension / (P * d);
              }
            fem::make_array_mesh(flow->mesh(),
                                 *array_mesh,
                                 array,
                                 in_diameters,
                                 prm.mesh_refinements,
                                 mold.pore_menisci);
            mold.pores = &array;
          }
      if (!array_filling())
        fem::make_pore_mesh(flow->mesh(), prm.pore, lengths[0] / d);
      // a curved front carries the capillary pressure through its shape
      const fem::Meniscus meniscus = fem::pore_meniscus(prm.pore);
      mold.p_top                   = input.pressure.value(t) / P;
      mold.p_front                 = meniscus.flat() ? -pores[0].p_cap / P : 0.;
      if (!array_filling())
        mold.gamma = meniscus.flat() ? 0. : material.surface_tension / (P * d);
      mold.meniscus   = meniscus;
      mold.eta_N      = eN;
      mold.eta_ref    = eta_ref;
      mold.tau0       = rheology::eyring_stress(T, material.activation_volume);
      mold.U          = U;
      mold.d          = d;
      mold.thinning   = prm.shear_thinning;
      last.iterations = flow->solve(mold_flow_problem<dim>(mold));
      dofs            = flow->n_dofs();
      flow_time       = t;
      flow_lengths    = lengths;
    }


    template <int dim>
    void
    Nanomolding<dim>::front_speeds(const double T, const double p)
    {
      const unsigned int  n = pores.size();
      const double        d = prm.diameter;
      std::vector<double> p_entrance(n, p);
      for (Pore &pore : pores)
        pore.v_visc = pore.v_diff = 0;
      if (prm.viscous_flow)
        {
          std::vector<double> lengths;
          for (const Pore &pore : pores)
            lengths.push_back(pore.L);
          solve_flow(time, lengths);
          typename fem::StokesSolver<dim>::Region region
            = [](const Point<dim> &) { return 0u; };
          if constexpr (dim == 3)
            if (array_filling())
              region = [this](const Point<dim> &x) { return array.pore_at(x); };
          const auto flux = flow->boundary_flux(fem::front, region, n);
          // the 3D pore's section is a polygon inside the circle: the
          // volume it fills per length is its area
          if (dim == 3 && !array_filling())
            pores[0].section = flow->boundary_area(fem::pressed) * d * d;
          // the wall layer starts where the pore does: its chemical
          // potential there is set by the pressure the flow leaves
          p_entrance = flow->entrance_pressure(region, n);
          for (unsigned int i = 0; i < n; ++i)
            {
              // the outward normal of the front points down the pore
              pores[i].v_visc
                = std::max(0., flux[i] * U * d * d / pores[i].section);
              p_entrance[i] *= P;
            }
        }
      if (prm.interface_diffusion)
        for (unsigned int i = 0; i < n; ++i)
          {
            Pore &pore = pores[i];
            pore.v_diff
              = 4. * material.wall_layer
                * material.mean_interface_diffusivity(T)
                * std::max(0., p_entrance[i] + pore.p_cap)
                * material.atomic_volume
                / (pore.d * rheology::boltzmann_constant * T * pore.L);
          }
      for (Pore &pore : pores)
        if (pore_full(pore))
          pore.v_visc = pore.v_diff = 0; // the front stands on the bottom
    }


    template <int dim>
    double
    Nanomolding<dim>::advance()
    {
      const double t_end       = time_prm.end_time;
      const auto  &pressure    = input.pressure;
      const auto  &temperature = input.temperature;
      const double T           = temperature.value(time);
      const double p           = pressure.value(time);
      last                     = StepRecord();
      last.T                   = T;
      last.p                   = p;
      last.eta_N               = material.viscosity.newtonian(T);
      front_speeds(T, p);

      double dt = std::min(t_end - time, time_prm.maximum_time_step);
      dt        = std::min(dt, pressure.next_breakpoint_after(time) - time);
      dt        = std::min(dt, temperature.next_breakpoint_after(time) - time);
      // resolve pressure ramps: at most 5 % of the largest pressure per
      // step, since the step uses the pressure at its start
      if (pressure.rate(time) != 0)
        dt = std::min(dt, 0.05 * P / std::abs(pressure.rate(time)));
      const double depth = prm.pore_depth;
      for (const Pore &pore : pores)
        {
          const double rate = pore.v_visc + pore.v_diff;
          if (!(rate > 0))
            continue;
          dt = std::min(dt, prm.length_increment * pore.L / rate);
          // d(L^2)/dt = 2 L dL/dt is constant for both filling laws, so
          // the step is exact for them whatever its size; the first front
          // to reach the bottom of a pore of finite depth ends the step
          if (depth > 0
              && pore.L * pore.L + 2 * pore.L * rate * dt > depth * depth)
            dt = (depth * depth - pore.L * pore.L) / (2 * pore.L * rate);
        }
      for (Pore &pore : pores)
        fill(pore, dt, T);
      return dt;
    }


    template <int dim>
    void
    Nanomolding<dim>::fill(Pore &pore, const double dt, const double T)
    {
      const auto  &pressure    = input.pressure;
      const auto  &temperature = input.temperature;
      const double d           = pore.d;
      const double L           = pore.L;
      const double rate        = pore.v_visc + pore.v_diff;
      // a front on the bottom stays there (rounding of the last step)
      const double L_new
        = pore_full(pore) ? L : std::sqrt(L * L + 2 * L * rate * dt);
      const double        dL         = L_new - L;
      const double        share_visc = rate > 0 ? pore.v_visc / rate : 0.;
      const unsigned int  K          = material.elements.size();
      std::vector<double> tip(K, 0.);
      if (pore.v_diff > 0)
        {
          const std::vector<double> Q
            = rheology::filling::wall_volume_rates(material, d, L, 1., T);
          double Qs = 0;
          for (const double q : Q)
            Qs += q;
          for (unsigned int k = 0; k < K; ++k)
            tip[k] = dL * (1 - share_visc) * Q[k] / Qs;
        }
      pore.wire.add(dL * share_visc, tip, time + 0.5 * dt);
      pore.viscous_length += dL * share_visc;
      pore.diffusive_length += dL * (1 - share_visc);
      // the same history integrated with the analytic coefficients
      const double p_mid = pressure.value(time + 0.5 * dt) + pore.p_cap;
      const double T_mid = temperature.value(time + 0.5 * dt);
      double       Klaw  = 0;
      if (prm.viscous_flow)
        Klaw += rheology::filling::viscous_coefficient(
          std::max(0., p_mid),
          d,
          material.viscosity.newtonian(T_mid));
      if (prm.interface_diffusion)
        Klaw += rheology::filling::diffusive_coefficient(
          std::max(0., p_mid),
          d,
          material.wall_layer * material.mean_interface_diffusivity(T_mid),
          material.atomic_volume,
          T_mid);
      if (!pore_full(pore))
        pore.L2_law += Klaw * dt;
      pore.L = L_new;
    }


    template <int dim>
    bool
    Nanomolding<dim>::pore_full(const Pore &pore) const
    {
      return prm.pore_depth > 0 && pore.L >= prm.pore_depth * (1 - 1e-12);
    }


    template <int dim>
    bool
    Nanomolding<dim>::finished() const
    {
      if (fem::Simulator::finished())
        return true;
      for (const Pore &pore : pores)
        if (!pore_full(pore))
          return false;
      return true;
    }


    template <int dim>
    void
    Nanomolding<dim>::write_rows()
    {
      if (step == 0)
        return;
      std::vector<double> row = {double(step), time, last.T, last.p};
      for (const Pore &pore : pores)
        row.insert(row.end(),
                   {pore.L * nm_per_m,
                    std::sqrt(pore.L2_law) * nm_per_m,
                    pore.v_visc,
                    pore.v_diff,
                    pore.viscous_length * nm_per_m,
                    pore.diffusive_length * nm_per_m});
      row.insert(row.end(),
                 {last.eta_N, double(dofs), double(last.iterations)});
      for (const Pore &pore : pores)
        for (const double x : pore.wire.composition_at(pore.L * 0.999999))
          row.push_back(100 * x);
      table(0).add_row(row);
    }


    template <int dim>
    std::string
    Nanomolding<dim>::progress_details() const
    {
      char text[128];
      if (array_filling())
        {
          double shortest = pores[0].L, longest = pores[0].L;
          for (const Pore &pore : pores)
            {
              shortest = std::min(shortest, pore.L);
              longest  = std::max(longest, pore.L);
            }
          std::snprintf(text,
                        sizeof(text),
                        "L %9.3f to %9.3f nm in %zu pores  FGMRES %4u",
                        shortest * 1e9,
                        longest * 1e9,
                        pores.size(),
                        flow->linear_iterations());
          return text;
        }
      std::snprintf(text,
                    sizeof(text),
                    "L %9.3f nm  L/d %7.3f  FGMRES %4u",
                    pores[0].L * 1e9,
                    pores[0].L / prm.diameter,
                    flow->linear_iterations());
      return text;
    }


    template <int dim>
    void
    Nanomolding<dim>::finish()
    {
      if (finished() && !fem::Simulator::finished())
        pcout << (pores.size() == 1 ? "The pore is full" : "The pores are full")
              << " (depth " << prm.pore_depth * 1e9 << " nm) at t = " << time
              << " s" << std::endl;
      if (array_filling())
        write_pore_table();
      crystallization_report.clear();
      for (unsigned int i = 0; i < pores.size(); ++i)
        {
          write_wire_composition(i);
          if (input.kinetics)
            {
              TimerOutput::Scope scope(*timer, "crystallization");
              if (array_filling())
                crystallization_report += "Pore " + std::to_string(i) + ": ";
              crystallization_report
                += report_cross_sections(i, crystallize_slices(i));
            }
        }
      if (prm.viscous_flow)
        {
          if (!flow->has_solution())
            solve_flow(flow_time, flow_lengths);
          flow->write_fields(output_prm.directory, "final", U, P);
        }
    }


    template <int dim>
    void
    Nanomolding<dim>::write_pore_table() const
    {
      base::CsvWriter table(output_prm.directory + "/pores.csv",
                            {"pore",
                             "x_nm",
                             "y_nm",
                             "diameter_nm",
                             "length_nm",
                             "viscous_length_nm",
                             "diffusive_length_nm"},
                            is_root());
      for (unsigned int i = 0; i < pores.size(); ++i)
        table.add_row({double(i),
                       array.pores[i].x * prm.diameter * nm_per_m,
                       array.pores[i].y * prm.diameter * nm_per_m,
                       pores[i].d * nm_per_m,
                       pores[i].L * nm_per_m,
                       pores[i].viscous_length * nm_per_m,
                       pores[i].diffusive_length * nm_per_m});
    }


    template <int dim>
    void
    Nanomolding<dim>::write_wire_composition(const unsigned int i) const
    {
      if (!is_root())
        return;
      const Pore   &pore = pores[i];
      const double  L    = pore.L;
      std::ofstream out(output_prm.directory + "/"
                        + pore_name("wire_composition.csv", i));
      out << "z_nm,z_over_L_fraction";
      for (const auto &e : material.elements)
        out << "," << e << "_at%";
      out << "\n" << std::setprecision(10);
      const unsigned int n = 200;
      for (unsigned int i = 0; i < n; ++i)
        {
          const double z = (i + 0.5) / n * L;
          out << z * nm_per_m << "," << z / L;
          for (const double x : pore.wire.composition_at(z))
            out << "," << 100 * x;
          out << "\n";
        }
    }


    template <int dim>
    std::string
    Nanomolding<dim>::summary() const
    {
      std::ostringstream out;
      out << "Final: t = " << time << " s";
      for (unsigned int i = 0; i < pores.size(); ++i)
        {
          const Pore               &pore = pores[i];
          const std::vector<double> mean = pore.wire.mean_composition();
          out << (array_filling() ? "\n  pore " + std::to_string(i) + " (d = "
                                      + std::to_string(pore.d * 1e9) + " nm):"
                                  : std::string(","))
              << " L = " << pore.L * 1e9 << " nm, L/d = " << pore.L / pore.d
              << ", analytic law L = " << std::sqrt(pore.L2_law) * 1e9
              << " nm\n  viscous share of the wire "
              << pore.viscous_length
                   / (pore.viscous_length + pore.diffusive_length + 1e-300)
              << "; mean composition";
          for (unsigned int k = 0; k < material.elements.size(); ++k)
            out << " " << material.elements[k] << " " << 100 * mean[k];
          out << " at.%";
        }
      out << "\n" << crystallization_report;
      return out.str();
    }


    template <int dim>
    std::string
    Nanomolding<dim>::result_files() const
    {
      std::string files
        = "time_series.csv, " + pore_name("wire_composition.csv", 0);
      if (input.kinetics)
        files += ", " + pore_name("wire_crystallization.csv", 0) + ", "
                 + pore_name("wire_crystallization_segments.csv", 0);
      if (array_filling())
        files += " (and the other pores'), pores.csv";
      if (prm.viscous_flow)
        files += ", final_00.pvtu";
      return files + ", checkpoint/";
    }


    template <int dim>
    void
    Nanomolding<dim>::save_entries(fem::CheckpointState &state) const
    {
      for (unsigned int i = 0; i < pores.size(); ++i)
        {
          const Pore &pore = pores[i];
          state.set(pore_name("length", i), pore.L);
          state.set(pore_name("length law squared", i), pore.L2_law);
          state.set(pore_name("viscous length", i), pore.viscous_length);
          state.set(pore_name("diffusive length", i), pore.diffusive_length);
          state.set(pore_name("flow length", i),
                    i < flow_lengths.size() ? flow_lengths[i] : pore.L);
          state.set(pore_name("wire", i), pore.wire.serialize());
        }
      state.set("flow time", flow_time);
    }


    template <int dim>
    void
    Nanomolding<dim>::load_entries(const fem::CheckpointState &state)
    {
      flow_lengths.clear();
      for (unsigned int i = 0; i < pores.size(); ++i)
        {
          Pore &pore  = pores[i];
          pore.L      = state.get_double(pore_name("length", i));
          pore.L2_law = state.get_double(pore_name("length law squared", i));
          pore.viscous_length
            = state.get_double(pore_name("viscous length", i));
          pore.diffusive_length
            = state.get_double(pore_name("diffusive length", i));
          flow_lengths.push_back(state.get_double(pore_name("flow length", i)));
          pore.wire.deserialize(state.get_string(pore_name("wire", i)));
        }
      flow_time = state.get_double("flow time");
    }


    template <int dim>
    kinetics::SegmentCrystallizationSettings
    Nanomolding<dim>::crystallization_settings(const Pore &pore) const
    {
      kinetics::SegmentCrystallizationSettings settings;
      settings.interface_area_per_volume
        = prm.wall_nucleation ? 4. / pore.d : 0.;
      settings.threshold            = prm.crystallization_threshold;
      settings.max_temperature_step = prm.max_temperature_step;
      return settings;
    }


    template <int dim>
    std::vector<double>
    Nanomolding<dim>::crystallize_slices(const unsigned int i) const
    {
      const Pore                       &pore = pores[i];
      const auto                       &wire = pore.wire;
      const rheology::MoldingMaterial  &mat  = material;
      const kinetics::KineticsMaterial &kin  = *input.kinetics;
      const auto   settings                  = crystallization_settings(pore);
      const double t                         = time;
      const double T_end                     = input.temperature.value(t);

      // the wire's fractions in the element order of the kinetics file
      const auto to_kinetics = [&](const std::vector<double> &x) {
        if (kin.elements.empty())
          return x;
        std::vector<double> y;
        for (const std::string &e : kin.elements)
          y.push_back(x[std::find(mat.elements.begin(), mat.elements.end(), e)
                        - mat.elements.begin()]);
        return y;
      };

      const auto               segments = wire.segments();
      const unsigned int       N        = wire.n_tubes();
      std::vector<std::string> columns
        = {"tube", "r_inner_nm", "r_outer_nm", "z_bottom_nm", "z_top_nm"};
      for (const auto &e : mat.elements)
        columns.push_back(e + "_at%");
      for (const char *c : {"born_s",
                            "entered_s",
                            "age_s",
                            "nucleation_rate_per_m3_s",
                            "growth_rate_m_per_s",
                            "grain_radius_nm",
                            "crystal_fraction",
                            "time_to_threshold_s",
                            "crystalline"})
        columns.push_back(c);
      base::CsvWriter csv(output_prm.directory + "/"
                            + pore_name("wire_crystallization_segments.csv", i),
                          columns,
                          is_root());
      // every slice of every streamtube: its own composition and age
      std::vector<double> X(segments.size());
      for (unsigned int j = 0; j < segments.size(); ++j)
        {
          const auto                            &s = segments[j];
          const kinetics::SegmentCrystallization c
            = kinetics::crystallize_segment(kin,
                                            to_kinetics(s.x),
                                            input.temperature,
                                            s.born,
                                            s.entered,
                                            t,
                                            T_end,
                                            settings);
          X[j] = c.fraction;
          std::vector<double> row
            = {double(s.tube),
               0.5 * pore.d * std::sqrt(double(s.tube) / N) * nm_per_m,
               0.5 * pore.d * std::sqrt(double(s.tube + 1) / N) * nm_per_m,
               s.bottom * nm_per_m,
               (s.bottom + s.thickness) * nm_per_m};
          for (const double x : s.x)
            row.push_back(100 * x);
          row.insert(row.end(),
                     {s.born,
                      s.entered,
                      t - s.born,
                      c.nucleation,
                      c.growth,
                      c.radius * nm_per_m,
                      c.fraction,
                      c.time_to_threshold,
                      double(c.fraction >= settings.threshold)});
          csv.add_row(row);
        }
      return X;
    }


    template <int dim>
    std::string
    Nanomolding<dim>::report_cross_sections(const unsigned int         i,
                                            const std::vector<double> &X) const
    {
      const auto              &wire     = pores[i].wire;
      const auto               settings = crystallization_settings(pores[i]);
      const auto               segments = wire.segments();
      const unsigned int       N        = wire.n_tubes();
      const unsigned int       K        = material.elements.size();
      std::vector<std::string> columns
        = {"z_bottom_nm", "z_top_nm", "z_over_L_fraction"};
      for (const auto &e : material.elements)
        columns.push_back(e + "_at%");
      for (const char *c : {"crystal_fraction", "crystalline"})
        columns.push_back(c);
      base::CsvWriter profile(output_prm.directory + "/"
                                + pore_name("wire_crystallization.csv", i),
                              columns,
                              is_root());
      // cross-section means (what a line scan sees), root first
      const double        length = wire.length();
      std::vector<double> thickness, fraction;
      double              X_max = 0, z_max = 0, crystalline = 0;
      for (const auto &c : wire.cross_sections())
        {
          std::vector<double> x(K, 0.);
          double              X_mean = 0;
          for (const unsigned int j : c.segment)
            {
              for (unsigned int k = 0; k < K; ++k)
                x[k] += segments[j].x[k] / N;
              X_mean += X[j] / N;
            }
          const bool          done = X_mean >= settings.threshold;
          std::vector<double> row  = {c.bottom * nm_per_m,
                                      c.top * nm_per_m,
                                      0.5 * (c.bottom + c.top) / length};
          for (const double v : x)
            row.push_back(100 * v);
          row.insert(row.end(), {X_mean, double(done)});
          profile.add_row(row);
          thickness.push_back(c.top - c.bottom);
          fraction.push_back(X_mean);
          crystalline += done ? c.top - c.bottom : 0.;
          if (X_mean > X_max)
            X_max = X_mean, z_max = 0.5 * (c.bottom + c.top);
        }
      const double       onset = kinetics::crystallization_onset(thickness,
                                                           fraction,
                                                           settings.threshold);
      std::ostringstream out;
      out << "Crystallization along the wire (" << input.kinetics->name
          << ", X >= " << settings.threshold << ", wall area per volume "
          << settings.interface_area_per_volume * 1e-9 << " 1/nm, " << N
          << " streamtubes):\n  ";
      if (onset >= 0)
        out << "the wire crystallizes beyond z = " << onset * 1e9
            << " nm (z/L = " << onset / length << "); crystalline share "
            << crystalline / length << "\n";
      else
        out << "the wire stays amorphous; largest X = " << X_max
            << " at z = " << z_max * 1e9 << " nm (z/L = " << z_max / length
            << ")"
            << "\n";
      return out.str();
    }


    template class Nanomolding<2>;
    template class Nanomolding<3>;
  } // namespace models
} // namespace vitrum
