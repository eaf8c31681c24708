#ifndef vitrum_models_nanomolding_setup_h
#define vitrum_models_nanomolding_setup_h

#include <deal.II/base/parameter_handler.h>

#include <vitrum/base/schedule.h>
#include <vitrum/fem/mold_mesh.h>
#include <vitrum/fem/stokes_solver.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/rheology/molding.h>

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
      std::string  study = "filling";
      std::string  material_file;
      double       diameter            = 60e-9; ///< m
      double       initial_length      = 0.5;   ///< pore diameters
      double       pore_depth          = 0;     ///< m; 0 = unlimited
      double       length_increment    = 0.1;
      std::string  pressure            = "1.25 GPa";
      bool         viscous_flow        = true;
      bool         interface_diffusion = true;
      bool         capillarity         = false;
      bool         shear_thinning      = false;
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
      /// Geometry, nonlinear and linear solver entries of the flow.
      fem::StokesSolverParameters stokes;
      /// Cells across the pore radius and the reservoir of the generated
      /// geometry (filling).
      fem::PoreGeometry pore;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm, int dim);

      /// A filling run (one generated pore or the pores of a mesh file).
      bool
      fills() const
      {
        return study == "filling" || study == "array filling";
      }
    };

    void
    declare_nanomolding_parameters(dealii::ParameterHandler &prm);


    /**
     * The input of a nanomolding run, read and checked: the parameters,
     * the temperature and pressure schedules, the material file (filling
     * and stokes) and the kinetics file (filling, if one is named).
     * With capillarity the pore's front is the meniscus of the material's
     * contact angle (prm.pore). Pressure must not be negative and, without
     * a kink in the viscosity
     * law, the temperature must stay above the VFT temperature at the start
     * and every corner of the schedules.
     */
    struct NanomoldingInput
    {
      NanomoldingInput(dealii::ParameterHandler &prm, int dim);

      NanomoldingParameters                       prm;
      base::Schedule                              temperature;
      base::Schedule                              pressure;
      std::unique_ptr<rheology::MoldingMaterial>  material;
      std::unique_ptr<kinetics::KineticsMaterial> kinetics;

      /// With capillarity: InputError if the apex of the meniscus of a pore
      /// of this diameter (in pore diameters) would lie less than a quarter
      /// of it inside the pore at `Initial length`.
      void
      check_meniscus_apex(double pore_diameter) const;

    private:
      void
      read_kinetics();
      void
      check_schedules() const;
      /// With capillarity, the front of the generated pore is the meniscus
      /// of the material's contact angle (its apex checked).
      void
      set_meniscus();
    };


    /**
     * The flow of the glass into a mold in the units of the solve:
     * pressures in units of the largest applied one, viscosities in units
     * of eta_ref, velocities in units of U and lengths in pore diameters d.
     */
    struct MoldFlow
    {
      double p_top   = 1; ///< on the pressed top
      double p_front = 0; ///< on flat fronts (minus the capillary pressure)
      /// An array's pores (3D), with `gamma`: the front of pore i of `pores` is
      /// the cap pore_menisci[i] about the pore's axis.
      const fem::PoreArray      *pores = nullptr;
      std::vector<fem::Meniscus> pore_menisci;
      /// Surface tension gamma / (P d) of a curved front: the front of a
      /// round pore is the Meniscus `meniscus`, pulled by the traction
      /// -gamma (div n) n with its curvature (0: p_front alone).
      double        gamma = 0;
      fem::Meniscus meniscus;
      double        eta_N   = 1; ///< Newtonian viscosity, Pa s
      double        eta_ref = 1; ///< Pa s
      double        tau0    = 1; ///< Eyring stress, Pa
      double        U       = 1; ///< m/s
      double        d       = 1; ///< m
      /// Eyring shear thinning instead of eta_N.
      bool thinning = false;
    };

    /**
     * The Stokes problem of a MoldFlow (boundary ids fem::MoldBoundary):
     * no slip on the wall; the pressed top and the fronts move without
     * tangential motion (no radial motion on the curved front of a round
     * pore) under the tractions -p_top n and -p_front n, plus
     * -gamma (div n) n on a curved front; symmetry planes.
     */
    template <int dim>
    fem::StokesProblem<dim>
    mold_flow_problem(const MoldFlow &flow);
  } // namespace models
} // namespace vitrum

#endif
