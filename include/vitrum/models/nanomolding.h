#ifndef vitrum_models_nanomolding_h
#define vitrum_models_nanomolding_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/function.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_block_sparse_matrix.h>
#include <deal.II/lac/trilinos_parallel_block_vector.h>

#include <vitrum/base/schedule.h>
#include <vitrum/fem/output.h>
#include <vitrum/fem/time_stepping.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/kinetics/segment_crystallization.h>
#include <vitrum/models/model.h>
#include <vitrum/rheology/molding.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * What a nanomolding run does and on which geometry (subsection
     * "Nanomolding"). Lengths of the generated geometry are in pore
     * diameters, the diameter itself in nm.
     */
    struct NanomoldingParameters
    {
      std::string  study        = "filling";
      bool         axisymmetric = true;
      std::string  material_file;
      double       diameter             = 60e-9; ///< m
      double       initial_length       = 0.5;   ///< pore diameters
      double       pore_depth           = 0;     ///< m; 0 = unlimited
      bool         reservoir            = true;
      double       reservoir_radius     = 2; ///< pore diameters
      double       reservoir_height     = 2; ///< pore diameters
      unsigned int cells_across_radius  = 4;
      double       length_increment     = 0.1;
      std::string  pressure             = "1.25 GPa";
      bool         viscous_flow         = true;
      bool         interface_diffusion  = true;
      bool         capillarity          = false;
      bool         shear_thinning       = false;
      bool         newton               = true;
      double       nonlinear_tolerance  = 1e-8;
      unsigned int nonlinear_iterations = 300;
      double       linear_tolerance     = 1e-10;
      std::string  mesh_file;
      unsigned int mesh_refinements = 0;
      unsigned int coarsest_level   = 2;
      unsigned int finest_level     = 5;
      unsigned int wire_tubes       = 16;
      // crystallization along the wire (subsection Crystallization)
      std::string kinetics_file; ///< empty: not marked
      double      crystallization_threshold = 0.5;
      bool        wall_nucleation           = true;
      double      max_temperature_step      = 1.; ///< K

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm, int dim);
    };

    void
    declare_nanomolding_parameters(dealii::ParameterHandler &prm);


    /**
     * Thermoplastic nanomolding of a metallic glass into a pore: creeping
     * (Stokes) flow of the glass with Taylor-Hood Q2/Q1 elements, planar,
     * axisymmetric (r, z) or 3D, solved by FGMRES with a block triangular
     * preconditioner (one AMG V-cycle on the velocity block, the
     * viscosity-weighted pressure mass matrix for the Schur complement) and
     * Picard or Newton iterations for the shear-thinning viscosity.
     *
     * Studies (`Study`):
     * - filling: the front of the glass in one pore moves with the flux the
     *   Stokes solution carries through it plus the interface-diffusion flux
     *   of the wall layer; the domain (reservoir + filled part of the pore)
     *   is regenerated for each length L (ALE by remeshing);
     * - mms: manufactured-solution convergence on refined meshes;
     * - poiseuille: a pipe (or slit) against the exact profile;
     * - stokes: one solve on a Gmsh mesh (e.g. a 3D pore array).
     *
     * Velocities are solved in units U = P d / eta_ref (P the largest applied
     * pressure, d the pore diameter, eta_ref the viscosity at the start), so
     * the unknowns are of order one whatever the material.
     */
    template <int dim>
    class Nanomolding : public Model
    {
    public:
      Nanomolding(dealii::ParameterHandler &prm, MPI_Comm comm);

      void
      run() override;

    private:
      /// Pressure >= 0 and, without a kink, T above the VFT temperature at
      /// the start and every corner of the schedules.
      void
      check_schedules() const;

      /// Boundary ids of the generated and shipped geometries.
      enum Boundary : dealii::types::boundary_id
      {
        wall       = 0, ///< mold: no slip
        pressed    = 1, ///< feedstock top: applied pressure
        front      = 2, ///< glass front in the pore: capillary pressure
        symmetry_x = 3, ///< axis, outer cell boundary: u_0 = 0
        symmetry_y = 4  ///< 3D: u_1 = 0
      };

      /// Everything one Stokes solve needs besides the mesh.
      struct Problem
      {
        /// Dirichlet data: boundary -> (component mask, values).
        std::map<
          dealii::types::boundary_id,
          std::pair<dealii::ComponentMask, const dealii::Function<dim> *>>
          dirichlet;
        /// Traction on a boundary at a point with outward normal n.
        std::function<dealii::Tensor<1, dim>(dealii::types::boundary_id,
                                             const dealii::Point<dim> &,
                                             const dealii::Tensor<1, dim> &)>
          traction;
        /// Body force (may be empty).
        std::function<dealii::Tensor<1, dim>(const dealii::Point<dim> &)>
          body_force;
        /// Viscosity (units of eta_ref) from the effective shear rate (units
        /// U/d).
        std::function<double(double)> viscosity;
        /// d(viscosity)/d(rate) in the same units, for Newton.
        std::function<double(double)> viscosity_derivative;
        bool                          nonlinear = false;
      };

      MPI_Comm                                    comm;
      NanomoldingParameters                       prm;
      std::unique_ptr<rheology::MoldingMaterial>  material;
      std::unique_ptr<kinetics::KineticsMaterial> kinetics;
      base::Schedule                              temperature;
      base::Schedule                              pressure;
      fem::TimeSteppingParameters                 time_prm;
      fem::OutputParameters                       output_prm;
      dealii::ConditionalOStream                  pcout;
      /// Made once the input is read: an input error is not buried under
      /// its warning.
      std::unique_ptr<dealii::TimerOutput>        timer;

      dealii::parallel::distributed::Triangulation<dim> triangulation;
      dealii::FESystem<dim>                             fe;
      dealii::DoFHandler<dim>                           dof_handler;
      dealii::AffineConstraints<double>                 constraints;
      std::vector<dealii::IndexSet>                     owned_partitioning;
      std::vector<dealii::IndexSet>                     relevant_partitioning;
      dealii::TrilinosWrappers::BlockSparseMatrix       system_matrix;
      dealii::TrilinosWrappers::BlockSparseMatrix       preconditioner_matrix;
      dealii::TrilinosWrappers::MPI::BlockVector        solution;
      dealii::TrilinosWrappers::MPI::BlockVector        system_rhs;
      unsigned int                                      last_iterations = 0;

      bool
      weighted() const;

      void
      setup_dofs(const Problem &problem);

      /// The (Picard or, with `newton`, Newton) system at the current
      /// solution; with use_solution false the viscosity at zero rate.
      void
      assemble(const Problem &problem, bool use_solution, bool newton);

      void
      solve_linear();

      /// Setup, assemble and solve (with nonlinear iterations if needed).
      unsigned int
      solve(const Problem &problem);

      /// Integral of sum_q w(x) over a boundary of u . n (volume flux in
      /// units U d^2, times 2 pi for the axisymmetric weight).
      double
      boundary_flux(dealii::types::boundary_id id) const;

      /// Mean pressure over the pore's entrance cross-section z = 0 (units
      /// of the largest applied pressure).
      double
      entrance_pressure() const;

      /// The reservoir over one pore, filled to length L (pore diameters).
      void
      make_pore_mesh(double L);

      void
      run_filling();

      /// JMAK fraction of every slice of the wire from its composition and
      /// age at the end time t: wire_crystallization.csv and the position
      /// where the wire crystallizes.
      void
      mark_crystallization(const rheology::WireComposition &wire, double t);

      kinetics::SegmentCrystallizationSettings
      crystallization_settings() const;

      /// X of every slice of `wire` at time t (segments() order);
      /// writes wire_crystallization_segments.csv.
      std::vector<double>
      crystallize_slices(const rheology::WireComposition &wire, double t) const;

      /// Cross-section means of composition and X along the wire
      /// (wire_crystallization.csv) and where it crystallizes (printed).
      void
      report_cross_sections(const rheology::WireComposition &wire,
                            const std::vector<double>       &X) const;
      void
      run_mms();
      void
      run_poiseuille();
      void
      run_stokes_on_mesh();

      void
      write_fields(const std::string &name) const;

      /// Resident memory summed over ranks (MB).
      double
      memory_mb() const;
    };
  } // namespace models
} // namespace vitrum

#endif
