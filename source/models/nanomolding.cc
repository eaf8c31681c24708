#include <vitrum/base/collective.h>
#include <vitrum/base/csv_writer.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/kinetics/segment_crystallization.h>
#include <vitrum/models/nanomolding.h>
#include <vitrum/models/stokes_mms.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_renumbering.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/block_sparsity_pattern.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#ifndef VITRUM_SOURCE_DIR
#  define VITRUM_SOURCE_DIR "."
#endif

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    namespace
    {
      constexpr double pi = numbers::PI;

      std::string
      resolve_path(const std::string &name)
      {
        return base::resolve_data_path(name);
      }

      /// Steps that start at h0, grow by `growth` up to h_max and add up to
      /// `length` exactly (the steps are scaled to fit).
      std::vector<double>
      graded_steps(const double length,
                   const double h0,
                   const double growth,
                   const double h_max)
      {
        std::vector<double> steps;
        double              sum = 0, h = h0;
        while (sum + 0.5 * h < length || steps.empty())
          {
            steps.push_back(h);
            sum += h;
            h = std::min(h * growth, h_max);
          }
        for (double &s : steps)
          s *= length / sum;
        return steps;
      }

      /**
       * Block triangular preconditioner of the Stokes system
       * [A B^T; B 0]: z_p = -(M_p/eta)^{-1} r_p by CG, then
       * z_u = A^{-1}(r_u - B^T z_p) by one AMG V-cycle.
       */
      class BlockTriangularPreconditioner
      {
      public:
        BlockTriangularPreconditioner(
          const TrilinosWrappers::BlockSparseMatrix  &S,
          const TrilinosWrappers::BlockSparseMatrix  &Mp,
          const TrilinosWrappers::PreconditionAMG    &amg_A,
          const TrilinosWrappers::PreconditionJacobi &jacobi_M)
            : S(S)
            , Mp(Mp)
            , amg_A(amg_A)
            , jacobi_M(jacobi_M)
        {
        }

        void
        vmult(TrilinosWrappers::MPI::BlockVector       &dst,
              const TrilinosWrappers::MPI::BlockVector &src) const
        {
          SolverControl control(1000, 1e-8 * src.block(1).l2_norm());
          SolverCG<TrilinosWrappers::MPI::Vector> cg(control);
          dst.block(1) = 0;
          if (src.block(1).l2_norm() > 0)
            cg.solve(Mp.block(1, 1), dst.block(1), src.block(1), jacobi_M);
          dst.block(1) *= -1.;
          TrilinosWrappers::MPI::Vector rhs(src.block(0));
          TrilinosWrappers::MPI::Vector tmp(src.block(0));
          S.block(0, 1).vmult(tmp, dst.block(1));
          rhs -= tmp;
          amg_A.vmult(dst.block(0), rhs);
        }

      private:
        const TrilinosWrappers::BlockSparseMatrix  &S;
        const TrilinosWrappers::BlockSparseMatrix  &Mp;
        const TrilinosWrappers::PreconditionAMG    &amg_A;
        const TrilinosWrappers::PreconditionJacobi &jacobi_M;
      };

      /// The velocity part of a manufactured solution as a deal.II function
      /// (for the Dirichlet data).
      template <int dim>
      class MmsVelocity : public Function<dim>
      {
      public:
        MmsVelocity(void (*mms)(const double *, StokesMmsValues &))
            : Function<dim>(dim + 1)
            , mms(mms)
        {
        }

        double
        value(const Point<dim> &p, const unsigned int c) const override
        {
          StokesMmsValues v;
          mms(&p[0], v);
          return c < dim ? v.u[c] : v.p;
        }

      private:
        void (*mms)(const double *, StokesMmsValues &);
      };
    } // namespace


    void
    NanomoldingParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Nanomolding");
      prm.declare_entry(
        "Study",
        "filling",
        Patterns::Selection("filling|mms|poiseuille|stokes"),
        "filling: the glass front in one pore moves in time (L(t), wire "
        "composition); mms: manufactured-solution convergence of the Stokes "
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
                        "working directory, then in the vitrum source tree.");
      prm.declare_entry("Pore diameter",
                        "60",
                        Patterns::Double(0.1, 1e6),
                        "Pore diameter d (nm).");
      prm.declare_entry("Pressure",
                        "1.25 GPa",
                        Patterns::Anything(),
                        "Applied pressure p(t) on the feedstock as a "
                        "schedule, e.g. '0 GPa; ramp to 1.25 GPa in 30 s; "
                        "hold 36000 s'. Units Pa, kPa, MPa, GPa.");
      prm.declare_entry("Pore depth",
                        "0",
                        Patterns::Double(0, 1e9),
                        "Depth H of the pore (nm): the filling stops when the "
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
                        "entrance itself.");
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
                        "Cells across the pore radius in the generated mesh.");
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
                        "Capillary pressure 4 gamma cos(theta)/d at the front "
                        "(gamma, theta from the material file).");
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
      prm.declare_entry("Mesh file",
                        "meshes/pore_array_3d.msh",
                        Patterns::FileName(),
                        "Gmsh mesh for Study = stokes, lengths in pore "
                        "diameters; boundary ids: 0 mold wall (no slip), 1 "
                        "pressed feedstock top, 2 glass fronts, 3/4 symmetry "
                        "planes normal to x/y.");
      prm.declare_entry("Mesh refinements",
                        "0",
                        Patterns::Integer(0, 6),
                        "Study = stokes: global refinements of the Gmsh mesh "
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
                        Patterns::Double(1e-3, 100),
                        "Largest temperature change (K) of one JMAK step on "
                        "temperature ramps.");
      prm.leave_subsection();
      prm.leave_subsection();
    }


    void
    NanomoldingParameters::parse_parameters(ParameterHandler &h, const int dim)
    {
      h.enter_subsection("Nanomolding");
      study                = h.get("Study");
      axisymmetric         = dim == 2 && h.get("Geometry") == "axisymmetric";
      material_file        = resolve_path(h.get("Material file"));
      diameter             = h.get_double("Pore diameter") * 1e-9;
      pressure             = h.get("Pressure");
      initial_length       = h.get_double("Initial length");
      pore_depth           = h.get_double("Pore depth") * 1e-9;
      reservoir            = h.get_bool("Reservoir");
      reservoir_radius     = h.get_double("Reservoir radius");
      reservoir_height     = h.get_double("Reservoir height");
      cells_across_radius  = h.get_integer("Cells across radius");
      length_increment     = h.get_double("Length increment");
      viscous_flow         = h.get_bool("Viscous flow");
      interface_diffusion  = h.get_bool("Interface diffusion");
      capillarity          = h.get_bool("Capillarity");
      shear_thinning       = h.get_bool("Shear thinning");
      newton               = h.get("Nonlinear solver") == "Newton";
      nonlinear_tolerance  = h.get_double("Nonlinear tolerance");
      nonlinear_iterations = h.get_integer("Nonlinear iterations");
      linear_tolerance     = h.get_double("Linear tolerance");
      mesh_file            = resolve_path(h.get("Mesh file"));
      mesh_refinements     = h.get_integer("Mesh refinements");
      coarsest_level       = h.get_integer("Coarsest level");
      finest_level         = h.get_integer("Finest level");
      wire_tubes           = h.get_integer("Wire tubes");
      h.enter_subsection("Crystallization");
      kinetics_file = h.get("Kinetics file");
      kinetics_file
        = kinetics_file.empty() ? kinetics_file : resolve_path(kinetics_file);
      crystallization_threshold = h.get_double("Threshold");
      wall_nucleation           = h.get_bool("Wall nucleation");
      max_temperature_step      = h.get_double("Maximum temperature step");
      h.leave_subsection();
      h.leave_subsection();
      if (finest_level < coarsest_level)
        throw InputError("Nanomolding/Finest level ("
                         + std::to_string(finest_level)
                         + ") must not be below Coarsest level ("
                         + std::to_string(coarsest_level) + ")");
      if (study == "filling" && dim == 3)
        throw InputError("Nanomolding/Study: filling runs in Dimension = 2 "
                         "(axisymmetric pore); in 3D use Study = stokes on a "
                         "pore-array mesh");
      if (study == "filling" && !axisymmetric)
        throw InputError("Nanomolding/Study: filling needs Geometry = "
                         "axisymmetric (a round pore)");
      if (reservoir && reservoir_radius <= 0.5)
        throw InputError("Nanomolding/Reservoir radius must exceed 0.5 pore "
                         "diameters (the pore radius)");
      if (pore_depth > 0 && pore_depth <= initial_length * diameter)
        throw InputError(
          "Nanomolding/Pore depth (" + std::to_string(pore_depth * 1e9)
          + " nm) must exceed the initial length ("
          + std::to_string(initial_length * diameter * 1e9) + " nm)");
      if (study == "filling" && !viscous_flow && !interface_diffusion)
        throw InputError("Nanomolding: 'Viscous flow' and 'Interface "
                         "diffusion' are both false; nothing would fill the "
                         "pore");
    }


    void
    declare_nanomolding_parameters(ParameterHandler &prm)
    {
      NanomoldingParameters::declare_parameters(prm);
    }


    template <int dim>
    Nanomolding<dim>::Nanomolding(ParameterHandler &h, MPI_Comm comm)
        : comm(comm)
        , temperature(
            base::Schedule::constant(600, base::Quantity::temperature()))
        , pressure(base::Schedule::constant(1e9, base::Quantity::pressure()))
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
        , triangulation(comm)
        , fe(FE_Q<dim>(2), dim, FE_Q<dim>(1), 1)
        , dof_handler(triangulation)
    {
      prm.parse_parameters(h, dim);
      time_prm.parse_parameters(h);
      output_prm.parse_parameters(h);
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
      if (prm.study == "filling" || prm.study == "stokes")
        material = std::make_unique<rheology::MoldingMaterial>(
          rheology::MoldingMaterial::read(prm.material_file));
      if (prm.study == "filling" && !prm.kinetics_file.empty())
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
            if (std::find(material->elements.begin(),
                          material->elements.end(),
                          e)
                == material->elements.end())
              throw InputError(
                "Nanomolding/Crystallization/Kinetics file: element " + e
                + " of " + prm.kinetics_file + " is not in the material file "
                + prm.material_file);
        }
      check_schedules();
      timer = std::make_unique<TimerOutput>(comm,
                                            pcout,
                                            TimerOutput::never,
                                            TimerOutput::wall_times);
    }


    template <int dim>
    void
    Nanomolding<dim>::check_schedules() const
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
                            "material a Kink temperature",
                            T,
                            t,
                            law.vft_temperature,
                            prm.material_file.c_str());
              throw InputError(text);
            }
        }
    }


    template <int dim>
    bool
    Nanomolding<dim>::weighted() const
    {
      return prm.axisymmetric;
    }


    template <int dim>
    void
    Nanomolding<dim>::setup_dofs(const Problem &problem)
    {
      TimerOutput::Scope t(*timer, "setup");
      dof_handler.distribute_dofs(fe);
      std::vector<unsigned int> blocks(dim + 1, 0);
      blocks[dim] = 1;
      DoFRenumbering::component_wise(dof_handler, blocks);
      const std::vector<types::global_dof_index> n_per_block
        = DoFTools::count_dofs_per_fe_block(dof_handler, blocks);
      const types::global_dof_index n_u = n_per_block[0], n_p = n_per_block[1];

      const IndexSet &owned = dof_handler.locally_owned_dofs();
      IndexSet        relevant;
      DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
      owned_partitioning
        = {owned.get_view(0, n_u), owned.get_view(n_u, n_u + n_p)};
      relevant_partitioning
        = {relevant.get_view(0, n_u), relevant.get_view(n_u, n_u + n_p)};

      constraints.clear();
      constraints.reinit(relevant);
      DoFTools::make_hanging_node_constraints(dof_handler, constraints);
      for (const auto &[id, data] : problem.dirichlet)
        VectorTools::interpolate_boundary_values(dof_handler,
                                                 id,
                                                 *data.second,
                                                 constraints,
                                                 data.first);
      constraints.close();

      {
        Table<2, DoFTools::Coupling> coupling(dim + 1, dim + 1);
        for (unsigned int c = 0; c < dim + 1; ++c)
          for (unsigned int d = 0; d < dim + 1; ++d)
            coupling[c][d]
              = (c == dim && d == dim) ? DoFTools::none : DoFTools::always;
        BlockDynamicSparsityPattern dsp(relevant_partitioning);
        DoFTools::make_sparsity_pattern(dof_handler,
                                        coupling,
                                        dsp,
                                        constraints,
                                        false);
        SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
        system_matrix.clear();
        system_matrix.reinit(owned_partitioning, dsp, comm);
      }
      {
        Table<2, DoFTools::Coupling> coupling(dim + 1, dim + 1);
        for (unsigned int c = 0; c < dim + 1; ++c)
          for (unsigned int d = 0; d < dim + 1; ++d)
            coupling[c][d]
              = (c == dim && d == dim) ? DoFTools::always : DoFTools::none;
        BlockDynamicSparsityPattern dsp(relevant_partitioning);
        DoFTools::make_sparsity_pattern(dof_handler,
                                        coupling,
                                        dsp,
                                        constraints,
                                        false);
        SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
        preconditioner_matrix.clear();
        preconditioner_matrix.reinit(owned_partitioning, dsp, comm);
      }
      solution.reinit(owned_partitioning, relevant_partitioning, comm);
      system_rhs.reinit(owned_partitioning, comm);
    }


    template <int dim>
    void
    Nanomolding<dim>::assemble(const Problem &problem,
                               const bool     use_solution,
                               const bool     newton)
    {
      TimerOutput::Scope t(*timer, "assemble");
      system_matrix         = 0;
      preconditioner_matrix = 0;
      system_rhs            = 0;

      const QGauss<dim>     quadrature(3);
      const QGauss<dim - 1> face_quadrature(3);
      FEValues<dim>         fv(fe,
                       quadrature,
                       update_values | update_gradients
                         | update_quadrature_points | update_JxW_values);
      FEFaceValues<dim>     fv_face(fe,
                                face_quadrature,
                                update_values | update_quadrature_points
                                  | update_normal_vectors | update_JxW_values);
      const unsigned int    n_dofs = fe.n_dofs_per_cell();
      const unsigned int    n_q    = quadrature.size();
      FullMatrix<double> cell_matrix(n_dofs, n_dofs), cell_pre(n_dofs, n_dofs);
      Vector<double>     cell_rhs(n_dofs);
      std::vector<types::global_dof_index> dof_indices(n_dofs);
      const FEValuesExtractors::Vector     velocity(0);
      const FEValuesExtractors::Scalar     pressure_x(dim);
      const FEValuesExtractors::Scalar     radial(0);

      std::vector<SymmetricTensor<2, dim>> eps_old(n_q);
      std::vector<double>                  ur_old(n_q);
      std::vector<SymmetricTensor<2, dim>> eps(n_dofs);
      std::vector<double> div(n_dofs), psi(n_dofs), ur(n_dofs), e_old(n_dofs);
      std::vector<Tensor<1, dim>> phi(n_dofs);
      const bool                  axi = weighted();

      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            cell_matrix = 0;
            cell_pre    = 0;
            cell_rhs    = 0;
            if (use_solution)
              {
                fv[velocity].get_function_symmetric_gradients(solution,
                                                              eps_old);
                fv[radial].get_function_values(solution, ur_old);
              }
            for (unsigned int q = 0; q < n_q; ++q)
              {
                const Point<dim> &x    = fv.quadrature_point(q);
                const double      w    = axi ? x[0] * fv.JxW(q) : fv.JxW(q);
                double            gdot = 0;
                if (use_solution)
                  {
                    double e2 = eps_old[q] * eps_old[q];
                    if (axi)
                      e2 += ur_old[q] * ur_old[q] / (x[0] * x[0]);
                    gdot = std::sqrt(2. * e2);
                  }
                const double eta = problem.viscosity(gdot);
                // Newton: d(eta)/d(gdot) terms of the tangent (symmetric;
                // positive as long as the stress grows with the rate)
                const double newton_factor
                  = (newton && gdot > 0)
                      ? 4. * problem.viscosity_derivative(gdot) / gdot
                      : 0.;
                for (unsigned int i = 0; i < n_dofs; ++i)
                  {
                    eps[i] = fv[velocity].symmetric_gradient(i, q);
                    div[i] = fv[velocity].divergence(i, q);
                    psi[i] = fv[pressure_x].value(i, q);
                    phi[i] = fv[velocity].value(i, q);
                    ur[i]  = axi ? phi[i][0] / x[0] : 0.;
                    div[i] += ur[i];
                  }
                Tensor<1, dim> f;
                if (problem.body_force)
                  f = problem.body_force(x);
                if (newton_factor != 0)
                  for (unsigned int i = 0; i < n_dofs; ++i)
                    e_old[i] = eps_old[q] * eps[i]
                               + (axi ? ur_old[q] / x[0] * ur[i] : 0.);
                for (unsigned int i = 0; i < n_dofs; ++i)
                  {
                    for (unsigned int j = 0; j <= i; ++j)
                      {
                        const double a
                          = (2. * eta * (eps[i] * eps[j] + ur[i] * ur[j])
                             - div[i] * psi[j] - psi[i] * div[j])
                            * w;
                        cell_matrix(i, j)
                          += a + newton_factor * e_old[i] * e_old[j] * w;
                        cell_pre(i, j) += psi[i] * psi[j] / eta * w;
                      }
                    // J u_new = f + (J - K) u_old
                    cell_rhs(i)
                      += (f * phi[i]
                          + 0.5 * newton_factor * gdot * gdot * e_old[i])
                         * w;
                  }
              }
            for (unsigned int i = 0; i < n_dofs; ++i)
              for (unsigned int j = i + 1; j < n_dofs; ++j)
                {
                  cell_matrix(i, j) = cell_matrix(j, i);
                  cell_pre(i, j)    = cell_pre(j, i);
                }
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() && problem.traction)
                {
                  const types::boundary_id id = cell->face(f)->boundary_id();
                  fv_face.reinit(cell, f);
                  for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                    {
                      const Point<dim> &x = fv_face.quadrature_point(q);
                      const double      w
                        = axi ? x[0] * fv_face.JxW(q) : fv_face.JxW(q);
                      const Tensor<1, dim> tr
                        = problem.traction(id, x, fv_face.normal_vector(q));
                      if (tr.norm() == 0)
                        continue;
                      for (unsigned int i = 0; i < n_dofs; ++i)
                        cell_rhs(i) += tr * fv_face[velocity].value(i, q) * w;
                    }
                }
            cell->get_dof_indices(dof_indices);
            constraints.distribute_local_to_global(cell_matrix,
                                                   cell_rhs,
                                                   dof_indices,
                                                   system_matrix,
                                                   system_rhs);
            constraints.distribute_local_to_global(cell_pre,
                                                   dof_indices,
                                                   preconditioner_matrix);
          }
      system_matrix.compress(VectorOperation::add);
      preconditioner_matrix.compress(VectorOperation::add);
      system_rhs.compress(VectorOperation::add);
    }


    template <int dim>
    void
    Nanomolding<dim>::solve_linear()
    {
      TimerOutput::Scope                t(*timer, "solve");
      TrilinosWrappers::PreconditionAMG amg_A;
      {
        std::vector<std::vector<bool>> constant_modes;
        ComponentMask                  velocity_mask(dim + 1, true);
        velocity_mask.set(dim, false);
        DoFTools::extract_constant_modes(dof_handler,
                                         velocity_mask,
                                         constant_modes);
        TrilinosWrappers::PreconditionAMG::AdditionalData data;
        data.constant_modes        = constant_modes;
        data.elliptic              = true;
        data.higher_order_elements = true;
        data.smoother_sweeps       = 2;
        data.aggregation_threshold = 0.02;
        amg_A.initialize(system_matrix.block(0, 0), data);
      }
      TrilinosWrappers::PreconditionJacobi jacobi_M;
      jacobi_M.initialize(preconditioner_matrix.block(1, 1));
      const BlockTriangularPreconditioner preconditioner(system_matrix,
                                                         preconditioner_matrix,
                                                         amg_A,
                                                         jacobi_M);

      TrilinosWrappers::MPI::BlockVector x(owned_partitioning, comm);
      x = solution; // previous iterate as the initial guess
      constraints.set_zero(x);
      const double  b = system_rhs.l2_norm();
      SolverControl control(5000, prm.linear_tolerance * b);
      SolverFGMRES<TrilinosWrappers::MPI::BlockVector> solver(
        control,
        SolverFGMRES<TrilinosWrappers::MPI::BlockVector>::AdditionalData(100));
      try
        {
          if (b > 0)
            solver.solve(system_matrix, x, system_rhs, preconditioner);
        }
      catch (const SolverControl::NoConvergence &e)
        {
          throw SolverError("Stokes solver: FGMRES did not reach the relative "
                            "residual "
                            + std::to_string(prm.linear_tolerance) + " in "
                            + std::to_string(e.last_step)
                            + " iterations (residual "
                            + std::to_string(e.last_residual / b)
                            + "); raise Nanomolding/Linear tolerance");
        }
      last_iterations = control.last_step();
      constraints.distribute(x);
      solution = x;
    }


    template <int dim>
    unsigned int
    Nanomolding<dim>::solve(const Problem &problem)
    {
      setup_dofs(problem);
      solution = 0;
      assemble(problem, false, false);
      solve_linear();
      if (!problem.nonlinear)
        return 1;
      // two Picard iterations bring the iterate near the solution, then
      // Newton (if chosen) converges quadratically
      for (unsigned int it = 2; it <= prm.nonlinear_iterations; ++it)
        {
          TrilinosWrappers::MPI::BlockVector old(owned_partitioning, comm);
          old = solution;
          assemble(problem, true, prm.newton && it > 3);
          solve_linear();
          TrilinosWrappers::MPI::BlockVector change(owned_partitioning, comm);
          change = solution;
          change -= old;
          if (change.block(0).l2_norm()
              <= prm.nonlinear_tolerance * old.block(0).l2_norm())
            return it;
        }
      throw SolverError("Nanomolding: the shear-thinning flow did not converge "
                        "in 'Nonlinear iterations' = "
                        + std::to_string(prm.nonlinear_iterations)
                        + " (raise it, or loosen 'Nonlinear tolerance')");
    }


    template <int dim>
    double
    Nanomolding<dim>::boundary_flux(const types::boundary_id id) const
    {
      const QGauss<dim - 1>            face_quadrature(4);
      FEFaceValues<dim>                fv(fe,
                           face_quadrature,
                           update_values | update_quadrature_points
                             | update_normal_vectors | update_JxW_values);
      const FEValuesExtractors::Vector velocity(0);
      std::vector<Tensor<1, dim>>      u(face_quadrature.size());
      double                           flux = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary()
                && cell->face(f)->boundary_id() == id)
              {
                fv.reinit(cell, f);
                fv[velocity].get_function_values(solution, u);
                for (unsigned int q = 0; q < u.size(); ++q)
                  flux
                    += u[q] * fv.normal_vector(q) * fv.JxW(q)
                       * (weighted() ? 2 * pi * fv.quadrature_point(q)[0] : 1.);
              }
      return Utilities::MPI::sum(flux, comm);
    }


    template <int dim>
    double
    Nanomolding<dim>::entrance_pressure() const
    {
      // faces at z = 0 on top of the pore's cells; each is counted once,
      // from the pore cell below it
      const QGauss<dim - 1>            face_quadrature(4);
      FEFaceValues<dim>                fv(fe,
                           face_quadrature,
                           update_values | update_quadrature_points
                             | update_JxW_values);
      const FEValuesExtractors::Scalar pressure_x(dim);
      std::vector<double>              p(face_quadrature.size());
      double                           integral = 0, area = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && cell->center()[dim - 1] < 0)
          for (const auto f : cell->face_indices())
            if (std::abs(cell->face(f)->center()[dim - 1]) < 1e-10)
              {
                fv.reinit(cell, f);
                fv[pressure_x].get_function_values(solution, p);
                for (unsigned int q = 0; q < p.size(); ++q)
                  {
                    const double w
                      = fv.JxW(q)
                        * (weighted() ? fv.quadrature_point(q)[0] : 1.);
                    integral += p[q] * w;
                    area += w;
                  }
              }
      integral = Utilities::MPI::sum(integral, comm);
      area     = Utilities::MPI::sum(area, comm);
      return area > 0 ? integral / area : 0.;
    }


    template <int dim>
    void
    Nanomolding<dim>::make_pore_mesh(const double L)
    {
      AssertThrow(dim == 2, ExcInternalError());
      const double                     r_pore = 0.5;
      const double                     h0 = r_pore / prm.cells_across_radius;
      std::vector<std::vector<double>> steps(dim);
      steps[0]       = std::vector<double>(prm.cells_across_radius, h0);
      const double R = prm.reservoir ? prm.reservoir_radius : r_pore;
      if (prm.reservoir)
        for (const double s : graded_steps(R - r_pore, h0, 1.5, 4 * h0))
          steps[0].push_back(s);
      // pore: graded from the front and from the entrance towards its middle
      const std::vector<double> half
        = graded_steps(0.5 * L, h0, 1.3, std::max(8 * h0, 1.0));
      steps[1].assign(half.begin(), half.end());
      steps[1].insert(steps[1].end(), half.rbegin(), half.rend());
      const double H = prm.reservoir ? prm.reservoir_height : 0.;
      if (prm.reservoir)
        for (const double s : graded_steps(H, h0, 1.5, 4 * h0))
          steps[1].push_back(s);

      Triangulation<dim> full;
      Point<dim>         p1, p2;
      p1[0] = 0;
      p1[1] = -L;
      p2[0] = R;
      p2[1] = H;
      GridGenerator::subdivided_hyper_rectangle(full, steps, p1, p2);
      std::set<typename Triangulation<dim>::active_cell_iterator> outside;
      for (const auto &cell : full.active_cell_iterators())
        if (cell->center()[0] > r_pore && cell->center()[1] < 0)
          outside.insert(cell);
      Triangulation<dim> domain;
      if (outside.empty())
        domain.copy_triangulation(full);
      else
        GridGenerator::create_triangulation_with_removed_cells(full,
                                                               outside,
                                                               domain);
      const double tol = 1e-8 * std::max(1., L);
      for (const auto &cell : domain.active_cell_iterators())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary())
            {
              const Point<dim>   c  = cell->face(f)->center();
              types::boundary_id id = wall;
              if (std::abs(c[0]) < tol
                  || (prm.reservoir && std::abs(c[0] - R) < tol))
                id = symmetry_x;
              if (std::abs(c[1] - H) < tol)
                id = pressed;
              if (std::abs(c[1] + L) < tol)
                id = front;
              cell->face(f)->set_boundary_id(id);
            }
      triangulation.clear();
      triangulation.copy_triangulation(domain);
    }


    namespace
    {
      /// u_0 = ... = u_{dim-2} = 0: no tangential motion on a boundary
      /// normal to the last axis.
      ComponentMask
      tangential_mask(const int dim)
      {
        ComponentMask m(dim + 1, false);
        for (int c = 0; c < dim - 1; ++c)
          m.set(c, true);
        return m;
      }

      ComponentMask
      single_component(const int dim, const unsigned int c)
      {
        ComponentMask m(dim + 1, false);
        m.set(c, true);
        return m;
      }

      ComponentMask
      velocity_mask(const int dim)
      {
        ComponentMask m(dim + 1, true);
        m.set(dim, false);
        return m;
      }
    } // namespace


    template <int dim>
    void
    Nanomolding<dim>::run_filling()
    {
      const rheology::MoldingMaterial &mat     = *material;
      const double                     d       = prm.diameter;
      const double                     T0      = temperature.value(0.);
      const double                     eta_ref = mat.viscosity.newtonian(T0);
      double                           P       = 0;
      for (const double tb : pressure.breakpoints())
        P = std::max(P, std::abs(pressure.value(tb)));
      if (!(P > 0))
        throw InputError("Nanomolding/Pressure: the schedule never rises "
                         "above 0 Pa");
      const double U    = P * d / eta_ref; // velocity unit
      const double area = pi * d * d / 4;
      const double p_cap
        = prm.capillarity
            ? rheology::filling::capillary_pressure(mat.surface_tension,
                                                    mat.contact_angle,
                                                    d)
            : 0.;
      const unsigned int K = mat.elements.size();

      pcout << "Nanomolding: " << mat.name << ", d = " << d * 1e9
            << " nm, p(t):\n  " << pressure.describe()
            << "\n  T(t): " << temperature.describe()
            << "\n  eta_N(T0) = " << eta_ref
            << " Pa s, D_I(T0) = " << mat.mean_interface_diffusivity(T0)
            << " m^2/s, capillary pressure " << p_cap << " Pa\n"
            << "  analytic crossover d_c(T0) = "
            << 1e9
                 * rheology::filling::crossover_diameter(
                   mat.wall_layer * mat.mean_interface_diffusivity(T0),
                   mat.atomic_volume,
                   eta_ref,
                   T0)
            << " nm (exact Poiseuille, 128)" << std::endl;

      output_prm.make_directory(comm);
      const bool root = Utilities::MPI::this_mpi_process(comm) == 0;
      std::vector<std::string> columns = {"step",
                                          "time",
                                          "temperature",
                                          "pressure",
                                          "length",
                                          "length_law",
                                          "viscous_velocity",
                                          "diffusive_velocity",
                                          "viscous_length",
                                          "diffusive_length",
                                          "viscosity",
                                          "dofs",
                                          "iterations"};
      for (const auto &e : mat.elements)
        columns.push_back("tip_" + e);
      base::CsvWriter csv(output_prm.directory + "/time_series.csv",
                          columns,
                          root);

      rheology::WireComposition wire(mat.composition, prm.wire_tubes);
      double L = prm.initial_length * d, t = 0, L2_law = L * L;
      double viscous_length = 0, diffusive_length = 0;
      wire.reset(L);
      const double            t_end = time_prm.end_time;
      unsigned int            step  = 0;
      const auto              zero  = Functions::ZeroFunction<dim>(dim + 1);
      types::global_dof_index dofs  = 0;
      while (t < t_end * (1 - 1e-12))
        {
          const double T  = temperature.value(t);
          const double p  = pressure.value(t);
          const double eN = mat.viscosity.newtonian(T);
          // front speeds (m/s)
          double       v_visc = 0, v_diff = 0, p_entrance = p;
          unsigned int iterations = 0;
          if (prm.viscous_flow)
            {
              make_pore_mesh(L / d);
              Problem problem;
              problem.dirichlet[wall]       = {velocity_mask(dim), &zero};
              problem.dirichlet[pressed]    = {tangential_mask(dim), &zero};
              problem.dirichlet[front]      = {tangential_mask(dim), &zero};
              problem.dirichlet[symmetry_x] = {single_component(dim, 0), &zero};
              const double p_top = p / P, p_front = -p_cap / P;
              problem.traction = [=](const types::boundary_id id,
                                     const Point<dim> &,
                                     const Tensor<1, dim> &n) {
                if (id == pressed)
                  return Tensor<1, dim>(-p_top * n);
                if (id == front)
                  return Tensor<1, dim>(-p_front * n);
                return Tensor<1, dim>();
              };
              const double tau0
                = rheology::eyring_stress(T, mat.activation_volume);
              const bool thinning = prm.shear_thinning;
              problem.viscosity   = [=](const double gdot) {
                return thinning
                           ? rheology::shear_thinning_viscosity(eN,
                                                              tau0,
                                                              gdot * U / d)
                             / eta_ref
                           : eN / eta_ref;
              };
              problem.viscosity_derivative = [=](const double gdot) {
                return rheology::shear_thinning_viscosity_derivative(eN,
                                                                     tau0,
                                                                     gdot * U
                                                                       / d)
                       * U / d / eta_ref;
              };
              problem.nonlinear = thinning;
              iterations        = solve(problem);
              dofs              = dof_handler.n_dofs();
              // the outward normal of the front points down the pore
              v_visc = std::max(0., boundary_flux(front) * U * d * d / area);
              // the wall layer starts where the pore does: its chemical
              // potential there is set by the pressure the flow leaves
              p_entrance = entrance_pressure() * P;
            }
          if (prm.interface_diffusion)
            v_diff = 4. * mat.wall_layer * mat.mean_interface_diffusivity(T)
                     * std::max(0., p_entrance + p_cap) * mat.atomic_volume
                     / (d * rheology::boltzmann_constant * T * L);
          const double rate = v_visc + v_diff;
          double       dt   = std::min(t_end - t, time_prm.maximum_time_step);
          dt = std::min(dt, pressure.next_breakpoint_after(t) - t);
          dt = std::min(dt, temperature.next_breakpoint_after(t) - t);
          if (rate > 0)
            dt = std::min(dt, prm.length_increment * L / rate);
          // resolve pressure ramps: at most 5 % of the largest pressure per
          // step, since the step uses the pressure at its start
          if (pressure.rate(t) != 0)
            dt = std::min(dt, 0.05 * P / std::abs(pressure.rate(t)));
          // d(L^2)/dt = 2 L dL/dt is constant for both filling laws, so the
          // step is exact for them whatever its size
          // the front reaches the bottom of a pore of finite depth
          const double depth = prm.pore_depth;
          if (depth > 0 && rate > 0
              && L * L + 2 * L * rate * dt > depth * depth)
            dt = (depth * depth - L * L) / (2 * L * rate);
          const double        L_new      = std::sqrt(L * L + 2 * L * rate * dt);
          const double        dL         = L_new - L;
          const double        share_visc = rate > 0 ? v_visc / rate : 0.;
          std::vector<double> tip(K, 0.);
          if (v_diff > 0)
            {
              const std::vector<double> Q
                = rheology::filling::wall_volume_rates(mat, d, L, 1., T);
              double Qs = 0;
              for (const double q : Q)
                Qs += q;
              for (unsigned int k = 0; k < K; ++k)
                tip[k] = dL * (1 - share_visc) * Q[k] / Qs;
            }
          wire.add(dL * share_visc, tip, t + 0.5 * dt);
          viscous_length += dL * share_visc;
          diffusive_length += dL * (1 - share_visc);
          // the same history integrated with the analytic coefficients
          const double p_mid = pressure.value(t + 0.5 * dt) + p_cap;
          const double T_mid = temperature.value(t + 0.5 * dt);
          double       Klaw  = 0;
          if (prm.viscous_flow)
            Klaw
              += rheology::filling::viscous_coefficient(std::max(0., p_mid),
                                                        d,
                                                        mat.viscosity.newtonian(
                                                          T_mid));
          if (prm.interface_diffusion)
            Klaw += rheology::filling::diffusive_coefficient(
              std::max(0., p_mid),
              d,
              mat.wall_layer * mat.mean_interface_diffusivity(T_mid),
              mat.atomic_volume,
              T_mid);
          L2_law += Klaw * dt;
          L = L_new;
          t += dt;
          ++step;
          std::vector<double>       row   = {double(step),
                                             t,
                                             T,
                                             p,
                                             L,
                                             std::sqrt(L2_law),
                                             v_visc,
                                             v_diff,
                                             viscous_length,
                                             diffusive_length,
                                             eN,
                                             double(dofs),
                                             double(iterations)};
          const std::vector<double> x_tip = wire.composition_at(L * 0.999999);
          row.insert(row.end(), x_tip.begin(), x_tip.end());
          csv.add_row(row);
          if (output_prm.progress_every > 0
              && step % output_prm.progress_every == 0)
            pcout << "step " << step << "  t = " << t << " s  L = " << L * 1e9
                  << " nm  (L/d = " << L / d << ", dofs " << dofs
                  << ", FGMRES its " << last_iterations << ")" << std::endl;
          if (time_prm.maximum_steps > 0 && step >= time_prm.maximum_steps)
            break;
          if (prm.pore_depth > 0 && L >= prm.pore_depth * (1 - 1e-12))
            {
              pcout << "The pore is full (depth " << prm.pore_depth * 1e9
                    << " nm) at t = " << t << " s" << std::endl;
              break;
            }
        }

      // the wire's composition from root to tip
      if (root)
        {
          std::ofstream out(output_prm.directory + "/wire_composition.csv");
          out << "z,z_over_L";
          for (const auto &e : mat.elements)
            out << "," << e;
          out << "\n" << std::setprecision(10);
          const unsigned int n = 200;
          for (unsigned int i = 0; i < n; ++i)
            {
              const double z = (i + 0.5) / n * L;
              out << z << "," << z / L;
              for (const double x : wire.composition_at(z))
                out << "," << x;
              out << "\n";
            }
        }
      const std::vector<double> mean = wire.mean_composition();
      pcout << "Final: t = " << t << " s, L = " << L * 1e9
            << " nm, L/d = " << L / d
            << ", analytic law L = " << std::sqrt(L2_law) * 1e9
            << " nm\n  viscous share of the wire "
            << viscous_length / (viscous_length + diffusive_length + 1e-300)
            << "; mean composition";
      for (unsigned int k = 0; k < K; ++k)
        pcout << " " << mat.elements[k] << " " << 100 * mean[k];
      pcout << " at.%" << std::endl;
      if (kinetics)
        mark_crystallization(wire, t);
      if (prm.viscous_flow)
        write_fields("final");
    }


    template <int dim>
    void
    Nanomolding<dim>::mark_crystallization(
      const rheology::WireComposition &wire,
      const double                     t)
    {
      TimerOutput::Scope scope(*timer, "crystallization");
      report_cross_sections(wire, crystallize_slices(wire, t));
    }


    template <int dim>
    kinetics::SegmentCrystallizationSettings
    Nanomolding<dim>::crystallization_settings() const
    {
      kinetics::SegmentCrystallizationSettings settings;
      settings.interface_area_per_volume
        = prm.wall_nucleation ? 4. / prm.diameter : 0.;
      settings.threshold            = prm.crystallization_threshold;
      settings.max_temperature_step = prm.max_temperature_step;
      return settings;
    }


    template <int dim>
    std::vector<double>
    Nanomolding<dim>::crystallize_slices(const rheology::WireComposition &wire,
                                         const double t) const
    {
      const rheology::MoldingMaterial  &mat      = *material;
      const kinetics::KineticsMaterial &kin      = *kinetics;
      const auto                        settings = crystallization_settings();
      const double                      T_end    = temperature.value(t);

      // the wire's fractions in the element order of the kinetics file
      const auto to_kinetics = [&](const std::vector<double> &x) {
        if (kin.elements.empty())
          return x;
        std::vector<double> y;
        for (const std::string &e : kin.elements)
          y.push_back(x[std::find(mat.elements.begin(), mat.elements.end(), e)
                        - mat.elements.begin()]);
        return y;
      };

      const auto               segments = wire.segments();
      const unsigned int       N        = wire.n_tubes();
      std::vector<std::string> columns
        = {"tube", "r_inner", "r_outer", "z_bottom", "z_top"};
      for (const auto &e : mat.elements)
        columns.push_back(e);
      for (const char *c : {"born",
                            "entered",
                            "age",
                            "nucleation_rate",
                            "growth_rate",
                            "grain_radius",
                            "fraction",
                            "time_to_threshold",
                            "crystalline"})
        columns.push_back(c);
      base::CsvWriter csv(output_prm.directory
                            + "/wire_crystallization_segments.csv",
                          columns,
                          Utilities::MPI::this_mpi_process(comm) == 0);
      // every slice of every streamtube: its own composition and age
      std::vector<double> X(segments.size());
      for (unsigned int j = 0; j < segments.size(); ++j)
        {
          const auto                            &s = segments[j];
          const kinetics::SegmentCrystallization c
            = kinetics::crystallize_segment(kin,
                                            to_kinetics(s.x),
                                            temperature,
                                            s.born,
                                            s.entered,
                                            t,
                                            T_end,
                                            settings);
          X[j] = c.fraction;
          std::vector<double> row
            = {double(s.tube),
               0.5 * prm.diameter * std::sqrt(double(s.tube) / N),
               0.5 * prm.diameter * std::sqrt(double(s.tube + 1) / N),
               s.bottom,
               s.bottom + s.thickness};
          row.insert(row.end(), s.x.begin(), s.x.end());
          row.insert(row.end(),
                     {s.born,
                      s.entered,
                      t - s.born,
                      c.nucleation,
                      c.growth,
                      c.radius,
                      c.fraction,
                      c.time_to_threshold,
                      double(c.fraction >= settings.threshold)});
          csv.add_row(row);
        }
      return X;
    }


    template <int dim>
    void
    Nanomolding<dim>::report_cross_sections(
      const rheology::WireComposition &wire,
      const std::vector<double>       &X) const
    {
      const auto               settings = crystallization_settings();
      const auto               segments = wire.segments();
      const unsigned int       N        = wire.n_tubes();
      const unsigned int       K        = material->elements.size();
      std::vector<std::string> columns  = {"z_bottom", "z_top", "z_over_L"};
      for (const auto &e : material->elements)
        columns.push_back(e);
      for (const char *c : {"fraction", "crystalline"})
        columns.push_back(c);
      base::CsvWriter profile(output_prm.directory
                                + "/wire_crystallization.csv",
                              columns,
                              Utilities::MPI::this_mpi_process(comm) == 0);
      // cross-section means (what a line scan sees), root first
      const double        L = wire.length();
      std::vector<double> thickness, fraction;
      double              X_max = 0, z_max = 0, crystalline = 0;
      for (const auto &c : wire.cross_sections())
        {
          std::vector<double> x(K, 0.);
          double              X_mean = 0;
          for (const unsigned int j : c.segment)
            {
              for (unsigned int k = 0; k < K; ++k)
                x[k] += segments[j].x[k] / N;
              X_mean += X[j] / N;
            }
          const bool          done = X_mean >= settings.threshold;
          std::vector<double> row
            = {c.bottom, c.top, 0.5 * (c.bottom + c.top) / L};
          row.insert(row.end(), x.begin(), x.end());
          row.insert(row.end(), {X_mean, double(done)});
          profile.add_row(row);
          thickness.push_back(c.top - c.bottom);
          fraction.push_back(X_mean);
          crystalline += done ? c.top - c.bottom : 0.;
          if (X_mean > X_max)
            X_max = X_mean, z_max = 0.5 * (c.bottom + c.top);
        }
      const double onset = kinetics::crystallization_onset(thickness,
                                                           fraction,
                                                           settings.threshold);
      pcout << "Crystallization along the wire (" << kinetics->name
            << ", X >= " << settings.threshold << ", wall area per volume "
            << settings.interface_area_per_volume * 1e-9 << " 1/nm, " << N
            << " streamtubes):\n  ";
      if (onset >= 0)
        pcout << "the wire crystallizes beyond z = " << onset * 1e9
              << " nm (z/L = " << onset / L << "); crystalline share "
              << crystalline / L << std::endl;
      else
        pcout << "the wire stays amorphous; largest X = " << X_max
              << " at z = " << z_max * 1e9 << " nm (z/L = " << z_max / L << ")"
              << std::endl;
    }


    template <int dim>
    void
    Nanomolding<dim>::run_mms()
    {
      void (*mms)(const double *, StokesMmsValues &)
        = dim == 3 ? &stokes_mms_3d
                   : (prm.axisymmetric ? &stokes_mms_axisymmetric
                                       : &stokes_mms_planar);
      const MmsVelocity<dim> exact(mms);
      output_prm.make_directory(comm);
      const bool      root = Utilities::MPI::this_mpi_process(comm) == 0;
      base::CsvWriter csv(
        output_prm.directory + "/mms_convergence.csv",
        {"level", "h", "dofs", "velocity_L2", "pressure_L2", "iterations"},
        root);
      pcout << "Manufactured solution, "
            << (dim == 3           ? "3D"
                : prm.axisymmetric ? "axisymmetric"
                                   : "planar")
            << ", Q2/Q1\n  level  h          dofs     |u-u_h|     |p-p_h|"
               "     FGMRES"
            << std::endl;
      double prev_u = 0, prev_p = 0;
      for (unsigned int level = prm.coarsest_level; level <= prm.finest_level;
           ++level)
        {
          triangulation.clear();
          GridGenerator::hyper_cube(triangulation, 0., 1., true);
          triangulation.refine_global(level);
          // the top (last axis = 1) carries the exact traction, the rest
          // exact velocities; the axis r = 0 only u_r = 0
          Problem problem;
          for (unsigned int id = 0; id < 2 * dim - 1; ++id)
            problem.dirichlet[id] = {velocity_mask(dim), &exact};
          if (prm.axisymmetric)
            problem.dirichlet[0] = {single_component(dim, 0), &exact};
          const types::boundary_id top = 2 * dim - 1;
          problem.traction             = [=](const types::boundary_id id,
                                 const Point<dim>        &x,
                                 const Tensor<1, dim>    &n) {
            Tensor<1, dim> t;
            if (id != top)
              return t;
            StokesMmsValues v;
            mms(&x[0], v);
            for (int i = 0; i < dim; ++i)
              {
                t[i] = -v.p * n[i];
                for (int j = 0; j < dim; ++j)
                  t[i] += (v.grad_u[i][j] + v.grad_u[j][i]) * n[j];
              }
            return t;
          };
          problem.body_force = [=](const Point<dim> &x) {
            StokesMmsValues v;
            mms(&x[0], v);
            Tensor<1, dim> f;
            for (int i = 0; i < dim; ++i)
              f[i] = v.f[i];
            return f;
          };
          problem.viscosity = [](double) { return 1.; };
          solve(problem);

          // weighted L2 errors
          const QGauss<dim>                quadrature(5);
          FEValues<dim>                    fv(fe,
                           quadrature,
                           update_values | update_quadrature_points
                             | update_JxW_values);
          const FEValuesExtractors::Vector velocity(0);
          const FEValuesExtractors::Scalar pressure_x(dim);
          std::vector<Tensor<1, dim>>      u(quadrature.size());
          std::vector<double>              p(quadrature.size());
          double                           eu = 0, ep = 0;
          for (const auto &cell : dof_handler.active_cell_iterators())
            if (cell->is_locally_owned())
              {
                fv.reinit(cell);
                fv[velocity].get_function_values(solution, u);
                fv[pressure_x].get_function_values(solution, p);
                for (unsigned int q = 0; q < quadrature.size(); ++q)
                  {
                    const Point<dim> &x = fv.quadrature_point(q);
                    const double      w
                      = prm.axisymmetric ? x[0] * fv.JxW(q) : fv.JxW(q);
                    StokesMmsValues v;
                    mms(&x[0], v);
                    for (int i = 0; i < dim; ++i)
                      eu += (u[q][i] - v.u[i]) * (u[q][i] - v.u[i]) * w;
                    ep += (p[q] - v.p) * (p[q] - v.p) * w;
                  }
              }
          eu             = std::sqrt(Utilities::MPI::sum(eu, comm));
          ep             = std::sqrt(Utilities::MPI::sum(ep, comm));
          const double h = 1. / (1 << level);
          pcout << "  " << std::setw(5) << level << "  " << std::setw(9) << h
                << "  " << std::setw(7) << dof_handler.n_dofs() << "  "
                << std::scientific << std::setprecision(3) << eu << "  " << ep
                << "  " << std::setw(4) << last_iterations;
          if (prev_u > 0)
            pcout << "   rates u " << std::fixed << std::setprecision(2)
                  << std::log2(prev_u / eu) << ", p " << std::log2(prev_p / ep);
          pcout << std::defaultfloat << std::setprecision(6) << std::endl;
          prev_u = eu;
          prev_p = ep;
          csv.add_row({double(level),
                       h,
                       double(dof_handler.n_dofs()),
                       eu,
                       ep,
                       double(last_iterations)});
        }
    }


    template <int dim>
    void
    Nanomolding<dim>::run_poiseuille()
    {
      if (dim != 2)
        throw InputError("Nanomolding/Study: poiseuille runs in Dimension "
                         "= 2 (axisymmetric pipe or planar slit)");
      // pipe of radius 1/2 (or slit of half width 1/2) and length 4, graded
      // cells; inlet pressure 1 at y = 0, outlet 0 at y = 4, viscosity 1
      const double                     Lp = 4., R = 0.5, dp = 1.;
      std::vector<std::vector<double>> steps(dim);
      steps[0] = graded_steps(R, R / 3, 0.7, R);
      steps[1] = graded_steps(Lp, 0.1, 1.4, 1.);
      triangulation.clear();
      GridGenerator::subdivided_hyper_rectangle(triangulation,
                                                steps,
                                                Point<dim>(),
                                                Point<dim>(R, Lp),
                                                true);
      triangulation.refine_global(1);
      // colorize: 0 axis, 1 wall, 2 inlet, 3 outlet
      const auto zero = Functions::ZeroFunction<dim>(dim + 1);
      Problem    problem;
      problem.dirichlet[0] = {single_component(dim, 0), &zero};
      problem.dirichlet[1] = {velocity_mask(dim), &zero};
      problem.dirichlet[2] = {tangential_mask(dim), &zero};
      problem.dirichlet[3] = {tangential_mask(dim), &zero};
      problem.traction     = [=](const types::boundary_id id,
                             const Point<dim> &,
                             const Tensor<1, dim> &n) {
        return Tensor<1, dim>(id == 2 ? -dp * n : 0. * n);
      };
      problem.viscosity = [](double) { return 1.; };
      solve(problem);
      // exact: u_z = G (R^2 - r^2) / 4 (pipe) or / 2 (slit), G = dp/Lp
      const double      G = dp / Lp, c = prm.axisymmetric ? 4. : 2.;
      const QGauss<dim> quadrature(5);
      FEValues<dim>     fv(fe,
                       quadrature,
                       update_values | update_quadrature_points
                         | update_JxW_values);
      const FEValuesExtractors::Vector velocity(0);
      const FEValuesExtractors::Scalar pressure_x(dim);
      std::vector<Tensor<1, dim>>      u(quadrature.size());
      std::vector<double>              p(quadrature.size());
      double                           eu = 0, nu = 0, ep = 0, np = 0, umax = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            fv[velocity].get_function_values(solution, u);
            fv[pressure_x].get_function_values(solution, p);
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                const Point<dim> &x = fv.quadrature_point(q);
                const double      w = weighted() ? x[0] * fv.JxW(q) : fv.JxW(q);
                const double      uz = G * (R * R - x[0] * x[0]) / c;
                const double      pe = dp * (1 - x[1] / Lp);
                eu += (u[q][0] * u[q][0] + (u[q][1] - uz) * (u[q][1] - uz)) * w;
                nu += uz * uz * w;
                ep += (p[q] - pe) * (p[q] - pe) * w;
                np += pe * pe * w;
                umax = std::max(umax, std::abs(u[q][1] - uz) / (G * R * R / c));
              }
          }
      eu             = std::sqrt(Utilities::MPI::sum(eu, comm)
                     / Utilities::MPI::sum(nu, comm));
      ep             = std::sqrt(Utilities::MPI::sum(ep, comm)
                     / Utilities::MPI::sum(np, comm));
      umax           = Utilities::MPI::max(umax, comm);
      const double Q = -boundary_flux(2); // into the inlet
      const double Q_exact
        = prm.axisymmetric ? pi * std::pow(R, 4) * G / 8 : R * R * R * G / 3.;
      pcout << std::scientific << std::setprecision(3) << "Poiseuille ("
            << (prm.axisymmetric ? "pipe" : "slit")
            << "): relative L2 error velocity " << eu << ", pressure " << ep
            << ", max |u_z - exact| / u_max " << umax
            << ", flux / exact - 1 = " << Q / Q_exact - 1 << ", dofs "
            << dof_handler.n_dofs() << ", FGMRES its " << last_iterations
            << std::defaultfloat << std::endl;
      output_prm.make_directory(comm);
      base::CsvWriter csv(
        output_prm.directory + "/poiseuille.csv",
        {"velocity_error", "pressure_error", "max_error", "flux_error", "dofs"},
        Utilities::MPI::this_mpi_process(comm) == 0);
      csv.add_row(
        {eu, ep, umax, Q / Q_exact - 1, double(dof_handler.n_dofs())});
    }


    template <int dim>
    void
    Nanomolding<dim>::run_stokes_on_mesh()
    {
      Timer clock;
      {
        Triangulation<dim> serial;
        GridIn<dim>        in(serial);
        std::ifstream      file(prm.mesh_file);
        if (!file)
          throw InputError("Nanomolding/Mesh file: '" + prm.mesh_file
                           + "' cannot be read");
        try
          {
            in.read_msh(file);
          }
        catch (const std::exception &)
          {
            // deal.II's message quotes kilobytes of the file: not repeated.
            throw InputError("Nanomolding/Mesh file: '" + prm.mesh_file
                             + "' is not a Gmsh (.msh) mesh that can be "
                               "read");
          }
        triangulation.clear();
        triangulation.copy_triangulation(serial);
        triangulation.refine_global(prm.mesh_refinements);
      }
      const rheology::MoldingMaterial &mat = *material;
      const double T = temperature.value(0.), p = pressure.value(0.);
      const double eN   = mat.viscosity.newtonian(T);
      const double d    = prm.diameter;
      const double tau0 = rheology::eyring_stress(T, mat.activation_volume);
      const double U    = p * d / eN;
      const auto   zero = Functions::ZeroFunction<dim>(dim + 1);
      Problem      problem;
      problem.dirichlet[wall]       = {velocity_mask(dim), &zero};
      problem.dirichlet[pressed]    = {tangential_mask(dim), &zero};
      problem.dirichlet[front]      = {tangential_mask(dim), &zero};
      problem.dirichlet[symmetry_x] = {single_component(dim, 0), &zero};
      if (dim == 3)
        problem.dirichlet[symmetry_y] = {single_component(dim, 1), &zero};
      problem.traction = [](const types::boundary_id id,
                            const Point<dim> &,
                            const Tensor<1, dim> &n) {
        return Tensor<1, dim>(id == pressed ? -1. * n : 0. * n);
      };
      const bool thinning = prm.shear_thinning;
      problem.viscosity   = [=](const double gdot) {
        return thinning
                   ? rheology::shear_thinning_viscosity(eN, tau0, gdot * U / d)
                     / eN
                   : 1.;
      };
      problem.viscosity_derivative = [=](const double gdot) {
        return rheology::shear_thinning_viscosity_derivative(eN,
                                                             tau0,
                                                             gdot * U / d)
               * U / d / eN;
      };
      problem.nonlinear          = thinning;
      const unsigned int picard  = solve(problem);
      const double       Q       = boundary_flux(front) * U * d * d;
      const double       seconds = clock.wall_time();
      const double       memory  = memory_mb();
      pcout << "Stokes solve on " << prm.mesh_file << "\n  " << mat.name
            << ", T = " << T << " K, p = " << p << " Pa, d = " << d * 1e9
            << " nm\n  cells " << triangulation.n_global_active_cells()
            << ", DoFs " << dof_handler.n_dofs() << " (velocity "
            << system_rhs.block(0).size() << ", pressure "
            << system_rhs.block(1).size() << "), MPI ranks "
            << Utilities::MPI::n_mpi_processes(comm) << "\n  FGMRES iterations "
            << last_iterations << ", nonlinear iterations " << picard
            << "\n  volume flux through the fronts " << Q
            << " m^3/s\n  wall time " << seconds << " s, memory " << memory
            << " MB (resident, all ranks)" << std::endl;
      output_prm.make_directory(comm);
      base::CsvWriter csv(output_prm.directory + "/stokes_run.csv",
                          {"cells",
                           "dofs",
                           "ranks",
                           "iterations",
                           "flux",
                           "wall_time",
                           "memory_mb"},
                          Utilities::MPI::this_mpi_process(comm) == 0);
      csv.add_row({double(triangulation.n_global_active_cells()),
                   double(dof_handler.n_dofs()),
                   double(Utilities::MPI::n_mpi_processes(comm)),
                   double(last_iterations),
                   Q,
                   seconds,
                   memory});
      write_fields("stokes");
    }


    template <int dim>
    void
    Nanomolding<dim>::write_fields(const std::string &name) const
    {
      std::vector<std::string> names(dim, "velocity");
      names.push_back("pressure");
      std::vector<DataComponentInterpretation::DataComponentInterpretation>
        interpretation(
          dim,
          DataComponentInterpretation::component_is_part_of_vector);
      interpretation.push_back(
        DataComponentInterpretation::component_is_scalar);
      DataOut<dim> out;
      out.attach_dof_handler(dof_handler);
      out.add_data_vector(solution,
                          names,
                          DataOut<dim>::type_dof_data,
                          interpretation);
      out.build_patches(2);
      out.write_vtu_with_pvtu_record(output_prm.directory + "/",
                                     name,
                                     0,
                                     comm,
                                     2);
    }


    template <int dim>
    double
    Nanomolding<dim>::memory_mb() const
    {
      Utilities::System::MemoryStats stats;
      Utilities::System::get_memory_stats(stats);
      return Utilities::MPI::sum(double(stats.VmRSS) / 1024., comm);
    }


    template <int dim>
    void
    Nanomolding<dim>::run()
    {
      if (prm.study == "mms")
        run_mms();
      else if (prm.study == "poiseuille")
        run_poiseuille();
      else if (prm.study == "stokes")
        run_stokes_on_mesh();
      else
        run_filling();
      timer->print_summary();
    }


    template class Nanomolding<2>;
    template class Nanomolding<3>;
  } // namespace models
} // namespace vitrum
