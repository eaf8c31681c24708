#include <deal.II/base/mpi.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>
#include <vitrum/fem/output.h>
#include <vitrum/models/crystallization.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace vitrum
{
  namespace models
  {
    using dealii::ParameterHandler;
    namespace P = dealii::Patterns;

    namespace
    {
      std::vector<double>
      parse_rates(const std::string &text)
      {
        std::vector<double> rates;
        for (const auto &r : dealii::Utilities::split_string_list(text))
          rates.push_back(dealii::Utilities::string_to_double(r) / 60);
        return rates;
      }

      /// T where the samples first reach X (linear in between), or NaN.
      template <class Samples>
      double
      temperature_at_fraction(const Samples &s, const double X)
      {
        // Already past X where the samples start: no crossing to report.
        if (s.empty() || s.front().fraction >= X)
          return std::nan("");
        for (std::size_t i = 1; i < s.size(); ++i)
          if (s[i].fraction >= X)
            {
              const double w
                = (X - s[i - 1].fraction) / (s[i].fraction - s[i - 1].fraction);
              return s[i - 1].temperature
                     + w * (s[i].temperature - s[i - 1].temperature);
            }
        return std::nan("");
      }
    } // namespace


    void
    CrystallizationParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Crystallization");
      prm.declare_entry("Mode",
                        "mean field",
                        P::Selection("mean field|phase field"),
                        "mean field: one glass composition, rates integrated "
                        "by the JMAK extended-volume construction (no mesh). "
                        "phase field: stochastic nucleation and Allen-Cahn "
                        "growth of crystals on an adaptive mesh, with "
                        "Arrhenius rates or those of the kinetics file, "
                        "optionally along the composition history of a "
                        "partitioning run (subsection 'Crystallization "
                        "field').");
      prm.declare_entry("Kinetics file",
                        "parameter_files/materials/TiZrNbHf-glass-kinetics.prm",
                        P::FileName(),
                        "Kinetics material file (nucleation, growth, "
                        "transport, DSC enthalpy; names its thermodynamic "
                        "file). Relative paths: working directory, then "
                        "vitrum's data folder (share/vitrum of an "
                        "installation, the source tree of a build).");
      prm.declare_entry("Glass composition",
                        "Ti: 21.9, Zr: 22.0, Nb: 20.6, Hf: 22.5, Cr: 3.0, "
                        "Co: 2.5, Ni: 7.5",
                        P::Anything(),
                        "at.% of the elements of the thermodynamic file, "
                        "'El: value, ...' (normalized; missing = 0). Ignored "
                        "with the Thompson-Spaepen driving force unless the "
                        "kinetics file lists its Elements (composition "
                        "variable).");
      prm.declare_entry(
        "Composition history",
        "",
        P::Anything(),
        "Output directory of a partitioning run (its profiles/). When set, "
        "the glass composition (mean over the glass bins of each profile, "
        "interpolated in time, the last profile after its time) and the "
        "interface area per volume (interface planes over glass thickness) "
        "follow that run instead of 'Glass composition' and 'Interface area "
        "per volume'; the schedule must give the run's temperatures at the "
        "profile times. The summary then compares the glass as deposited "
        "(first profile) with the glass after the anneal (stability.csv). "
        "TTT and CHT diagrams are of the glass as deposited.");
      prm.declare_entry("Interface area per volume",
                        "0",
                        P::Double(0),
                        "Crystal/glass interface area per glass volume "
                        "(1/nm) for heterogeneous nucleation; 2/h for a "
                        "glass layer of thickness h in a laminate, 0 for a "
                        "bulk glass.");
      prm.declare_entry("Film thickness",
                        "10",
                        base::QuantityPattern(base::nanometres(), 1e-3),
                        "Dimension = 2 only (growth of discs in a film): "
                        "nuclei per area = volume rate times this (nm, or "
                        "with a unit).");
      prm.declare_entry("Transformed fraction for Tx",
                        "0.01",
                        P::Double(1e-6, 0.5),
                        "Crystallized fraction X that defines the TTT and "
                        "CHT curves and the threshold Tx.");
      prm.declare_entry("Maximum temperature step",
                        "0.5",
                        base::QuantityPattern(base::kelvin_difference(),
                                              1e-3,
                                              50),
                        "Largest temperature change (K, or with a unit) in "
                        "one step of a ramp or scan.");
      prm.declare_entry("Maximum fraction step",
                        "0.01",
                        P::Double(1e-5, 0.5),
                        "Largest change of X in one step (resolution of the "
                        "curves).");
      prm.declare_entry("DSC heating rates",
                        "5, 10, 20, 40",
                        P::List(P::Double(1e-6), 1),
                        "Heating rates (K/min) of the simulated DSC scans and "
                        "of the Kissinger analysis (>= 2 for Kissinger).");
      prm.declare_entry("Report heating rate",
                        "20",
                        P::Double(1e-6),
                        "Heating rate (K/min) whose Tx the summary reports; "
                        "added to the scans if missing.");
      prm.declare_entry("DSC start temperature",
                        "300",
                        base::QuantityPattern(base::kelvin(), 1),
                        "Scans start here (K, or with a unit: '25 C') from "
                        "the state the schedule left.");
      prm.declare_entry("DSC end temperature",
                        "1500",
                        base::QuantityPattern(base::kelvin(), 1),
                        "Scans stop here (K, or with a unit) if X has not "
                        "reached 0.9999.");
      prm.declare_entry("TTT temperatures",
                        "500, 1000, 51",
                        P::Anything(),
                        "'T_min, T_max, points' (temperatures in K, or with a "
                        "unit: '200 C, 700 C, 51') of the isothermal TTT "
                        "diagram.");
      prm.declare_entry("CHT heating rates",
                        "0.001, 1000, 25",
                        P::Anything(),
                        "'rate_min, rate_max, points' (K/s, log spaced) of the "
                        "continuous-heating (CHT) diagram.");
      prm.leave_subsection();
    }


    void
    CrystallizationParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Crystallization");
      kinetics_file     = prm.get("Kinetics file");
      composition_text  = prm.get("Glass composition");
      history_directory = prm.get("Composition history");
      interface_density = prm.get_double("Interface area per volume") * 1e9;
      film_thickness    = base::get_quantity(prm,
                                          "Film thickness",
                                          base::nanometres(),
                                          "Crystallization/")
                       * 1e-9;
      threshold            = prm.get_double("Transformed fraction for Tx");
      max_temperature_step = base::get_quantity(prm,
                                                "Maximum temperature step",
                                                base::kelvin_difference(),
                                                "Crystallization/");
      max_fraction_step    = prm.get_double("Maximum fraction step");
      dsc_rates            = parse_rates(prm.get("DSC heating rates"));
      report_rate          = prm.get_double("Report heating rate") / 60;
      dsc_start            = base::get_quantity(prm,
                                     "DSC start temperature",
                                     base::kelvin(),
                                     "Crystallization/");
      dsc_end              = base::get_quantity(prm,
                                   "DSC end temperature",
                                   base::kelvin(),
                                   "Crystallization/");
      // min and max of the TTT diagram are temperatures, of the CHT
      // diagram plain rates (K/s).
      const auto triple = [&](const std::string &entry, const bool kelvin) {
        const auto parts = dealii::Utilities::split_string_list(prm.get(entry));
        const auto bound = [&](const std::string &text) {
          return kelvin ? base::parse_in(text,
                                         base::kelvin(),
                                         "Crystallization/" + entry)
                        : dealii::Utilities::string_to_double(text);
        };
        try
          {
            if (parts.size() == 3)
              return std::make_tuple(bound(parts[0]),
                                     bound(parts[1]),
                                     dealii::Utilities::string_to_int(
                                       parts[2]));
          }
        catch (const InputError &)
          {
            throw;
          }
        catch (...)
          {
          }
        throw InputError("Crystallization/" + entry + ": '" + prm.get(entry)
                         + "' is not 'min, max, points'");
      };
      int n;
      std::tie(ttt_min, ttt_max, n) = triple("TTT temperatures", true);
      if (!(ttt_min > 0 && ttt_max > ttt_min && n >= 2))
        throw InputError("Crystallization/TTT temperatures: need 0 < T_min < "
                         "T_max and at least 2 points");
      ttt_points                    = n;
      std::tie(cht_min, cht_max, n) = triple("CHT heating rates", false);
      if (!(cht_min > 0 && cht_max > cht_min && n >= 2))
        throw InputError("Crystallization/CHT heating rates: need 0 < min < "
                         "max and at least 2 points");
      cht_points = n;
      prm.leave_subsection();
      if (!(dsc_end > dsc_start))
        throw InputError("Crystallization/DSC end temperature must exceed the "
                         "DSC start temperature");
      if (std::none_of(dsc_rates.begin(), dsc_rates.end(), [&](double r) {
            return std::abs(r / report_rate - 1) < 1e-9;
          }))
        dsc_rates.push_back(report_rate);
      std::sort(dsc_rates.begin(), dsc_rates.end());
    }


    void
    declare_crystallization_parameters(ParameterHandler &prm)
    {
      CrystallizationParameters::declare_parameters(prm);
    }


    Crystallization::Crystallization(ParameterHandler &handler,
                                     MPI_Comm          comm,
                                     const int         dim)
        : comm(comm)
        , pcout(std::cout, dealii::Utilities::MPI::this_mpi_process(comm) == 0)
        , temperature(
            base::Schedule::constant(300, base::Quantity::temperature()))
        , dimension(dim)
        , after_schedule(dim)
    {
      prm.parse_parameters(handler);
      material = kinetics::KineticsMaterial::read(
        base::resolve_data_path(prm.kinetics_file));
      if (material.database())
        composition
          = thermo::parse_composition(prm.composition_text,
                                      "Crystallization/Glass composition",
                                      *material.database());
      else if (!material.elements.empty())
        {
          // a composition-dependent estimate without a database: the
          // kinetics file's own element list
          thermo::Material names;
          names.name     = material.name;
          names.elements = material.elements;
          composition
            = thermo::parse_composition(prm.composition_text,
                                        "Crystallization/Glass composition",
                                        names);
        }
      handler.enter_subsection("Temperature");
      temperature = base::Schedule::parse(handler.get("Schedule"),
                                          base::Quantity::temperature());
      handler.leave_subsection();
      fem::OutputParameters output;
      output.parse_parameters(handler);
      output_directory = output.directory;
      // The folder is made in run(): a --dry-run leaves no trace.
    }


    void
    Crystallization::load_history()
    {
      if (prm.history_directory.empty())
        return;
      const std::string entry = "Crystallization/Composition history";
      if (!material.database())
        throw InputError(entry
                         + " needs a kinetics file with a "
                           "thermodynamic database (Thompson-Spaepen "
                           "rates do not depend on composition)");
      history = std::make_unique<kinetics::CompositionHistory>(
        kinetics::CompositionHistory::read(prm.history_directory, entry));
      for (const auto &symbol : history->elements())
        history_to_database.push_back(
          material.database()->element_index(symbol));
      // The rates are evaluated at the schedule's temperature: it must be
      // the one the composition history was made with.
      const double end = temperature.breakpoints().back();
      for (const kinetics::Profile &p : history->profiles())
        if (p.time <= end
            && std::abs(temperature.value(p.time) - p.temperature) > 1)
          {
            std::ostringstream m;
            m << entry << ": the profile at t = " << p.time << " s in '"
              << prm.history_directory << "' was made at " << p.temperature
              << " K, but Temperature/Schedule gives "
              << temperature.value(p.time)
              << " K then; use the partitioning run's schedule";
            throw InputError(m.str());
          }
      if (glass_at(0).composition.empty())
        throw InputError(entry + ": the first profile in '"
                         + prm.history_directory + "' has no glass");
    }


    Crystallization::Glass
    Crystallization::glass_at(const double t) const
    {
      if (!history)
        return {composition, prm.interface_density};
      const kinetics::Profile   p    = history->at(t);
      const std::vector<double> mean = kinetics::mean_glass_composition(p);
      if (mean.empty())
        return {};
      Glass g{std::vector<double>(material.database()->n_components(), 0.),
              kinetics::interface_area_per_glass_volume(p) * 1e9};
      for (std::size_t e = 0; e < mean.size(); ++e)
        g.composition[history_to_database[e]] += mean[e];
      return g;
    }


    kinetics::Rates
    Crystallization::rates_at(const Glass &glass, const double T) const
    {
      if (history && glass.composition.empty())
        throw InputError("Crystallization/Composition history: a profile "
                         "of '"
                         + prm.history_directory
                         + "' along the schedule has no glass left");
      const kinetics::Rates r = material.rates(glass.composition, T);
      if (!std::isfinite(r.homogeneous) || !std::isfinite(r.heterogeneous)
          || !std::isfinite(r.growth))
        throw InputError("Crystallization/Kinetics file '" + prm.kinetics_file
                         + "': the rates are not finite at T = "
                         + std::to_string(T)
                         + " K (a VFT viscosity below its T0 needs a kink "
                           "temperature above T0)");
      return r;
    }


    double
    Crystallization::effective_nucleation(const kinetics::Rates &r,
                                          const Glass           &glass) const
    {
      const double per_volume
        = r.homogeneous + glass.interface_density * r.heterogeneous;
      return dimension == 2 ? per_volume * prm.film_thickness : per_volume;
    }


    double
    Crystallization::per_volume(const double per_m_dim) const
    {
      return dimension == 2 ? per_m_dim / prm.film_thickness : per_m_dim;
    }


    void
    Crystallization::integrate(
      kinetics::JmakIntegrator                  &jmak,
      const std::function<double(double)>       &T_of,
      const std::function<Glass(double)>        &glass_of,
      const double                               dTdt,
      const double                               t0,
      const double                               t1,
      std::vector<Sample>                       &samples,
      const std::function<bool(const Sample &)> &stop) const
    {
      const auto sample
        = [&](double t, double T, const kinetics::Rates &r, double I) {
            return Sample{t,
                          T,
                          jmak.fraction(),
                          jmak.rate(r.growth),
                          r,
                          I,
                          jmak.nuclei()};
          };
      double          t  = t0;
      Glass           g0 = glass_of(t);
      kinetics::Rates r0 = rates_at(g0, T_of(t));
      double          I0 = effective_nucleation(r0, g0);
      if (samples.empty())
        samples.push_back(sample(t, T_of(t), r0, I0));
      const double h_ramp = std::abs(dTdt) > 0
                              ? prm.max_temperature_step / std::abs(dTdt)
                              : std::numeric_limits<double>::infinity();
      double       h      = std::min(h_ramp, 1e-4 * (t1 - t0));
      while (t < t1 * (1 - 1e-14) && !stop(samples.back()))
        {
          h                                  = std::min({h, h_ramp, t1 - t});
          const kinetics::JmakIntegrator old = jmak;
          const Glass                    g1  = glass_of(t + h);
          const kinetics::Rates          r1  = rates_at(g1, T_of(t + h));
          const double                   I1  = effective_nucleation(r1, g1);
          jmak.step(h, I0, I1, r0.growth, r1.growth);
          if (jmak.fraction() - old.fraction() > prm.max_fraction_step
              && h > 1e-12 * (t1 - t0))
            {
              jmak = old;
              h /= 2;
              continue;
            }
          t += h;
          r0 = r1;
          I0 = I1;
          samples.push_back(sample(t, T_of(t), r1, I1));
          h *= 1.25;
        }
    }


    kinetics::JmakIntegrator
    Crystallization::follow_schedule(
      const std::function<Glass(double)> &glass_of,
      std::vector<Sample>                &samples,
      const bool                          along_history) const
    {
      kinetics::JmakIntegrator jmak(dimension);
      std::vector<double>      breaks = temperature.breakpoints();
      // The history is linear between its profiles: a step across one would
      // smear a change of slope, so steps end there too.
      if (along_history)
        {
          for (const kinetics::Profile &p : history->profiles())
            if (p.time > breaks.front() && p.time < breaks.back())
              breaks.push_back(p.time);
          std::sort(breaks.begin(), breaks.end());
        }
      const auto T_of  = [&](double t) { return temperature.value(t); };
      const auto never = [](const Sample &) { return false; };
      for (std::size_t i = 0; i + 1 < breaks.size(); ++i)
        integrate(jmak,
                  T_of,
                  glass_of,
                  temperature.rate(breaks[i]),
                  breaks[i],
                  breaks[i + 1],
                  samples,
                  never);
      if (samples.empty())
        {
          const Glass           g = glass_of(0);
          const kinetics::Rates r = rates_at(g, temperature.value(0));
          samples.push_back(Sample{0,
                                   temperature.value(0),
                                   0,
                                   0,
                                   r,
                                   effective_nucleation(r, g),
                                   0});
        }
      return jmak;
    }


    void
    Crystallization::run_schedule()
    {
      dealii::TimerOutput::Scope scope(*timer, "schedule");
      after_schedule = follow_schedule([this](double t) { return glass_at(t); },
                                       schedule_samples,
                                       history != nullptr);

      base::CsvWriter csv(output_directory + "/crystallization.csv",
                          {"time_s",
                           "T_K",
                           "crystal_fraction",
                           "crystallization_rate_per_s",
                           "nucleation_rate_per_m3_s",
                           "growth_rate_m_per_s",
                           "driving_force_J_per_mol",
                           "diffusivity_m2_per_s",
                           "nuclei_per_m3"},
                          dealii::Utilities::MPI::this_mpi_process(comm) == 0);
      for (const Sample &s : schedule_samples)
        csv.add_row({s.time,
                     s.temperature,
                     s.fraction,
                     s.rate,
                     per_volume(s.nucleation),
                     s.rates.growth,
                     s.rates.driving_force,
                     s.rates.diffusivity,
                     per_volume(s.nuclei)});
    }


    Crystallization::Scan
    Crystallization::dsc_scan(const kinetics::JmakIntegrator &start,
                              const Glass                    &glass,
                              const double                    beta) const
    {
      Scan scan;
      scan.heating_rate             = beta;
      kinetics::JmakIntegrator jmak = start;
      const double             T0   = prm.dsc_start;
      integrate(
        jmak,
        [&](double t) { return T0 + beta * t; },
        [&](double) { return glass; },
        beta,
        0,
        (prm.dsc_end - T0) / beta,
        scan.samples,
        [](const Sample &s) { return s.fraction >= 0.9999; });
      std::vector<double> T, q;
      for (const Sample &s : scan.samples)
        {
          T.push_back(s.temperature);
          q.push_back(s.rate);
        }
      scan.threshold_temperature
        = temperature_at_fraction(scan.samples, prm.threshold);
      // A glass that never reaches the threshold has no Tx, however its
      // (tiny) heat flow varies. One that starts past it (partly
      // crystallized by the schedule) still shows the peak of the rest.
      if (scan.samples.back().fraction < prm.threshold)
        {
          scan.peak.onset = scan.peak.peak = std::nan("");
          return scan;
        }
      try
        {
          scan.peak = kinetics::analyze_dsc_peak(T, q);
        }
      catch (const SolverError &)
        {
          scan.peak.onset = scan.peak.peak = std::nan("");
        }
      return scan;
    }


    void
    Crystallization::run_dsc()
    {
      dealii::TimerOutput::Scope scope(*timer, "DSC scans");
      const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
      base::CsvWriter csv(output_directory + "/dsc.csv",
                          {"heating_rate_K_per_min",
                           "time_s",
                           "T_K",
                           "crystal_fraction",
                           "heat_flow_W_per_mol"},
                          root);
      const Glass     annealed = glass_at(schedule_samples.back().time);
      for (const double beta : prm.dsc_rates)
        {
          scans.push_back(dsc_scan(after_schedule, annealed, beta));
          for (const Sample &s : scans.back().samples)
            csv.add_row({beta * 60,
                         s.time,
                         s.temperature,
                         s.fraction,
                         material.crystallization_enthalpy * s.rate});
        }

      base::CsvWriter     kcsv(output_directory + "/kissinger.csv",
                           {"heating_rate_K_per_min",
                                "onset_K",
                                "peak_K",
                                "threshold_temperature_K",
                                "inverse_peak_per_K",
                                "ln_rate_over_peak_squared_nondim"},
                           root);
      std::vector<double> rates, peaks;
      for (const Scan &s : scans)
        {
          const double b = s.heating_rate, Tp = s.peak.peak;
          kcsv.add_row({b * 60,
                        s.peak.onset,
                        Tp,
                        s.threshold_temperature,
                        1 / Tp,
                        std::log(b * 60 / (Tp * Tp))});
          if (std::isfinite(Tp))
            {
              rates.push_back(b);
              peaks.push_back(Tp);
            }
        }
      if (rates.size() >= 2)
        {
          kissinger_fit  = kinetics::kissinger(rates, peaks);
          kissinger_done = true;
        }
    }


    void
    Crystallization::run_ttt()
    {
      dealii::TimerOutput::Scope scope(*timer, "TTT diagram");
      std::vector<std::string>   columns = {"T_K",
                                            "time_threshold_s",
                                            "time_half_s",
                                            "nucleation_rate_per_m3_s",
                                            "growth_rate_m_per_s",
                                            "driving_force_J_per_mol"};
      // Which crystal nucleates: the nucleus composition (at.%).
      if (material.database())
        for (const std::string &e : material.database()->elements)
          columns.push_back("nucleus_" + e + "_at%");
      base::CsvWriter csv(output_directory + "/ttt.csv",
                          columns,
                          dealii::Utilities::MPI::this_mpi_process(comm) == 0);
      // Constant composition and temperature: constant rates, for which the
      // JMAK integral has its closed form.
      const Glass deposited = glass_at(0);
      for (unsigned int i = 0; i < prm.ttt_points; ++i)
        {
          const double T
            = prm.ttt_min
              + (prm.ttt_max - prm.ttt_min) * i / (prm.ttt_points - 1);
          const kinetics::Rates r = rates_at(deposited, T);
          const double          I = effective_nucleation(r, deposited);
          std::vector<double>   row
            = {T,
               kinetics::jmak_time_to_fraction(I,
                                               r.growth,
                                               prm.threshold,
                                               dimension),
               kinetics::jmak_time_to_fraction(I, r.growth, 0.5, dimension),
               per_volume(I),
               r.growth,
               r.driving_force};
          if (material.database())
            for (const double y : r.nucleus)
              row.push_back(100 * y);
          csv.add_row(row);
        }
    }


    void
    Crystallization::run_cht()
    {
      dealii::TimerOutput::Scope scope(*timer, "CHT diagram");
      base::CsvWriter            csv(output_directory + "/cht.csv",
                          {"heating_rate_K_per_min", "T_K", "time_s"},
                          dealii::Utilities::MPI::this_mpi_process(comm) == 0);
      const double               X         = prm.threshold;
      const Glass                deposited = glass_at(0);
      for (unsigned int i = 0; i < prm.cht_points; ++i)
        {
          const double beta = prm.cht_min
                              * std::pow(prm.cht_max / prm.cht_min,
                                         double(i) / (prm.cht_points - 1));
          kinetics::JmakIntegrator fresh(dimension);
          std::vector<Sample>      samples;
          const double             T0 = prm.dsc_start;
          integrate(
            fresh,
            [&](double t) { return T0 + beta * t; },
            [&](double) { return deposited; },
            beta,
            0,
            (prm.dsc_end - T0) / beta,
            samples,
            [&](const Sample &s) { return s.fraction >= X; });
          const double T = temperature_at_fraction(samples, X);
          csv.add_row({beta * 60, T, (T - T0) / beta});
        }
    }


    void
    Crystallization::run_stability_report()
    {
      if (!history)
        return;
      dealii::TimerOutput::Scope scope(*timer, "stability report");
      // The same schedule for the glass as deposited, as if nothing
      // partitioned: what the anneal would do without the laminate's help.
      const Glass                    deposited = glass_at(0);
      std::vector<Sample>            samples;
      const kinetics::JmakIntegrator frozen
        = follow_schedule([&](double) { return deposited; }, samples, false);
      as_deposited = std::make_unique<Stability>(
        Stability{deposited,
                  samples.back().fraction,
                  dsc_scan(kinetics::JmakIntegrator(dimension),
                           deposited,
                           prm.report_rate),
                  dsc_scan(frozen, deposited, prm.report_rate)});

      std::vector<std::string> columns = {"case",
                                          "amorphous_fraction",
                                          "tx_onset_K",
                                          "tx_peak_K",
                                          "tx_threshold_K",
                                          "interface_area_per_volume_per_nm"};
      for (const std::string &e : material.database()->elements)
        columns.push_back("glass_" + e + "_at%");
      base::CsvWriter csv(output_directory + "/stability.csv",
                          columns,
                          dealii::Utilities::MPI::this_mpi_process(comm) == 0);
      const auto      row = [&](const std::string &name,
                           const double       fraction,
                           const Scan        &scan,
                           const Glass       &glass) {
        std::vector<double> values = {1 - fraction,
                                      scan.peak.onset,
                                      scan.peak.peak,
                                      scan.threshold_temperature,
                                      glass.interface_density / 1e9};
        for (const double y : glass.composition)
          values.push_back(100 * y);
        csv.add_row(name, values);
      };
      row("as deposited", 0, as_deposited->scan, deposited);
      row("schedule without partitioning",
          as_deposited->fraction_after_schedule,
          as_deposited->scan_after_schedule,
          deposited);
      row("after the partitioning anneal",
          schedule_samples.back().fraction,
          report_scan(),
          glass_at(schedule_samples.back().time));
    }


    void
    Crystallization::run()
    {
      {
        fem::OutputParameters output;
        output.directory = output_directory;
        output.make_directory(comm);
      }
      const auto names = material.competitor_names();
      pcout << "Crystallization (mean field) of glass '" << material.name
            << "'\n"
            << (dimension == 3
                  ? "Growth: spherical grains (Dimension = 3)\n"
                  : "Growth: discs in a film of "
                      + std::to_string(prm.film_thickness * 1e9)
                      + " nm (Dimension = 2; set Dimension = 3 for a bulk "
                        "glass)\n")
            << "Competitors: ";
      for (std::size_t i = 0; i < names.size(); ++i)
        pcout << (i ? ", " : "") << names[i];
      pcout << "\nTemperature schedule:\n" << temperature.describe() << '\n';
      // Read here, not in the constructor: a dry run checks the parameter
      // file before the partitioning run it names has been made.
      load_history();
      // Created once the input is read, so that a bad input exits cleanly.
      timer = std::make_unique<dealii::TimerOutput>(
        comm,
        pcout,
        dealii::TimerOutput::never,
        dealii::TimerOutput::wall_times);
      if (history)
        pcout << "Glass composition and interface area per volume follow "
                 "the partitioning run in "
              << prm.history_directory << " (" << history->profiles().size()
              << " profiles, t = " << history->profiles().front().time << " to "
              << history->profiles().back().time << " s)\n";
      run_schedule();
      run_dsc();
      run_stability_report();
      run_ttt();
      run_cht();
      print_summary();
    }


    const Crystallization::Scan &
    Crystallization::report_scan() const
    {
      for (const Scan &s : scans)
        if (std::abs(s.heating_rate / prm.report_rate - 1) < 1e-9)
          return s;
      Assert(false, dealii::ExcInternalError());
      return scans.front();
    }


    std::string
    Crystallization::describe_tx(const Scan &s) const
    {
      std::ostringstream out;
      out << std::fixed << std::setprecision(1);
      if (std::isfinite(s.peak.onset))
        out << "onset " << s.peak.onset << " K, peak " << s.peak.peak << " K";
      else if (s.samples.front().fraction >= prm.threshold)
        out << std::defaultfloat << std::setprecision(4)
            << "none: already crystallized (X = " << s.samples.front().fraction
            << " >= " << prm.threshold << ")";
      else
        out << std::defaultfloat << std::setprecision(6)
            << "none: X stays below " << prm.threshold << " up to "
            << prm.dsc_end << " K";
      return out.str();
    }


    void
    Crystallization::print_summary() const
    {
      const Sample      &last = schedule_samples.back();
      std::ostringstream out;
      out << std::setprecision(4);
      out << "\nAfter the schedule (t = " << last.time
          << " s, T = " << last.temperature
          << " K): crystallized fraction X = " << last.fraction
          << ", amorphous fraction " << 1 - last.fraction << '\n';
      out << "Simulated DSC from " << prm.dsc_start
          << " K (Tx: onset / peak / X = " << prm.threshold << "):\n";
      for (const Scan &s : scans)
        out << "  " << std::setw(8) << s.heating_rate * 60
            << " K/min: " << std::fixed << std::setprecision(1) << s.peak.onset
            << " / " << s.peak.peak << " / " << s.threshold_temperature << " K"
            << (std::abs(s.heating_rate / prm.report_rate - 1) < 1e-9
                  ? "   <- report rate"
                  : "")
            << std::defaultfloat << std::setprecision(4) << '\n';
      out << "Predicted Tx at " << prm.report_rate * 60
          << " K/min: " << describe_tx(report_scan()) << '\n';
      if (as_deposited)
        {
          const auto line = [&](const std::string &name,
                                const double       fraction,
                                const Scan        &scan) {
            out << "  " << std::left << std::setw(36) << name << std::right
                << std::fixed << std::setprecision(4) << std::setw(10)
                << 1 - fraction << "   " << std::defaultfloat
                << describe_tx(scan) << '\n';
          };
          out << "Stability of the glass layers (amorphous fraction after "
                 "the schedule, Tx at "
              << prm.report_rate * 60 << " K/min):\n";
          line("as deposited, before the anneal", 0, as_deposited->scan);
          line("as deposited, through the schedule",
               as_deposited->fraction_after_schedule,
               as_deposited->scan_after_schedule);
          line("after the partitioning anneal",
               schedule_samples.back().fraction,
               report_scan());
          out << std::setprecision(4);
        }
      if (kissinger_done)
        out << "Kissinger activation energy: "
            << kissinger_fit.activation_energy / 1e3 << " kJ/mol (max residual "
            << kissinger_fit.max_residual << ")\n";
      out << "Results in " << output_directory
          << "/: crystallization.csv, dsc.csv, kissinger.csv, ttt.csv, "
             "cht.csv"
          << (as_deposited ? ", stability.csv" : "") << '\n';
      pcout << out.str() << std::flush;
      timer->print_summary();
    }
  } // namespace models
} // namespace vitrum
