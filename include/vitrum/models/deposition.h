#ifndef vitrum_models_deposition_h
#define vitrum_models_deposition_h

#include <deal.II/base/parameter_handler.h>

#include <vitrum/base/schedule.h>
#include <vitrum/fem/implicit_model.h>
#include <vitrum/models/film_growth.h>
#include <vitrum/models/model.h>
#include <vitrum/thermo/material.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * Phase separation in a growing amorphous film (`Model = deposition`):
     * the multi-component Cahn–Hilliard equations of the partitioning
     * model's glass (K - 1 mole fractions x_a and their diffusion
     * potentials w_a, the glass phase and mobilities of a material file)
     * on a film that grows along the last axis as the deposition schedule
     * delivers material:
     *   dx_a/dt = div(sum_b L_ab grad mu~_b),
     *   mu~_a   = dG_glass/dx_a - V_m kappa lap x_a,
     * with, on the free surface, V_m kappa dx_a/dn = -V_m (gamma_a -
     * gamma_K) (a surface energy gamma(x) = sum_i gamma_i x_i that prefers
     * some elements). Within `Surface layer thickness` of the surface every
     * element diffuses with the surface diffusivity D_s, below with the
     * glass's bulk tracer diffusivities. Laterally periodic, no flux
     * through the substrate.
     *
     * The mesh spans the final film with uniform layers of cells, one per
     * `Layer thickness` along the growth axis. The film is the layers
     * deposited so far: a layer arrives when the schedule reaches its
     * bottom, and the step lands on that time. The arriving material is
     * inserted beneath the surface nodes, which keep their composition (a
     * segregated surface layer floats on the growing film): the nodes of
     * the old surface take the deposited composition, the new surface
     * nodes the old surface's state, in every stored state of the time
     * integrator. With the nodal (lumped) integration each element's
     * amount in the film grows by exactly what the layer brings. Cells
     * above the surface take no part in the equations.
     */
    template <int dim>
    class Deposition : public Model, private fem::ImplicitModel<dim>
    {
    public:
      Deposition(dealii::ParameterHandler &prm, MPI_Comm comm);

      void
      run() override
      {
        this->simulate();
      }

      bool
      writes_checkpoints() const override
      {
        return true;
      }

      using fem::ImplicitModel<dim>::jacobian_error;

    private:
      using Base   = fem::ImplicitModel<dim>;
      using Vector = typename Base::Vector;
      using Base::comm;
      using Base::constraints;
      using Base::dof_handler;
      using Base::fe;
      using Base::last_dt;
      using Base::mesh_prm;
      using Base::output_prm;
      using Base::owned_dofs;
      using Base::states;
      using Base::step;
      using Base::time;
      using Base::timer;
      using Base::triangulation;

      /// What one integration over the film gives.
      struct Observables
      {
        double              free_energy = 0; ///< J/mol, mean over the film
        std::vector<double> amount;          ///< int x_k over the film, K
        double              film_volume = 0; ///< nm^dim
      };

      // fem::Simulator and fem::ImplicitModel hooks
      std::string
      title() const override;
      std::string
      details() const override;
      std::vector<fem::Table>
      tables() const override;
      void
      start_new_run() override;
      void
      after_step() override;
      void
      after_setup_dofs() override;
      void
      initial_state(Vector &state) const override;
      std::vector<unsigned int>
      refinement_components() const override;
      dealii::Table<2, dealii::DoFTools::Coupling>
      coupling() const override;
      dealii::Table<2, bool>
      node_coupling() const override;
      void
      assemble(const Vector &iterate,
               const Vector &history_term,
               double        a0,
               double        dt,
               double        t,
               bool          with_matrix) override;
      double
      limit_update(const Vector &iterate,
                   Vector       &update,
                   double       *removed) const override;
      void
      restore_conserved(Vector &state) const override;
      double
      newton_change(const Vector &update) const override;
      double
      observe(const Vector &state, double t) override;
      void
      keep_observation() override
      {
        current = candidate;
      }
      double
      allowed_energy_rise(double t, double dt) const override;
      std::vector<double>
      extra_target_times() const override;
      void
      save_physics(fem::CheckpointState &state) const override;
      void
      load_physics(const fem::CheckpointState &state) override;
      void
      write_rows() override;
      std::string
      progress_details() const override;
      void
      write_fields() override;
      void
      finish() override;
      std::string
      summary() const override;
      std::string
      result_files() const override;

      /// Height of the film (nm): the layers that arrived.
      double
      film_height() const
      {
        return active_layers * layer_thickness;
      }
      /// Whether a cell of the mesh belongs to the film now.
      template <typename Cell>
      bool
      in_film(const Cell &cell) const
      {
        return cell->center()[dim - 1] < film_height();
      }
      /// The composition that arrives at node p: the schedule's at its
      /// height, plus the composition noise of the node.
      std::vector<double>
      arriving_composition(const dealii::Point<dim> &p) const;
      /// Scale of the diffusion-potential unknowns (J/mol), as in the
      /// partitioning model: all unknowns of order one.
      static constexpr double energy_scale = 1e4;
      /// The face of a cell on the growth axis' upper side.
      static constexpr unsigned int surface_face = 2 * (dim - 1) + 1;
      /// Whether a film cell's upper face is the free surface.
      template <typename Cell>
      bool
      at_surface(const Cell &cell) const
      {
        return std::abs(cell->face(surface_face)->center()[dim - 1]
                        - film_height())
               < 1e-6 * layer_thickness;
      }
      /// Layers whose arrival time has come by time t.
      unsigned int
      layers_arrived_by(double t) const;
      /// Add the next layer: every stored state is remapped (see the class
      /// documentation) and the deposited amounts grow.
      void
      add_layer();
      /// 1 on the mole fractions of the film's nodes: what the time error
      /// measures.
      void
      update_film_mask();
      Observables
      integrate(const Vector &state, double T) const;
      /// |film amount - deposited amount| of element k over all deposited.
      double
      mass_balance_error(unsigned int k) const;
      double
      lateral_area() const;
      /// The laterally averaged mole fractions (all K) on every node plane
      /// of the film, from the substrate up.
      std::vector<std::vector<double>>
      profile() const;
      /// Period, contrast (at.%) per element and in-plane correlation
      /// length (nm) of the film's frozen part.
      struct Layering
      {
        std::vector<LayerAnalysis> per_element;
        unsigned int               strongest = 0; ///< the largest contrast
        double                     correlation_length = 0;
        double                     window_bottom = 0, window_top = 0;
      };
      Layering
      analyse(const std::vector<std::vector<double>> &planes) const;
      /// The node values of fraction a on the planes [first, last) as rows
      /// along the first lateral axis (on every rank).
      std::vector<std::vector<double>>
      lateral_rows(unsigned int a, unsigned int first, unsigned int last) const;
      void
      write_profile(const std::string &file) const;

      thermo::Material    material;
      unsigned int        n_independent;
      DepositionSchedule  schedule;
      base::Schedule      temperature;
      double              layer_thickness     = 0.25; ///< nm
      double              surface_thickness   = 0;    ///< nm
      double              surface_diffusivity = 0;    ///< m^2/s
      std::vector<double> surface_energy;             ///< J/m^2, K entries
      double              composition_noise = 0;      ///< mole fraction
      unsigned int        noise_seed        = 1;
      /// Nodes of an arriving layer already counted (add_layer's scratch).
      std::set<dealii::types::global_dof_index> counted;
      unsigned int                              total_layers  = 0;
      unsigned int                              active_layers = 1;

      Vector              fraction_mask;   ///< 1 on every x_a
      std::vector<Vector> component_masks; ///< 1 on x_a, one per a
      std::vector<double> deposited;       ///< int x_k delivered, K entries
      unsigned int        profiles_written = 0;
      /// The step after the last arrival (its size starts the next one).
      bool        step_after_arrival       = false;
      double      first_step_after_arrival = 0;
      Observables current, candidate;
    };


    void
    declare_deposition_parameters(dealii::ParameterHandler &prm);
  } // namespace models
} // namespace vitrum

#endif
