#ifndef vitrum_models_crystallization_field_h
#define vitrum_models_crystallization_field_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/timer.h>

#include <deal.II/distributed/tria.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/progress.h>
#include <vitrum/base/schedule.h>
#include <vitrum/fem/amg_krylov_solver.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/mesh.h>
#include <vitrum/fem/output.h>
#include <vitrum/fem/simulator.h>
#include <vitrum/fem/time_stepping.h>
#include <vitrum/kinetics/composition_history.h>
#include <vitrum/kinetics/growth_front.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/models/model.h>

#include <array>
#include <memory>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * Nucleation and growth rates of the crystal in the glass (subsection
     * "Crystallization field/Rates"): each a value at a reference
     * temperature with an Arrhenius activation energy,
     *   I(T) = I_ref exp(-Q_I / R (1/T - 1/T_ref)), same for U.
     * In 2D runs the nucleation rate counts nuclei per area (m^-2 s^-1).
     */
    struct CrystallizationRates
    {
      double nucleation_rate       = 0.;   ///< 1/(m^3 s) at T_ref
      double nucleation_energy     = 0.;   ///< J/mol
      double growth_rate           = 0.;   ///< m/s at T_ref
      double growth_energy         = 0.;   ///< J/mol
      double reference_temperature = 700.; ///< K

      double
      nucleation(double T) const;
      double
      growth(double T) const;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };


    /// A crystal nucleus: centre (nm) and birth time (s).
    template <int dim>
    struct Nucleus
    {
      dealii::Point<dim> centre;
      double             time      = 0.;
      bool               phantom   = false; ///< fell inside a crystal
      bool               interface = false; ///< born on a laminate interface
      int                layer     = -1;    ///< glass layer index, or -1
      /// Radius it has grown to since its birth (nm); placed on the mesh
      /// with this radius.
      double radius = 0.;
    };


    /**
     * Spatially resolved crystallization (`Model = crystallization field`):
     * explicit stochastic nucleation (a Poisson number of nuclei in each
     * cell and step, from the local rate; phantom nuclei inside crystals
     * are dropped) and growth of a crystalline order parameter eta by the
     * Allen-Cahn equation of kinetics::GrowthFront, whose fronts move at
     * the growth rate U(T). The mesh refines around crystals. Lengths in
     * nm inside the model.
     *
     * The random numbers are a hash of the seed, the step and the cell's
     * identity, so a run gives the same crystals on any number of ranks.
     *
     * The rates are Arrhenius constants or come from a kinetics material
     * file; with a composition history (the profiles of a partitioning run)
     * they vary along the stacking axis (the last one) and in time, the
     * crystal layers of the laminate (phi > 1/2) neither nucleate nor let
     * crystals grow into them, and their interfaces with the glass host
     * heterogeneous nucleation.
     */
    template <int dim>
    class CrystallizationField : public Model, private fem::Simulator
    {
    public:
      CrystallizationField(dealii::ParameterHandler &prm, MPI_Comm comm);

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

      /**
       * Test aid: the Jacobian of a step of size dt from the initial state
       * with a crystal of twice the nucleus radius in the middle, against
       * central differences of the residual, about
       * the state perturbed by a relative `perturbation`; the largest
       * relative difference (fem::jacobian_error).
       */
      double
      jacobian_error(double dt, double perturbation = 1e-3);

    private:
      using Vector = dealii::PETScWrappers::MPI::Vector;
      /// Lengths are in nm inside the model.
      static constexpr double nm_per_m = 1e9;

      // fem::Simulator hooks
      std::string
      title() const override;
      std::string
      details() const override;
      /// Reads the Composition history: a dry run of a file whose
      /// partitioning run has not been made yet still passes.
      void
      prepare() override;
      std::vector<fem::Table>
      tables() const override;
      void
      start_new_run() override;
      double
      advance() override;
      void
      after_step() override;
      bool
      finished() const override;
      void
      write_rows() override;
      std::string
      progress_details() const override;
      void
      write_fields() override;
      unsigned long long
      n_unknowns() const override
      {
        return dof_handler.n_dofs();
      }
      std::string
      summary() const override;
      std::string
      result_files() const override;
      void
      save_entries(fem::CheckpointState &state) const override;
      void
      write_checkpoint_data(const fem::CheckpointState &state) const override;
      fem::CheckpointState
      read_checkpoint_data() override;
      void
      load_entries(const fem::CheckpointState &state) override;

      fem::MeshParameters   mesh_prm;
      base::Schedule        temperature;
      CrystallizationRates  rates;
      kinetics::GrowthFront front;
      double                nucleus_radius = 4.; ///< nm
      bool                  curvature_free = true;
      double                courant        = 0.2; ///< front move per step / l
      unsigned int          seed           = 1;
      unsigned int          initial_nuclei = 0;
      double                stop_fraction  = 1.;
      /// Largest Newton update (of eta) accepted as converged: Newton
      /// converges quadratically, so the iterate it gives is ~1e-12 off.
      double newton_tolerance = 1e-6;
      /// Solver/Linear solver = iterative: GMRES with a BoomerAMG V-cycle
      /// (to Solver/Linear tolerance). Otherwise (null) Jacobi-
      /// preconditioned CG or GMRES to 1e-6 (inexact Newton).
      std::unique_ptr<fem::AmgKrylovSolver> amg_solver;

      // Where the rates come from.
      bool                                          from_kinetics_file = false;
      std::unique_ptr<kinetics::KineticsMaterial>   kinetics_material;
      std::vector<double>                           glass_composition;
      std::string                                   history_dir;
      std::unique_ptr<kinetics::CompositionHistory> history;
      std::vector<unsigned int> history_to_database; ///< element indices
      double                    film_thickness = 10; ///< nm, 2D only

      /// Rates of one profile bin in model units: bulk nuclei per nm^dim
      /// and s, interface nuclei per nm^(dim-1) and s, growth nm/s.
      struct LocalRates
      {
        double bulk = 0, interface = 0, growth = 0;
        double interface_per_area = 0; ///< I_s, 1/(m^2 s)
      };
      /// The composition profile at one time and the rates of its glass
      /// bins (a uniform run has one bin of glass).
      struct RateSnapshot
      {
        double                                time     = -1;
        unsigned long                         last_use = 0;
        kinetics::Profile                     profile;
        std::vector<kinetics::InterfacePlane> planes;
        std::vector<kinetics::GlassLayer>     layers;
        std::vector<LocalRates>               bins;
      };
      mutable std::array<RateSnapshot, 3> rate_cache;
      mutable unsigned long               cache_clock = 0;
      unsigned int                        n_layers    = 0;

      /// The rates at time t, computed per bin once and cached (the
      /// driving force is expensive).
      const RateSnapshot &
      rates_at(double t) const;
      /// The rates at height z (nm): zero where phi > 1/2.
      LocalRates
      local_rates(const RateSnapshot &snapshot, double z) const;
      /// Largest growth rate (nm/s) at time t.
      double
      fastest_growth(double t) const;
      /// eta at a point, on every rank.
      double
      eta_at(const dealii::Point<dim> &p) const;

      dealii::parallel::distributed::Triangulation<dim> triangulation;
      dealii::FE_Q<dim>                                 fe;
      dealii::DoFHandler<dim>                           dof_handler;
      dealii::IndexSet                                  owned_dofs;
      dealii::IndexSet                                  relevant_dofs;
      dealii::AffineConstraints<double>                 constraints;
      dealii::PETScWrappers::MPI::SparseMatrix          jacobian;
      Vector                                            residual;
      Vector                                            eta;

      fem::TimeStepController controller;

      double       crystal_fraction           = 0.;
      double       sharp_fraction             = 0.; ///< vol(eta > 1/2) / V
      unsigned int n_nuclei                   = 0;
      unsigned int n_phantoms                 = 0;
      unsigned int n_interface_nuclei         = 0; ///< placed, not phantoms
      unsigned int n_interface_drawn          = 0; ///< with phantoms
      double       expected_interface         = 0; ///< sum of the Poisson means
      double       expected_bulk              = 0;
      double       expected_interface_density = 0; ///< per m^2 of a plane
      unsigned int newton_iterations          = 0;
      unsigned int linear_iterations          = 0;
      /// Linear solves and their Krylov iterations in the last step.
      unsigned int step_linear_solves     = 0;
      unsigned int step_linear_iterations = 0;
      /// Curvature-free growth: nuclei drawn but not yet grown to the
      /// nucleus radius (the same list on every rank).
      std::vector<Nucleus<dim>> pending;

      Vector
      ghosted(const Vector &v) const;
      void
      setup_dofs();
      double
      domain_volume() const;
      double
      integrate_fraction() const;
      double
      integrate_sharp_fraction() const;

      /// Distance (nm) from p to the nearest periodic image of q.
      double
      periodic_distance(const dealii::Point<dim> &p,
                        const dealii::Point<dim> &q) const;

      std::vector<Nucleus<dim>>
      sample_initial_nuclei() const;
      std::vector<Nucleus<dim>>
      sample_nuclei(double dt);
      std::vector<Nucleus<dim>>
      sample_interface_nuclei(double dt);
      void
      read_rate_sources(dealii::ParameterHandler &prm);
      /// Read the Composition history (at the start of run()).
      void
      load_history();
      /// Amorphous fraction of each glass layer, then the largest eta deep
      /// inside the crystal layers (more than 3 interface widths plus one
      /// coarse cell from an interface).
      std::vector<double>
      layer_state() const;
      /// Refine around the nuclei, then raise eta to their profiles.
      std::vector<Nucleus<dim>>
      record_nuclei(const std::vector<Nucleus<dim>> &sampled);
      std::vector<Nucleus<dim>>
      grow_pending(std::vector<Nucleus<dim>> born, double dt);
      std::string
      serialize_pending() const;
      void
      deserialize_pending(const std::string &text);
      void
      place_nuclei(const std::vector<Nucleus<dim>> &nuclei);
      void
      refine_around(const std::vector<Nucleus<dim>> &nuclei);
      void
      transfer_and_refine();

      double
      choose_time_step();
      void
      assemble(const Vector       &iterate,
               const Vector       &old,
               double              dt,
               const RateSnapshot &before,
               const RateSnapshot &after);
      /// Per node of a cell: mobility U/l at both ends of the step, profile
      /// slope g(eta) of the iterate and of the old step, g'(eta).
      struct NodeData
      {
        std::vector<double> rate, rate_old, slope, slope_old, dslope;
      };
      void
      add_curvature_counter(const dealii::FEValues<dim>  &fe_values,
                            unsigned int                  q,
                            const NodeData               &nodes,
                            const dealii::Tensor<1, dim> &old_gradient,
                            dealii::FullMatrix<double>   &cell_matrix,
                            dealii::Vector<double>       &cell_rhs) const;
      bool
      solve_step(double dt);
      bool
      adapt_mesh();
    };


    /// Parameters of CrystallizationField (subsection "Crystallization field").
    void
    declare_crystallization_field_parameters(dealii::ParameterHandler &prm);
  } // namespace models
} // namespace vitrum

#endif
