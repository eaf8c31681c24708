#ifndef vitrum_models_partitioning_h
#define vitrum_models_partitioning_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/timer.h>

#include <deal.II/distributed/tria.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/fe/fe_system.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/csv_writer.h>
#include <vitrum/base/progress.h>
#include <vitrum/base/schedule.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/direct_solver.h>
#include <vitrum/fem/mesh.h>
#include <vitrum/fem/output.h>
#include <vitrum/fem/time_stepping.h>
#include <vitrum/models/model.h>
#include <vitrum/thermo/material.h>

#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * A periodic stack of crystal/glass bilayers (subsection "Laminate"):
     * the initial state of a partitioning run. Layers are normal to the
     * last axis (x in 1D, y in 2D, z in 3D); each bilayer is half a glass
     * layer, a crystal layer, and half a glass layer, so every layer is whole
     * in the periodic stack. Lengths in nm, compositions in at.%.
     */
    struct LaminateParameters
    {
      unsigned int        bilayers          = 2;
      /// As deposited (nm): the physical thicknesses, and in the model's
      /// coordinate, which counts sites of the molar volume V_m (the same
      /// without element molar volumes; see thermo::Material).
      double              deposited_crystal_thickness = 18;
      double              deposited_glass_thickness   = 12;
      double              crystal_thickness           = 18;
      double              glass_thickness             = 12;
      std::vector<double> crystal_composition; ///< mole fractions, K
      std::vector<double> glass_composition;   ///< mole fractions, K
      double              minimum_fraction  = 1e-4;
      double              composition_noise = 0; ///< mole fraction
      double              roughness         = 0; ///< nm
      unsigned int        seed              = 1;
      /// A sine wave of the first element along the stack (linear
      /// stability and analytic checks): amplitude (mole fraction), waves.
      double       perturbation_amplitude = 0;
      unsigned int perturbation_waves     = 1;
      /// Lateral edge lengths of the box (nm), set from the mesh, and the
      /// phases of each interface's roughness wave, set from the seed.
      std::vector<double> lateral_size;
      std::vector<double> roughness_phases;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm,
                       const thermo::Material   &material);

      /// Bilayer period in the model's coordinate.
      double
      period() const
      {
        return crystal_thickness + glass_thickness;
      }

      /**
       * Signed distance (nm) from the nearest crystal/glass interface,
       * positive inside crystal, at height z above the bottom and lateral
       * position p (which sets the roughness of the interface).
       */
      template <int dim>
      double
      distance_into_crystal(const dealii::Point<dim> &p) const;

      /// Initial mole fractions (K) at a point whose phase field is phi.
      std::vector<double>
      composition(double phi) const;
    };


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
    class Partitioning : public Model
    {
    public:
      Partitioning(dealii::ParameterHandler &prm, MPI_Comm comm);

      void
      run() override;

      bool
      writes_checkpoints() const override
      {
        return true;
      }

    private:
      using Vector = dealii::PETScWrappers::MPI::Vector;

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

      struct StepAttempt
      {
        bool         converged         = false;
        unsigned int newton_iterations = 0;
        unsigned int factorizations    = 0;
        double       error             = 0;
        double       error_exponent    = 0.5;
        Observables  observables;
      };

      void
      start_new_run();
      void
      resume_from_checkpoint();
      void
      setup_dofs();
      void
      interpolate_initial_condition();

      StepAttempt
      try_step(double dt, Vector &new_state);
      /// The error of a first step (only the initial state, backward
      /// Euler): by step doubling, see try_step. False if a half step
      /// failed.
      bool
           estimate_first_step(double        dt,
                               const Vector &full_step,
                               StepAttempt  &attempt);
      bool checking_first_step = false;
      void
      assemble_newton_system(const Vector &iterate,
                             const Vector &history_term,
                             double        a0,
                             double        dt,
                             double        temperature,
                             bool          with_matrix);
      double
      positivity_damping(const Vector &iterate, const Vector &update) const;
      /// Shortens update node by node to keep every fraction positive;
      /// returns the smallest factor, and in *removed (if given) the
      /// largest amount of a fraction the shortening took away.
      double
      clip_update(const Vector &iterate,
                  Vector       &update,
                  double       *removed = nullptr) const;
      void
      accept_step(double dt, Vector &new_state);

      bool
      adapt_mesh();
      Observables
      integrate(const Vector &state, double temperature) const;
      /// Puts back each element's amount after a mesh change, moving
      /// fractions in proportion to x_a x_K so none turns negative.
      void
      restore_amounts(Vector &state) const;
      /// Calls f(node) for every locally owned mesh node, node[a] the dof
      /// of fraction a there (a < n_independent).
      template <typename NodeFunction>
      void
      for_each_owned_node(NodeFunction &&f) const;
      Vector
      ghosted(const Vector &v) const;

      void
      write_fields();
      void
      write_profile();
      void
      write_checkpoint() const;
      void
      report_step(const StepAttempt &attempt);
      void
      print_summary() const;

      unsigned int
      phi_component() const
      {
        return 2 * n_independent;
      }
      double
      volume() const;
      double
      lateral_area() const;

      MPI_Comm                    comm;
      thermo::Material            material;
      unsigned int                n_independent;
      LaminateParameters          laminate;
      base::Schedule              temperature;
      double                      profile_resolution = 0.25;
      fem::MeshParameters         mesh_prm;
      fem::TimeSteppingParameters time_prm;
      fem::SolverParameters       solver_prm;
      fem::OutputParameters       output_prm;
      fem::CheckpointParameters   checkpoint_prm;

      dealii::ConditionalOStream  pcout;
      mutable dealii::TimerOutput timer;

      fem::ParallelMesh<dim>                   triangulation;
      dealii::FESystem<dim>                    fe;
      dealii::DoFHandler<dim>                  dof_handler;
      dealii::IndexSet                         owned_dofs;
      dealii::IndexSet                         relevant_dofs;
      dealii::AffineConstraints<double>        constraints;
      dealii::PETScWrappers::MPI::SparseMatrix jacobian;
      Vector                                   residual;
      Vector              evolving_mask;   ///< 1 on x and phi, 0 on w
      std::vector<Vector> component_masks; ///< 1 on x_a, one per a
      fem::DirectSolver   solver;

      std::vector<Vector> states;
      std::vector<double> steps;

      double              time = 0;
      unsigned int        step = 0;
      fem::StepStatistics statistics;
      unsigned int        profiles_written = 0;
      std::vector<double> initial_amount;
      Observables         current;

      fem::TimeStepController          controller;
      std::unique_ptr<base::CsvWriter> csv;
      std::unique_ptr<base::CsvWriter> phases_csv;
      fem::FieldWriter                 fields;
      base::ProgressClock              clock;
    };


    void
    declare_partitioning_parameters(dealii::ParameterHandler &prm);
  } // namespace models
} // namespace vitrum

#endif
