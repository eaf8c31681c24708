#ifndef vitrum_models_crystallization_h
#define vitrum_models_crystallization_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <vitrum/base/schedule.h>
#include <vitrum/kinetics/composition_history.h>
#include <vitrum/kinetics/dsc.h>
#include <vitrum/kinetics/jmak.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/models/model.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /// Entries of subsection "Crystallization".
    struct CrystallizationParameters
    {
      std::string         kinetics_file;
      std::string         composition_text;
      std::string         history_directory; ///< partitioning output or ""
      double              interface_density    = 0;    ///< 1/m
      double              film_thickness       = 1e-8; ///< m, 2D only
      double              threshold            = 0.01;
      double              max_temperature_step = 0.5; ///< K
      double              max_fraction_step    = 0.01;
      std::vector<double> dsc_rates;              ///< K/s
      double              report_rate = 20. / 60; ///< K/s
      double              dsc_start   = 300;      ///< K
      double              dsc_end     = 1500;     ///< K
      double              ttt_min = 500, ttt_max = 1000;
      unsigned int        ttt_points = 51;
      double              cht_min = 1e-3, cht_max = 1e3; ///< K/s
      unsigned int        cht_points = 25;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    void
    declare_crystallization_parameters(dealii::ParameterHandler &prm);


    /**
     * Crystallization of a glass (model 2 of the design, mean-field mode):
     * classical nucleation and growth rates from the kinetics material file
     * at the glass composition, integrated along the temperature schedule by
     * the extended-volume (JMAK) construction. Then simulated DSC scans
     * starting from the state the schedule left, their Kissinger analysis,
     * and TTT and CHT diagrams of the glass. No mesh: every MPI rank
     * computes the same numbers, rank 0 prints and writes.
     *
     * With a composition history (the profiles of a partitioning run) the
     * glass composition and its interface area per volume follow that run
     * in time, and the summary compares the glass as deposited with the
     * glass the partitioning anneal leaves (stability report).
     */
    class Crystallization : public Model
    {
    public:
      Crystallization(dealii::ParameterHandler &prm, MPI_Comm comm, int dim);

      void
      run() override;

    private:
      /// One accepted step of an integration.
      struct Sample
      {
        double          time, temperature, fraction, rate;
        kinetics::Rates rates;
        double          nucleation; ///< effective I (1/(m^dim s))
        double          nuclei;
      };

      /// Result of one simulated DSC scan.
      struct Scan
      {
        double              heating_rate; ///< K/s
        std::vector<Sample> samples;
        kinetics::DscPeak   peak;
        double              threshold_temperature; ///< T at X = threshold, K
      };

      /// What the rates depend on besides T.
      struct Glass
      {
        std::vector<double> composition;       ///< mole fractions
        double              interface_density; ///< 1/m
      };

      /// The glass at time t of the schedule: fixed, or from the history.
      Glass
      glass_at(double t) const;

      kinetics::Rates
      rates_at(const Glass &glass, double T) const;

      /// Nucleation rate per volume (3D) or area (2D): homogeneous plus
      /// heterogeneous on the interfaces.
      double
      effective_nucleation(const kinetics::Rates &r, const Glass &glass) const;
      /// A density per m^dim (per m^3 in 3D, per m^2 of film in 2D) as one
      /// per m^3: the outputs give every nucleation rate per volume.
      double
      per_volume(double per_m_dim) const;

      /// Integrate from t0 to t1 along T(t) (changing at most at |dTdt|)
      /// for the glass glass_of(t), appending samples; stops early when
      /// stop(sample) is true.
      void
      integrate(kinetics::JmakIntegrator                  &jmak,
                const std::function<double(double)>       &T_of,
                const std::function<Glass(double)>        &glass_of,
                double                                     dTdt,
                double                                     t0,
                double                                     t1,
                std::vector<Sample>                       &samples,
                const std::function<bool(const Sample &)> &stop) const;

      /// The schedule for the glass glass_of(t), from a fresh glass; with
      /// along_history, steps also end at the history's profile times.
      kinetics::JmakIntegrator
      follow_schedule(const std::function<Glass(double)> &glass_of,
                      std::vector<Sample>                &samples,
                      bool                                along_history) const;

      Scan
      dsc_scan(const kinetics::JmakIntegrator &start,
               const Glass                    &glass,
               double                          heating_rate) const;

      void
      load_history();
      void
      run_schedule();
      void
      run_stability_report();
      void
      run_dsc();
      void
      run_ttt();
      void
      run_cht();
      /// The DSC scan at the report heating rate.
      const Scan &
      report_scan() const;
      /// "onset 773.0 K" or why there is none.
      std::string
      describe_tx(const Scan &scan) const;
      void
      print_summary() const;

      MPI_Comm                   comm;
      dealii::ConditionalOStream pcout;
      /// Created once the input is read, so that a bad input exits cleanly.
      std::unique_ptr<dealii::TimerOutput>          timer;
      CrystallizationParameters                     prm;
      kinetics::KineticsMaterial                    material;
      std::vector<double>                           composition;
      std::unique_ptr<kinetics::CompositionHistory> history;
      /// Database index of each element of the history.
      std::vector<unsigned int> history_to_database;
      base::Schedule            temperature;
      unsigned int              dimension;
      std::string               output_directory;

      kinetics::JmakIntegrator after_schedule;
      std::vector<Sample>      schedule_samples;
      std::vector<Scan>        scans;
      kinetics::KissingerFit   kissinger_fit;
      bool                     kissinger_done = false;

      /// Stability report (with a history): the glass as deposited under
      /// the same schedule without partitioning, and its DSC scan.
      struct Stability
      {
        Glass  glass;
        double fraction_after_schedule;
        Scan   scan;                ///< from the fresh glass
        Scan   scan_after_schedule; ///< from the state the schedule left
      };
      std::unique_ptr<Stability> as_deposited;
    };
  } // namespace models
} // namespace vitrum

#endif
