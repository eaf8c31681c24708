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
        , wire(material.composition, prm.wire_tubes)
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
          << " m^2/s, capillary pressure " << p_cap << " Pa\n";
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
      U            = P * prm.diameter / eta_ref;
      pore_section = numbers::PI * prm.diameter * prm.diameter / 4;
      p_cap
        = prm.capillarity
            ? rheology::filling::capillary_pressure(material.surface_tension,
                                                    material.contact_angle,
                                                    prm.diameter)
            : 0.;
      flow = std::make_unique<fem::StokesSolver<dim>>(comm, prm.stokes, *timer);
    }


    template <int dim>
    std::vector<fem::Table>
    Nanomolding<dim>::tables() const
    {
      std::vector<std::string> columns = {"step",
                                          "time_s",
                                          "T_K",
                                          "pressure_Pa",
                                          "length_nm",
                                          "length_law_nm",
                                          "viscous_velocity_m_per_s",
                                          "diffusive_velocity_m_per_s",
                                          "viscous_length_nm",
                                          "diffusive_length_nm",
                                          "viscosity_Pa_s",
                                          "dofs",
                                          "iterations"};
      for (const auto &e : material.elements)
        columns.push_back("tip_" + e + "_at%");
      return {{"time_series.csv", columns}};
    }


    template <int dim>
    void
    Nanomolding<dim>::start_new_run()
    {
      L                = prm.initial_length * prm.diameter;
      L2_law           = L * L;
      viscous_length   = 0;
      diffusive_length = 0;
      wire.reset(L);
    }


    template <int dim>
    void
    Nanomolding<dim>::solve_flow(const double t, const double length)
    {
      const double T  = input.temperature.value(t);
      const double eN = material.viscosity.newtonian(T);
      const double d  = prm.diameter;
      fem::make_pore_mesh(flow->mesh(), prm.pore, length / d);
      // a curved front carries the capillary pressure through its shape
      const fem::Meniscus meniscus = fem::pore_meniscus(prm.pore);
      MoldFlow            mold;
      mold.p_top    = input.pressure.value(t) / P;
      mold.p_front  = meniscus.flat() ? -p_cap / P : 0.;
      mold.gamma    = meniscus.flat() ? 0. : material.surface_tension / (P * d);
      mold.meniscus = meniscus;
      mold.eta_N    = eN;
      mold.eta_ref  = eta_ref;
      mold.tau0     = rheology::eyring_stress(T, material.activation_volume);
      mold.U        = U;
      mold.d        = d;
      mold.thinning = prm.shear_thinning;
      last.iterations = flow->solve(mold_flow_problem<dim>(mold));
      dofs            = flow->n_dofs();
      // the 3D pore's section is a polygon inside the circle: the volume it
      // fills per length is its area
      if (dim == 3)
        pore_section = flow->boundary_area(fem::pressed) * d * d;
      flow_time   = t;
      flow_length = length;
    }


    template <int dim>
    double
    Nanomolding<dim>::advance()
    {
      const double d           = prm.diameter;
      const double t_end       = time_prm.end_time;
      const auto  &pressure    = input.pressure;
      const auto  &temperature = input.temperature;
      const double T           = temperature.value(time);
      const double p           = pressure.value(time);
      last                     = StepRecord();
      last.T                   = T;
      last.p                   = p;
      last.eta_N               = material.viscosity.newtonian(T);
      double p_entrance        = p;
      if (prm.viscous_flow)
        {
          solve_flow(time, L);
          // the outward normal of the front points down the pore
          last.v_visc = std::max(0.,
                                 flow->boundary_flux(fem::front) * U * d * d
                                   / pore_section);
          // the wall layer starts where the pore does: its chemical
          // potential there is set by the pressure the flow leaves
          p_entrance = flow->entrance_pressure() * P;
        }
      if (prm.interface_diffusion)
        last.v_diff
          = 4. * material.wall_layer * material.mean_interface_diffusivity(T)
            * std::max(0., p_entrance + p_cap) * material.atomic_volume
            / (d * rheology::boltzmann_constant * T * L);
      const double rate = last.v_visc + last.v_diff;
      double       dt   = std::min(t_end - time, time_prm.maximum_time_step);
      dt = std::min(dt, pressure.next_breakpoint_after(time) - time);
      dt = std::min(dt, temperature.next_breakpoint_after(time) - time);
      if (rate > 0)
        dt = std::min(dt, prm.length_increment * L / rate);
      // resolve pressure ramps: at most 5 % of the largest pressure per
      // step, since the step uses the pressure at its start
      if (pressure.rate(time) != 0)
        dt = std::min(dt, 0.05 * P / std::abs(pressure.rate(time)));
      // d(L^2)/dt = 2 L dL/dt is constant for both filling laws, so the
      // step is exact for them whatever its size
      // the front reaches the bottom of a pore of finite depth
      const double depth = prm.pore_depth;
      if (depth > 0 && rate > 0 && L * L + 2 * L * rate * dt > depth * depth)
        dt = (depth * depth - L * L) / (2 * L * rate);
      const double        L_new      = std::sqrt(L * L + 2 * L * rate * dt);
      const double        dL         = L_new - L;
      const double        share_visc = rate > 0 ? last.v_visc / rate : 0.;
      const unsigned int  K          = material.elements.size();
      std::vector<double> tip(K, 0.);
      if (last.v_diff > 0)
        {
          const std::vector<double> Q
            = rheology::filling::wall_volume_rates(material, d, L, 1., T);
          double Qs = 0;
          for (const double q : Q)
            Qs += q;
          for (unsigned int k = 0; k < K; ++k)
            tip[k] = dL * (1 - share_visc) * Q[k] / Qs;
        }
      wire.add(dL * share_visc, tip, time + 0.5 * dt);
      viscous_length += dL * share_visc;
      diffusive_length += dL * (1 - share_visc);
      // the same history integrated with the analytic coefficients
      const double p_mid = pressure.value(time + 0.5 * dt) + p_cap;
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
      L2_law += Klaw * dt;
      L = L_new;
      return dt;
    }


    template <int dim>
    bool
    Nanomolding<dim>::pore_full() const
    {
      return prm.pore_depth > 0 && L >= prm.pore_depth * (1 - 1e-12);
    }


    template <int dim>
    bool
    Nanomolding<dim>::finished() const
    {
      return fem::Simulator::finished() || pore_full();
    }


    template <int dim>
    void
    Nanomolding<dim>::write_rows()
    {
      if (step == 0)
        return;
      std::vector<double> row = {double(step),
                                 time,
                                 last.T,
                                 last.p,
                                 L * nm_per_m,
                                 std::sqrt(L2_law) * nm_per_m,
                                 last.v_visc,
                                 last.v_diff,
                                 viscous_length * nm_per_m,
                                 diffusive_length * nm_per_m,
                                 last.eta_N,
                                 double(dofs),
                                 double(last.iterations)};
      for (const double x : wire.composition_at(L * 0.999999))
        row.push_back(100 * x);
      table(0).add_row(row);
    }


    template <int dim>
    std::string
    Nanomolding<dim>::progress_details() const
    {
      char text[96];
      std::snprintf(text,
                    sizeof(text),
                    "L %9.3f nm  L/d %7.3f  FGMRES %4u",
                    L * 1e9,
                    L / prm.diameter,
                    flow->linear_iterations());
      return text;
    }


    template <int dim>
    void
    Nanomolding<dim>::finish()
    {
      if (pore_full())
        pcout << "The pore is full (depth " << prm.pore_depth * 1e9
              << " nm) at t = " << time << " s" << std::endl;
      write_wire_composition();
      if (input.kinetics)
        {
          TimerOutput::Scope scope(*timer, "crystallization");
          crystallization_report = report_cross_sections(crystallize_slices());
        }
      if (prm.viscous_flow)
        {
          if (!flow->has_solution())
            solve_flow(flow_time, flow_length);
          flow->write_fields(output_prm.directory, "final", U, P);
        }
    }


    template <int dim>
    void
    Nanomolding<dim>::write_wire_composition() const
    {
      if (!is_root())
        return;
      std::ofstream out(output_prm.directory + "/wire_composition.csv");
      out << "z_nm,z_over_L_fraction";
      for (const auto &e : material.elements)
        out << "," << e << "_at%";
      out << "\n" << std::setprecision(10);
      const unsigned int n = 200;
      for (unsigned int i = 0; i < n; ++i)
        {
          const double z = (i + 0.5) / n * L;
          out << z * nm_per_m << "," << z / L;
          for (const double x : wire.composition_at(z))
            out << "," << 100 * x;
          out << "\n";
        }
    }


    template <int dim>
    std::string
    Nanomolding<dim>::summary() const
    {
      const std::vector<double> mean = wire.mean_composition();
      std::ostringstream        out;
      out << "Final: t = " << time << " s, L = " << L * 1e9
          << " nm, L/d = " << L / prm.diameter
          << ", analytic law L = " << std::sqrt(L2_law) * 1e9
          << " nm\n  viscous share of the wire "
          << viscous_length / (viscous_length + diffusive_length + 1e-300)
          << "; mean composition";
      for (unsigned int k = 0; k < material.elements.size(); ++k)
        out << " " << material.elements[k] << " " << 100 * mean[k];
      out << " at.%\n" << crystallization_report;
      return out.str();
    }


    template <int dim>
    std::string
    Nanomolding<dim>::result_files() const
    {
      std::string files = "time_series.csv, wire_composition.csv";
      if (input.kinetics)
        files += ", wire_crystallization.csv, "
                 "wire_crystallization_segments.csv";
      if (prm.viscous_flow)
        files += ", final_00.pvtu";
      return files + ", checkpoint/";
    }


    template <int dim>
    void
    Nanomolding<dim>::save_entries(fem::CheckpointState &state) const
    {
      state.set("length", L);
      state.set("length law squared", L2_law);
      state.set("viscous length", viscous_length);
      state.set("diffusive length", diffusive_length);
      state.set("flow time", flow_time);
      state.set("flow length", flow_length);
      state.set("wire", wire.serialize());
    }


    template <int dim>
    void
    Nanomolding<dim>::load_entries(const fem::CheckpointState &state)
    {
      L                = state.get_double("length");
      L2_law           = state.get_double("length law squared");
      viscous_length   = state.get_double("viscous length");
      diffusive_length = state.get_double("diffusive length");
      flow_time        = state.get_double("flow time");
      flow_length      = state.get_double("flow length");
      wire.deserialize(state.get_string("wire"));
    }


    template <int dim>
    kinetics::SegmentCrystallizationSettings
    Nanomolding<dim>::crystallization_settings() const
    {
      kinetics::SegmentCrystallizationSettings settings;
      settings.interface_area_per_volume
        = prm.wall_nucleation ? 4. / prm.diameter : 0.;
      settings.threshold            = prm.crystallization_threshold;
      settings.max_temperature_step = prm.max_temperature_step;
      return settings;
    }


    template <int dim>
    std::vector<double>
    Nanomolding<dim>::crystallize_slices() const
    {
      const rheology::MoldingMaterial  &mat      = material;
      const kinetics::KineticsMaterial &kin      = *input.kinetics;
      const auto                        settings = crystallization_settings();
      const double                      t        = time;
      const double                      T_end    = input.temperature.value(t);

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
      base::CsvWriter csv(output_prm.directory
                            + "/wire_crystallization_segments.csv",
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
               0.5 * prm.diameter * std::sqrt(double(s.tube) / N) * nm_per_m,
               0.5 * prm.diameter * std::sqrt(double(s.tube + 1) / N)
                 * nm_per_m,
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
    Nanomolding<dim>::report_cross_sections(const std::vector<double> &X) const
    {
      const auto               settings = crystallization_settings();
      const auto               segments = wire.segments();
      const unsigned int       N        = wire.n_tubes();
      const unsigned int       K        = material.elements.size();
      std::vector<std::string> columns
        = {"z_bottom_nm", "z_top_nm", "z_over_L_fraction"};
      for (const auto &e : material.elements)
        columns.push_back(e + "_at%");
      for (const char *c : {"crystal_fraction", "crystalline"})
        columns.push_back(c);
      base::CsvWriter profile(output_prm.directory
                                + "/wire_crystallization.csv",
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
