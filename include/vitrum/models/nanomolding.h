#ifndef vitrum_models_nanomolding_h
#define vitrum_models_nanomolding_h

#include <deal.II/base/parameter_handler.h>

#include <vitrum/fem/simulator.h>
#include <vitrum/fem/stokes_solver.h>
#include <vitrum/kinetics/segment_crystallization.h>
#include <vitrum/models/model.h>
#include <vitrum/models/nanomolding_setup.h>
#include <vitrum/rheology/molding.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * Thermoplastic nanomolding of a metallic glass into a pore
     * (`Study = filling`): the front of the glass in one round pore
     * (axisymmetric in 2D, in 3D without the feedstock over it)
     * moves with the flux the Stokes solution (fem::StokesSolver) carries
     * through it plus the interface-diffusion flux of the wall layer; the
     * domain (reservoir + filled part of the pore) is regenerated for each
     * length L (ALE by remeshing). L is the filled volume over the pore's
     * cross-section: with capillarity the front is the meniscus of the
     * contact angle (fem::Meniscus), pulled by surface tension through its
     * curvature, and its contact line lies beyond L. The wire's composition is
     * recorded in streamtubes (rheology::WireComposition) and, with a kinetics
     * file, crystallized slice by slice at the end. `Study = array filling`
     * does the same for every pore of a 3D Gmsh mesh under its feedstock
     * (flat fronts; each pore's part of the mesh stretched to its length,
     * fem::make_array_mesh): the pores share the feedstock's flow and fill
     * each with its own flux.
     *
     * One fem::Simulator step is one filling step; the run ends at the End
     * time, the step limit or when the pore is full. Its state (L, the
     * analytic-law L^2, viscous and diffusive lengths, the wire) goes into
     * state-only checkpoints, so filling runs resume and stop on signals
     * like the other models.
     *
     * Velocities are solved in units U = P d / eta_ref (P the largest applied
     * pressure, d the pore diameter, eta_ref the viscosity at the start), so
     * the unknowns are of order one whatever the material.
     */
    template <int dim>
    class Nanomolding : public Model, private fem::Simulator
    {
    public:
      Nanomolding(dealii::ParameterHandler &prm, MPI_Comm comm);

      void
      run() override
      {
        simulate();
      }

      bool
      writes_checkpoints() const override
      {
        return true;
      }

    private:
      // fem::Simulator hooks
      std::string
      title() const override;
      std::string
      details() const override;
      /// The pressure and viscosity units and the flow solver.
      void
      prepare() override;
      std::vector<fem::Table>
      tables() const override;
      void
      start_new_run() override;
      /// One filling step from `time`: flow and wall-layer speeds at the
      /// current L, the step, the new L, wire and analytic law.
      double
      advance() override;
      bool
      finished() const override;
      /// No row at step 0: a row holds the speeds of the flow solve that
      /// began its step.
      void
      write_rows() override;
      std::string
      progress_details() const override;
      unsigned long long
      n_unknowns() const override
      {
        return dofs;
      }
      /// The wire's composition, its crystallization and the final flow.
      void
      finish() override;
      std::string
      summary() const override;
      std::string
      result_files() const override;
      void
      save_entries(fem::CheckpointState &state) const override;
      void
      load_entries(const fem::CheckpointState &state) override;

      NanomoldingInput                        input;
      const NanomoldingParameters            &prm;
      const rheology::MoldingMaterial        &material;
      std::unique_ptr<fem::StokesSolver<dim>> flow;

      // units and constants of the run (prepare())
      double P       = 0; ///< largest applied pressure, Pa
      double eta_ref = 0; ///< viscosity at the start, Pa s
      double U       = 0; ///< velocity unit P d / eta_ref, m/s

      /// Study = array filling: the file's mesh, unrefined, and its pores.
      std::unique_ptr<dealii::Triangulation<3>> array_mesh;
      fem::PoreArray                            array;

      /// One pore's filling: its geometry, state and last speeds.
      struct Pore
      {
        explicit Pore(const std::vector<double> &feedstock, unsigned int tubes)
            : wire(feedstock, tubes)
        {
        }
        double d     = 0; ///< diameter, m
        double p_cap = 0; ///< capillary pressure, Pa
        /// Cross-section, m^2: pi d^2 / 4, or in 3D the area of the
        /// mesh's polygonal section (updated by each flow solve).
        double section = 0;
        // state
        rheology::WireComposition wire;
        double                    L                = 0; ///< V / area, m
        double                    L2_law           = 0; ///< m^2
        double                    viscous_length   = 0; ///< m
        double                    diffusive_length = 0; ///< m
        /// front speeds at the start of the last step, m/s
        double v_visc = 0, v_diff = 0;
      };
      std::vector<Pore> pores;

      /// Time and lengths of the last flow solve: the final fields are its
      /// solution (solved again if a resumed run is already at its end).
      double              flow_time = 0;
      std::vector<double> flow_lengths;

      /// What the last step saw at its start (its row).
      struct StepRecord
      {
        double       T = 0, p = 0, eta_N = 0;
        unsigned int iterations = 0; ///< nonlinear, of the flow
      } last;
      unsigned long long dofs = 0; ///< of the last flow solve

      /// The crystallization verdict of finish(), for the summary.
      std::string crystallization_report;

      bool
      array_filling() const
      {
        return prm.study == "array filling";
      }

      /// `name` for pore i: itself for one pore; in an array
      /// "pore<i>_<name>" for columns and checkpoint entries (the unit
      /// stays last) and "<stem>_pore<i>.csv" for files.
      std::string
      pore_name(const std::string &name, unsigned int i) const;

      bool
      pore_full(const Pore &pore) const;

      /// Solve the flow into the pores filled to `lengths` at time t.
      void
      solve_flow(double t, const std::vector<double> &lengths);

      /// Flow and wall-layer speeds of every pore at the current state.
      void
      front_speeds(double T, double p);

      /// Advance pore i by dt at front speed rate (wire, analytic law).
      void
      fill(Pore &pore, double dt, double T);

      /// pores.csv: each pore's axis, diameter and lengths (array filling).
      void
      write_pore_table() const;

      /// The wire's cross-section composition from root to tip.
      void
      write_wire_composition(unsigned int i) const;

      kinetics::SegmentCrystallizationSettings
      crystallization_settings(const Pore &pore) const;

      /// X of every slice of pore i's wire at the current time (segments()
      /// order); writes wire_crystallization_segments.csv.
      std::vector<double>
      crystallize_slices(unsigned int i) const;

      /// Cross-section means of composition and X along pore i's wire
      /// (wire_crystallization.csv) and where it crystallizes (returned).
      std::string
      report_cross_sections(unsigned int i, const std::vector<double> &X) const;
    };
  } // namespace models
} // namespace vitrum

#endif
