#include <deal.II/base/function.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/base/quantity.h>
#include <vitrum/models/nanomolding_setup.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    void
    NanomoldingParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Nanomolding");
      prm.declare_entry(
        "Study",
        "filling",
        Patterns::Selection("filling|array filling|mms|poiseuille|stokes"),
        "filling: the glass front in one pore moves in time (L(t), wire "
        "composition); array filling: the same for every pore of the Gmsh "
        "mesh 'Mesh file' (Dimension = 3, flat fronts), each front moving "
        "with the flux through it, the pores fed by the feedstock over "
        "them; mms: manufactured-solution convergence of the Stokes "
        "solver; poiseuille: pipe flow against the exact profile; stokes: one "
        "flow solve on the Gmsh mesh of 'Mesh file' (e.g. a 3D pore array).");
      prm.declare_entry("Geometry",
                        "axisymmetric",
                        Patterns::Selection("axisymmetric|planar"),
                        "For Dimension = 2: axisymmetric (r, z) about x = 0 "
                        "(a round pore) or planar (x, y; a slit).");
      prm.declare_entry("Material file",
                        "parameter_files/materials/Ni45Pd35P16B4.prm",
                        Patterns::FileName(),
                        "Viscosity, interface diffusion and capillarity of "
                        "the alloy. A relative path is looked up in the "
                        "working directory, then in vitrum's data folder "
                        "(share/vitrum of an installation, the source tree of "
                        "a build).");
      prm.declare_entry("Pore diameter",
                        "60",
                        base::QuantityPattern(base::nanometres(), 0.1, 1e6),
                        "Pore diameter d (nm, or with a unit: '0.1 um').");
      prm.declare_entry("Pressure",
                        "1.25 GPa",
                        Patterns::Anything(),
                        "Applied pressure p(t) on the feedstock as a "
                        "schedule, e.g. '0 GPa; ramp to 1.25 GPa in 30 s; "
                        "hold 36000 s'. Units Pa, kPa, MPa, GPa.");
      prm.declare_entry("Pore depth",
                        "0",
                        base::QuantityPattern(base::nanometres(), 0, 1e9),
                        "Depth H of the pore (nm, or with a unit: '2 um'): the "
                        "filling stops when the "
                        "front reaches the bottom; 0 = a pore deeper than the "
                        "wire will grow.");
      prm.declare_entry("Initial length",
                        "0.5",
                        Patterns::Double(0.01, 1e4),
                        "Filled length of the pore at t = 0 (pore diameters).");
      prm.declare_entry("Reservoir",
                        "true",
                        Patterns::Bool(),
                        "Include the feedstock over the pore (entrance "
                        "losses); false applies the pressure at the pore "
                        "entrance itself (required for filling in 3D).");
      prm.declare_entry("Reservoir radius",
                        "2",
                        Patterns::Double(0.6, 1e3),
                        "Radius of the feedstock cell around the pore (pore "
                        "diameters): half the pore pitch of an array; its "
                        "outer boundary is a symmetry plane.");
      prm.declare_entry("Reservoir height",
                        "2",
                        Patterns::Double(0.1, 1e3),
                        "Feedstock thickness over the mold (pore diameters).");
      prm.declare_entry("Cells across radius",
                        "4",
                        Patterns::Integer(1, 64),
                        "Cells across the pore radius in the generated mesh "
                        "(3D filling: the disk of the section has at least "
                        "8, a power of 2; this sets the grading along the "
                        "pore).");
      prm.declare_entry("Length increment",
                        "0.1",
                        Patterns::Double(1e-4, 1),
                        "Largest relative growth of the filled length per "
                        "step, dL/L.");
      prm.declare_entry("Viscous flow",
                        "true",
                        Patterns::Bool(),
                        "Collective transport: Stokes flow into the pore.");
      prm.declare_entry("Interface diffusion",
                        "true",
                        Patterns::Bool(),
                        "Individual transport along the wall layer.");
      prm.declare_entry("Capillarity",
                        "false",
                        Patterns::Bool(),
                        "Capillarity at the front (gamma, theta from the "
                        "material file): the front ends in the spherical "
                        "meniscus that meets the wall at theta and is pulled "
                        "by -gamma (div n) n, its capillary pressure "
                        "4 gamma cos(theta)/d. Array filling: every pore ends "
                        "in the meniscus of its own diameter.");
      prm.declare_entry("Shear thinning",
                        "false",
                        Patterns::Bool(),
                        "Eyring viscosity eta = tau0 asinh(eta_N gdot/tau0)"
                        "/gdot (see 'Nonlinear solver').");
      prm.declare_entry("Nonlinear solver",
                        "Newton",
                        Patterns::Selection("Newton|Picard"),
                        "Iterations of the shear-thinning flow: Picard "
                        "(viscosity from the last iterate) or Newton (after "
                        "two Picard iterations).");
      prm.declare_entry("Nonlinear tolerance",
                        "1e-8",
                        Patterns::Double(1e-14, 1),
                        "Relative velocity change that ends the iterations "
                        "of the shear-thinning flow.");
      prm.declare_entry("Nonlinear iterations",
                        "300",
                        Patterns::Integer(1, 1000),
                        "Most nonlinear iterations per flow solve.");
      prm.declare_entry("Linear tolerance",
                        "1e-10",
                        Patterns::Double(1e-16, 1e-2),
                        "Relative residual of the FGMRES Stokes solve.");
      prm.declare_entry(
        "Mesh file",
        "meshes/pore_array_3d.msh",
        Patterns::FileName(),
        "Gmsh mesh for Study = stokes and array filling, "
        "lengths in 'Pore diameter' units; array filling "
        "stretches each pore's part below z = 0 to its "
        "length, from 'Initial length'; boundary ids: 0 mold wall (no slip), 1 "
        "pressed feedstock top, 2 glass fronts, 3/4 symmetry "
        "planes normal to x/y.");
      prm.declare_entry("Mesh refinements",
                        "0",
                        Patterns::Integer(0, 6),
                        "Study = stokes, array filling: global refinements of "
                        "the Gmsh mesh "
                        "(new boundary points stay on the flat faces).");
      prm.declare_entry("Coarsest level",
                        "2",
                        Patterns::Integer(0, 10),
                        "Study = mms: first global refinement of the unit "
                        "square/cube.");
      prm.declare_entry("Finest level",
                        "5",
                        Patterns::Integer(0, 10),
                        "Study = mms: last global refinement.");
      prm.declare_entry(
        "Wire tubes",
        "16",
        Patterns::Integer(1, 1000),
        "Study = filling: streamtubes of equal area across the pore in which "
        "the wire's composition is advected with the Poiseuille profile; "
        "what outruns the front is mixed with the wall-layer deposit "
        "(fountain flow) and laid down in the lagging outer tubes. 1 = plug "
        "flow (feedstock at the root, wall-layer material stacked at the "
        "tip).");
      prm.enter_subsection("Crystallization");
      prm.declare_entry("Kinetics file",
                        "",
                        Patterns::Anything(),
                        "Study = filling: a kinetics material file (e.g. "
                        "parameter_files/materials/Ni45Pd35P16B4-kinetics.prm)"
                        "; each slice of the wire is crystallized (JMAK) with "
                        "its composition from the time its glass formed to "
                        "the end (wire_crystallization.csv). Empty = off.");
      prm.declare_entry("Threshold",
                        "0.5",
                        Patterns::Double(1e-6, 0.999999),
                        "Crystallized fraction X at which a slice counts as "
                        "crystalline, and of the isothermal time t_x.");
      prm.declare_entry("Wall nucleation",
                        "true",
                        Patterns::Bool(),
                        "Heterogeneous nucleation on the pore wall: the "
                        "interface rate of the kinetics file times the wall "
                        "area per volume 4/d.");
      prm.declare_entry("Maximum temperature step",
                        "1",
                        base::QuantityPattern(base::kelvin_difference(),
                                              1e-3,
                                              100),
                        "Largest temperature change (K, or with a unit) of "
                        "one JMAK step on temperature ramps.");
      prm.leave_subsection();
      prm.leave_subsection();
    }


    void
    NanomoldingParameters::parse_parameters(ParameterHandler &h, const int dim)
    {
      h.enter_subsection("Nanomolding");
      study             = h.get("Study");
      material_file     = base::resolve_data_path(h.get("Material file"));
      const auto length = [&](const std::string &entry) {
        return 1e-9
               * base::get_quantity(h,
                                    entry,
                                    base::nanometres(),
                                    "Nanomolding/");
      };
      diameter            = length("Pore diameter");
      pressure            = h.get("Pressure");
      initial_length      = h.get_double("Initial length");
      pore_depth          = length("Pore depth");
      length_increment    = h.get_double("Length increment");
      viscous_flow        = h.get_bool("Viscous flow");
      interface_diffusion = h.get_bool("Interface diffusion");
      capillarity         = h.get_bool("Capillarity");
      shear_thinning      = h.get_bool("Shear thinning");
      mesh_file           = base::resolve_data_path(h.get("Mesh file"));
      mesh_refinements    = h.get_integer("Mesh refinements");
      coarsest_level      = h.get_integer("Coarsest level");
      finest_level        = h.get_integer("Finest level");
      wire_tubes          = h.get_integer("Wire tubes");

      stokes.axisymmetric = dim == 2 && h.get("Geometry") == "axisymmetric";
      stokes.newton       = h.get("Nonlinear solver") == "Newton";
      stokes.nonlinear_tolerance  = h.get_double("Nonlinear tolerance");
      stokes.nonlinear_iterations = h.get_integer("Nonlinear iterations");
      stokes.linear_tolerance     = h.get_double("Linear tolerance");
      stokes.subsection           = "Nanomolding";

      pore.cells_across_radius = h.get_integer("Cells across radius");
      pore.reservoir           = h.get_bool("Reservoir");
      pore.reservoir_radius    = h.get_double("Reservoir radius");
      pore.reservoir_height    = h.get_double("Reservoir height");

      h.enter_subsection("Crystallization");
      kinetics_file             = h.get("Kinetics file");
      kinetics_file             = kinetics_file.empty()
                                    ? kinetics_file
                                    : base::resolve_data_path(kinetics_file);
      crystallization_threshold = h.get_double("Threshold");
      wall_nucleation           = h.get_bool("Wall nucleation");
      max_temperature_step      = base::get_quantity(h,
                                                "Maximum temperature step",
                                                base::kelvin_difference(),
                                                "Nanomolding/Crystallization/");
      h.leave_subsection();
      h.leave_subsection();
      if (finest_level < coarsest_level)
        throw InputError("Nanomolding/Finest level ("
                         + std::to_string(finest_level)
                         + ") must not be below Coarsest level ("
                         + std::to_string(coarsest_level) + ")");
      if (study == "array filling" && dim != 3)
        throw InputError("Nanomolding/Study: array filling needs Dimension "
                         "= 3 (the pores of a 3D Gmsh mesh)");
      if (study == "filling" && dim == 3 && pore.reservoir)
        throw InputError("Nanomolding/Study: filling in Dimension = 3 fills "
                         "one round pore without the feedstock over it; set "
                         "Reservoir = false (the pressure then acts at the "
                         "pore entrance), or run Dimension = 2 "
                         "(axisymmetric, with the reservoir)");
      if (study == "filling" && dim == 2 && !stokes.axisymmetric)
        throw InputError("Nanomolding/Study: filling needs Geometry = "
                         "axisymmetric (a round pore)");
      if (pore.reservoir && pore.reservoir_radius <= 0.5)
        throw InputError("Nanomolding/Reservoir radius must exceed 0.5 pore "
                         "diameters (the pore radius)");
      if (pore_depth > 0 && pore_depth <= initial_length * diameter)
        throw InputError(
          "Nanomolding/Pore depth (" + std::to_string(pore_depth * 1e9)
          + " nm) must exceed the initial length ("
          + std::to_string(initial_length * diameter * 1e9) + " nm)");
      if (fills() && !viscous_flow && !interface_diffusion)
        throw InputError("Nanomolding: 'Viscous flow' and 'Interface "
                         "diffusion' are both false; nothing would fill the "
                         "pore");
    }


    void
    declare_nanomolding_parameters(ParameterHandler &prm)
    {
      NanomoldingParameters::declare_parameters(prm);
    }


    NanomoldingInput::NanomoldingInput(ParameterHandler &h, const int dim)
        : temperature(
          base::Schedule::constant(600, base::Quantity::temperature()))
        , pressure(base::Schedule::constant(1e9, base::Quantity::pressure()))
    {
      prm.parse_parameters(h, dim);
      h.enter_subsection("Temperature");
      temperature = base::Schedule::parse(h.get("Schedule"),
                                          base::Quantity::temperature());
      h.leave_subsection();
      try
        {
          pressure
            = base::Schedule::parse(prm.pressure, base::Quantity::pressure());
        }
      catch (const InputError &e)
        {
          throw InputError(std::string("Nanomolding/Pressure: ") + e.what());
        }
      if (prm.fills() || prm.study == "stokes")
        material = std::make_unique<rheology::MoldingMaterial>(
          rheology::MoldingMaterial::read(prm.material_file));
      if (prm.fills() && !prm.kinetics_file.empty())
        read_kinetics();
      if (prm.study == "filling" && prm.capillarity)
        set_meniscus();
      check_schedules();
    }


    void
    NanomoldingInput::set_meniscus()
    {
      prm.pore.contact_angle = material->contact_angle;
      check_meniscus_apex(1.);
    }


    void
    NanomoldingInput::check_meniscus_apex(const double pore_diameter) const
    {
      const fem::Meniscus meniscus(material->contact_angle,
                                   0.5 * pore_diameter);
      // room for a few cells between the entrance and the apex
      const double margin = 0.25 * pore_diameter;
      const double apex_depth
        = prm.initial_length + meniscus.volume_lag() - meniscus.apex_lag();
      if (apex_depth < margin)
        {
          char text[640];
          std::snprintf(
            text,
            sizeof(text),
            "Nanomolding/Initial length: %g pore diameters put the "
            "apex of the meniscus (contact angle %g degrees, "
            "Material file '%s') at a depth of %g pore diameters "
            "in the pore%s, less than the %g it needs; with "
            "Capillarity = true use an Initial length of at "
            "least %g",
            prm.initial_length,
            material->contact_angle * 180 / numbers::PI,
            prm.material_file.c_str(),
            apex_depth,
            pore_diameter == 1.
              ? ""
              : (" of diameter " + std::to_string(pore_diameter)).c_str(),
            margin,
            prm.initial_length + margin - apex_depth);
          throw InputError(text);
        }
    }


    void
    NanomoldingInput::read_kinetics()
    {
      try
        {
          kinetics = std::make_unique<kinetics::KineticsMaterial>(
            kinetics::KineticsMaterial::read(prm.kinetics_file));
        }
      catch (const InputError &e)
        {
          throw InputError(
            std::string("Nanomolding/Crystallization/Kinetics file: ")
            + e.what());
        }
      for (const std::string &e : kinetics->elements)
        if (std::find(material->elements.begin(), material->elements.end(), e)
            == material->elements.end())
          throw InputError("Nanomolding/Crystallization/Kinetics file: element "
                           + e + " of " + prm.kinetics_file
                           + " is not in the material file "
                           + prm.material_file);
    }


    void
    NanomoldingInput::check_schedules() const
    {
      std::vector<double> times = {0.};
      for (const double t : temperature.breakpoints())
        times.push_back(t);
      for (const double t : pressure.breakpoints())
        times.push_back(t);
      char text[512];
      for (const double t : times)
        {
          const double p = pressure.value(t);
          if (!(p >= 0))
            {
              std::snprintf(text,
                            sizeof(text),
                            "Nanomolding/Pressure: %g Pa at t = %g s; the "
                            "pressure that drives the glass into the pore "
                            "must not be negative",
                            p,
                            t);
              throw InputError(text);
            }
          if (!material)
            continue;
          const auto  &law = material->viscosity;
          const double T   = temperature.value(t);
          if (!(law.kink_temperature > 0) && !(T > law.vft_temperature))
            {
              std::snprintf(text,
                            sizeof(text),
                            "Temperature/Schedule: %g K at t = %g s is at or "
                            "below the VFT temperature %g K of Material file "
                            "'%s', where its viscosity is infinite (the glass "
                            "does not flow); mold above it, or give the "
                            "material a Relaxation time at Tg (a glass branch)",
                            T,
                            t,
                            law.vft_temperature,
                            prm.material_file.c_str());
              throw InputError(text);
            }
        }
    }


    namespace
    {
      /// div n of the meniscus at the front point x (n out of the glass):
      /// the front is z = z_contact + lag(r) about the pore's axis.
      template <int dim>
      double
      front_curvature(const fem::Meniscus &meniscus, const Point<dim> &x)
      {
        double r2 = 0;
        for (int c = 0; c < dim - 1; ++c)
          r2 += x[c] * x[c];
        const double r = std::sqrt(r2);
        return rheology::filling::mean_curvature_of_revolution(
          meniscus.lag_slope(r),
          meniscus.lag_curvature(r),
          r);
      }
    } // namespace


    template <int dim>
    fem::StokesProblem<dim>
    mold_flow_problem(const MoldFlow &flow)
    {
      using namespace fem;
      const auto zero = std::make_shared<Functions::ZeroFunction<dim>>(dim + 1);
      StokesProblem<dim> problem;
      problem.dirichlet[wall]       = {velocity_mask(dim), zero};
      problem.dirichlet[pressed]    = {tangential_mask(dim), zero};
      problem.dirichlet[front]      = {tangential_mask(dim), zero};
      problem.dirichlet[symmetry_x] = {single_component(dim, 0), zero};
      if (dim == 3)
        problem.dirichlet[symmetry_y] = {single_component(dim, 1), zero};
      problem.traction = [=](const types::boundary_id id,
                             const Point<dim>        &x,
                             const Tensor<1, dim>    &n) {
        if (id == pressed)
          return Tensor<1, dim>(-flow.p_top * n);
        if (id == front && !flow.pore_menisci.empty())
          {
            // the cap's curvature about the pore's own axis
            const unsigned int i = flow.pores->pore_at(
              Point<3>(x[0], x[1], dim == 3 ? x[dim - 1] : 0.));
            Point<dim> about_axis = x;
            about_axis[0] -= flow.pores->pores[i].x;
            about_axis[1] -= flow.pores->pores[i].y;
            return Tensor<1, dim>(
              -flow.gamma * front_curvature(flow.pore_menisci[i], about_axis)
              * n);
          }
        if (id == front)
          return Tensor<1, dim>(
            -(flow.p_front + flow.gamma * front_curvature(flow.meniscus, x))
            * n);
        return Tensor<1, dim>();
      };
      // rates in units of U / d
      problem.viscosity = [=](const double gdot) {
        return flow.thinning
                 ? rheology::shear_thinning_viscosity(flow.eta_N,
                                                      flow.tau0,
                                                      gdot * flow.U / flow.d)
                     / flow.eta_ref
                 : flow.eta_N / flow.eta_ref;
      };
      problem.viscosity_derivative = [=](const double gdot) {
        return rheology::shear_thinning_viscosity_derivative(flow.eta_N,
                                                             flow.tau0,
                                                             gdot * flow.U
                                                               / flow.d)
               * flow.U / flow.d / flow.eta_ref;
      };
      problem.nonlinear = flow.thinning;
      return problem;
    }


    template fem::StokesProblem<2>
    mold_flow_problem<2>(const MoldFlow &);
    template fem::StokesProblem<3>
    mold_flow_problem<3>(const MoldFlow &);
  } // namespace models
} // namespace vitrum
