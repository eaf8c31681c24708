#ifndef vitrum_models_partitioning_h
#define vitrum_models_partitioning_h

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <vitrum/base/schedule.h>
#include <vitrum/fem/implicit_model.h>
#include <vitrum/models/laminate.h>
#include <vitrum/models/model.h>
#include <vitrum/thermo/material.h>

#include <string>
#include <utility>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * Multi-component Cahn–Hilliard with a crystal/glass phase field
     * (`Model = partitioning`): K elements, K - 1 independent mole fractions
     * x_a, their diffusion potentials w_a = (mu_a - mu_K) / E0 and the phase
     * field phi (1 = crystal, 0 = glass), solved together:
     *   dx_a/dt = div(sum_b L_ab grad mu~_b),
     *   mu~_a   = dG/dx_a - V_m kappa lap x_a,
     *   dphi/dt = -L_phi [ (h'(phi) (G_cr - G_gl) + W g'(phi)) / V_m
     *                      - kappa_phi lap phi ],
     * with G = h G_cr + (1 - h) G_gl + W g from the material file and the
     * lattice-frame Onsager mobilities L of atomic mobilities interpolated
     * between the phases. Fully implicit (BDF2/backward Euler) with Newton
     * and a parallel direct solver, adaptive steps along a temperature
     * schedule, meshes refined at the interfaces. Lengths in nm inside.
     * Runs in 1D (the laminate along x, on a shared mesh), 2D and 3D.
     */
    template <int dim>
    class Partitioning : public Model, private fem::ImplicitModel<dim>
    {
    public:
      Partitioning(dealii::ParameterHandler &prm, MPI_Comm comm);

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
      using Base::jacobian;
      using Base::last_dt;
      using Base::mesh_prm;
      using Base::output_prm;
      using Base::owned_dofs;
      using Base::residual;
      using Base::solver_prm;
      using Base::states;
      using Base::step;
      using Base::time;
      using Base::timer;
      using Base::triangulation;

      /// What one integration over the domain gives.
      struct Observables
      {
        double              free_energy = 0;    ///< mean molar G + gradients
        std::vector<double> amount;             ///< int x_k, K entries
        std::vector<double> in_crystal;         ///< int x_k over phi > 1/2
        std::vector<double> in_glass;           ///< int x_k over phi < 1/2
        double              crystal_region = 0; ///< volume where phi > 1/2
        /// int phi V(x)/V_m and int (1 - phi) V(x)/V_m: the physical
        /// volumes of the phases (int phi, int 1 - phi with one V_m).
        double              crystal_volume = 0;
        double              glass_volume   = 0;
        std::vector<double> crystal_per_layer; ///< the same per bilayer slab
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
      after_setup_dofs() override;
      void
      initial_state(Vector &state) const override;
      std::vector<unsigned int>
      refinement_components() const override;
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
      std::vector<unsigned int>
      eliminated_components() const override;
      std::vector<unsigned int>
      eliminated_partners() const override;
      /// Measured on the 3D laminate over 37 steps to t = 600 s
      /// (benchmarks/scaling): the LU is faster at 3.9e4 unknowns, the
      /// two-factor split at 7.7e4 (with 2.3 times less memory); in 2D the
      /// LU is faster at every size measured (to 4e4).
      bool
      iterative_solver_pays(
        dealii::types::global_dof_index n_dofs) const override
      {
        return dim == 3 && n_dofs >= 50000;
      }
      dealii::Table<2, dealii::DoFTools::Coupling>
      coupling() const override;
      dealii::Table<2, bool>
      node_coupling() const override;
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
      extra_target_times() const override
      {
        return temperature.breakpoints();
      }
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
      std::string
      summary() const override;
      std::string
      result_files() const override;

      Observables
      integrate(const Vector &state, double temperature) const;
      void
      write_profile();

      unsigned int
      phi_component() const
      {
        return 2 * n_independent;
      }
      double
      volume() const;
      double
      lateral_area() const;
      /// Layer thicknesses (nm) of the current state: crystal, glass.
      std::pair<double, double>
      layer_thicknesses() const;

      thermo::Material   material;
      unsigned int       n_independent;
      LaminateParameters laminate;
      base::Schedule     temperature;
      double             profile_resolution = 0.25;

      Vector              evolving_mask;   ///< 1 on x and phi, 0 on w
      std::vector<Vector> component_masks; ///< 1 on x_a, one per a

      unsigned int        profiles_written = 0;
      std::vector<double> initial_amount;
      Observables         current, candidate;
    };


    void
    declare_partitioning_parameters(dealii::ParameterHandler &prm);
  } // namespace models
} // namespace vitrum

#endif
