#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/distributed/solution_transfer.h>

#include <deal.II/dofs/dof_tools.h>

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/base/parameter_file.h>
#include <vitrum/models/partitioning.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>


namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    namespace
    {
      /// Scale of the diffusion-potential unknowns (J/mol): w = mu~ / E0
      /// keeps all unknowns of order one, which the LU pivoting likes.
      constexpr double energy_scale = 1e4;
      /// m^2 -> nm^2: lengths are in nm inside the model.
      constexpr double nm2_per_m2 = 1e18;

      /// Interpolation h(phi) = phi^3 (6 phi^2 - 15 phi + 10) and the well
      /// g(phi) = phi^2 (1 - phi)^2 with their derivatives.
      struct PhaseFunctions
      {
        double h, dh, d2h, g, dg, d2g;
        explicit PhaseFunctions(const double p)
        {
          h   = p * p * p * (6 * p * p - 15 * p + 10);
          dh  = 30 * p * p * (1 - p) * (1 - p);
          d2h = 60 * p * (1 - p) * (1 - 2 * p);
          g   = p * p * (1 - p) * (1 - p);
          dg  = 2 * p * (1 - p) * (1 - 2 * p);
          d2g = 2 - 12 * p + 12 * p * p;
        }
      };

      /// Raise fractions below the floor to it and renormalize.
      void
      apply_floor(std::vector<double> &x, const double floor)
      {
        double sum = 0;
        for (double &v : x)
          {
            v = std::max(v, floor);
            sum += v;
          }
        for (double &v : x)
          v /= sum;
      }

      /// A number in [-1, 1] that depends only on a point, a component and
      /// the seed: noise that does not change with the number of ranks.
      template <int dim>
      double
      hashed_noise(const Point<dim> &p, const unsigned int c, const unsigned s)
      {
        std::uint64_t h = 1469598103934665603ULL ^ (s * 1099511628211ULL);
        for (int d = 0; d < dim; ++d)
          {
            const auto k = static_cast<std::int64_t>(std::llround(p[d] * 1e6));
            h = (h ^ static_cast<std::uint64_t>(k)) * 1099511628211ULL;
            h ^= h >> 29;
          }
        h = (h ^ c) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 32;
        return 2.0 * double(h % 1000003ULL) / 1000002.0 - 1.0;
      }
    } // namespace


    void
    LaminateParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Laminate");
      prm.declare_entry("Bilayers",
                        "2",
                        Patterns::Integer(1, 1000),
                        "Number of crystal/glass bilayers stacked along the "
                        "last axis (periodic stack).");
      prm.declare_entry("Crystal thickness",
                        "18",
                        Patterns::Double(0.1, 1e4),
                        "Thickness of each crystal layer as deposited (nm).");
      prm.declare_entry("Glass thickness",
                        "12",
                        Patterns::Double(0.1, 1e4),
                        "Thickness of each glass layer as deposited (nm).");
      prm.declare_entry("Crystal composition",
                        "Cr: 36, Co: 33, Ni: 31",
                        Patterns::Anything(),
                        "As-deposited crystal, 'Element: at.%, ...'; elements "
                        "not listed are 0 (raised to the Minimum fraction).");
      prm.declare_entry("Glass composition",
                        "Ti: 21.9, Zr: 22.0, Nb: 20.6, Hf: 22.5, Cr: 3.0, "
                        "Co: 2.5, Ni: 7.5",
                        Patterns::Anything(),
                        "As-deposited glass, 'Element: at.%, ...'.");
      prm.declare_entry("Minimum fraction",
                        "0.01",
                        Patterns::Double(1e-8, 1),
                        "Floor for 'absent' elements (at.%): the entropy of "
                        "mixing needs every fraction > 0.");
      prm.declare_entry("Composition noise",
                        "0",
                        Patterns::Double(0, 5),
                        "Amplitude of a random perturbation of each "
                        "independent fraction at every node (at.%).");
      prm.declare_entry("Interface roughness",
                        "0",
                        Patterns::Double(0, 100),
                        "Amplitude of a lateral sine wave of random phase "
                        "on each interface (nm); 0 gives flat interfaces.");
      prm.declare_entry("Perturbation amplitude",
                        "0",
                        Patterns::Double(0, 50),
                        "Amplitude (at.%) of a sine wave of the first element "
                        "along the stack, the last element compensating: "
                        "for linear-stability studies and analytic checks.");
      prm.declare_entry("Perturbation waves",
                        "1",
                        Patterns::Integer(1, 10000),
                        "Number of wavelengths of that sine over the height "
                        "of the stack.");
      prm.declare_entry("Random seed",
                        "1",
                        Patterns::Integer(0),
                        "Seed of the noise and the roughness phases; the same "
                        "seed gives the same laminate on any number of ranks.");
      prm.leave_subsection();
    }


    void
    LaminateParameters::parse_parameters(ParameterHandler       &prm,
                                         const thermo::Material &material)
    {
      prm.enter_subsection("Laminate");
      bilayers                    = prm.get_integer("Bilayers");
      deposited_crystal_thickness = prm.get_double("Crystal thickness");
      deposited_glass_thickness   = prm.get_double("Glass thickness");
      crystal_composition
        = thermo::parse_composition(prm.get("Crystal composition"),
                                    "Laminate/Crystal composition",
                                    material);
      glass_composition
        = thermo::parse_composition(prm.get("Glass composition"),
                                    "Laminate/Glass composition",
                                    material);
      minimum_fraction       = prm.get_double("Minimum fraction") / 100;
      composition_noise      = prm.get_double("Composition noise") / 100;
      roughness              = prm.get_double("Interface roughness");
      seed                   = prm.get_integer("Random seed");
      perturbation_amplitude = prm.get_double("Perturbation amplitude") / 100;
      perturbation_waves     = prm.get_integer("Perturbation waves");
      prm.leave_subsection();

      apply_floor(crystal_composition, minimum_fraction);
      apply_floor(glass_composition, minimum_fraction);
      // The mesh counts sites: a layer of small atoms holds more of them
      // per nm than one of large atoms. The layer thickness reported,
      // int phi V(x)/V_m, also counts the mixed fractions of the two
      // diffuse interfaces (int phi (1 - phi) = lambda each for the tanh
      // profile): at t = 0 it must read the deposited thickness.
      const double r_crystal
        = material.volume_ratio(crystal_composition.data());
      const double r_glass = material.volume_ratio(glass_composition.data());
      const double mixed
        = 2 * material.interface_width * 1e9 * (r_glass - r_crystal);
      crystal_thickness = (deposited_crystal_thickness - mixed) / r_crystal;
      glass_thickness   = (deposited_glass_thickness + mixed) / r_glass;
      if (roughness > 0.25 * std::min(crystal_thickness, glass_thickness))
        throw InputError("Laminate/Interface roughness must be below a "
                         "quarter of the thinner layer");
      std::mt19937                           random(seed);
      std::uniform_real_distribution<double> angle(0, 2 * M_PI);
      roughness_phases.resize(4 * bilayers);
      for (double &phase : roughness_phases)
        phase = angle(random);
    }


    template <int dim>
    double
    LaminateParameters::distance_into_crystal(const Point<dim> &p) const
    {
      // The crystal layers of this bilayer and of its two neighbours (the
      // stack is periodic), so that a point in a glass layer measures the
      // same distance from either end of the periodic box.
      const double P      = period();
      const double height = bilayers * P;
      const double z      = p[dim - 1];
      const int    k      = static_cast<int>(std::floor(z / P));
      double       result = -std::numeric_limits<double>::max();
      for (int j = k - 1; j <= k + 1; ++j)
        {
          const int    layer = ((j % int(bilayers)) + int(bilayers)) % bilayers;
          const double shift = std::floor(double(j) / bilayers) * height;
          double       offset[2] = {0, 0};
          if (roughness > 0)
            for (unsigned int side = 0; side < 2; ++side)
              {
                double wave = 1;
                for (int d = 0; d + 1 < dim; ++d)
                  wave
                    *= std::sin(2 * M_PI * p[d] / lateral_size[d]
                                + roughness_phases[4 * layer + 2 * side + d]);
                offset[side] = roughness * wave;
              }
          const double bottom
            = shift + layer * P + 0.5 * glass_thickness + offset[0];
          const double top = shift + layer * P + 0.5 * glass_thickness
                             + crystal_thickness + offset[1];
          result = std::max(result, std::min(z - bottom, top - z));
        }
      return result;
    }


    std::vector<double>
    LaminateParameters::composition(const double phi) const
    {
      std::vector<double> x(crystal_composition.size());
      for (unsigned int k = 0; k < x.size(); ++k)
        x[k] = phi * crystal_composition[k] + (1 - phi) * glass_composition[k];
      return x;
    }


    void
    declare_partitioning_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Partitioning");
      prm.declare_entry("Material file",
                        "parameter_files/materials/CrCoNi-TiZrNbHf.prm",
                        Patterns::FileName(),
                        "Thermodynamic and mobility data (format in the "
                        "README). A relative path is looked up in the working "
                        "directory, then in the vitrum source tree.");
      prm.declare_entry("Profile resolution",
                        "0.25",
                        Patterns::Double(0.01, 100),
                        "Bin width (nm) of the laterally averaged profiles "
                        "x_i(z) written with every field output.");
      prm.leave_subsection();
      LaminateParameters::declare_parameters(prm);
    }


    namespace
    {
      template <class Parameters>
      Parameters
      parsed(ParameterHandler &prm)
      {
        Parameters p;
        p.parse_parameters(prm);
        return p;
      }

      thermo::Material
      read_material(ParameterHandler &prm)
      {
        prm.enter_subsection("Partitioning");
        const std::string file = prm.get("Material file");
        prm.leave_subsection();
        thermo::Material material
          = thermo::Material::read(base::resolve_data_path(file));
        if (material.n_components() < 2)
          throw InputError("Partitioning/Material file: '" + file
                           + "' lists fewer than two elements");
        return material;
      }
    } // namespace


    template <int dim>
    Partitioning<dim>::Partitioning(ParameterHandler &prm, MPI_Comm comm)
        : comm(comm)
        , material(read_material(prm))
        , n_independent(material.n_components() - 1)
        , temperature(
            base::Schedule::constant(300, base::Quantity::temperature()))
        , mesh_prm()
        , time_prm(parsed<fem::TimeSteppingParameters>(prm))
        , solver_prm(parsed<fem::SolverParameters>(prm))
        , output_prm(parsed<fem::OutputParameters>(prm))
        , checkpoint_prm(parsed<fem::CheckpointParameters>(prm))
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
        , timer(comm, pcout, TimerOutput::never, TimerOutput::wall_times)
        , triangulation(comm)
        , fe(FE_Q<dim>(1), 2 * (material.n_components() - 1) + 1)
        , dof_handler(triangulation)
        , solver(comm, solver_prm)
        , controller(time_prm)
        , fields(output_prm.directory, "fields", comm)
        , clock(time_prm.end_time)
    {
      laminate.parse_parameters(prm, material);
      prm.enter_subsection("Partitioning");
      profile_resolution = prm.get_double("Profile resolution");
      prm.leave_subsection();
      prm.enter_subsection("Temperature");
      temperature = base::Schedule::parse(prm.get("Schedule"),
                                          base::Quantity::temperature());
      prm.leave_subsection();

      mesh_prm.parse_parameters(prm, dim);
      if (mesh_prm.polynomial_degree != 1)
        throw InputError("Mesh/Polynomial degree: the partitioning model uses "
                         "linear elements (1), which keep the mole fractions "
                         "positive between nodes");
      // The layer-normal edge is the laminate's height.
      mesh_prm.domain_size[dim - 1] = laminate.bilayers * laminate.period();
      laminate.lateral_size.assign(mesh_prm.domain_size.begin(),
                                   mesh_prm.domain_size.end() - 1);
      if (!mesh_prm.periodic)
        throw InputError("Mesh/Periodic must be true for a laminate (it is "
                         "periodic laterally and along the stack)");
      if (dim == 1 && laminate.roughness > 0)
        throw InputError("Laminate/Interface roughness must be 0 in "
                         "Dimension = 1 (a 1D laminate has flat interfaces); "
                         "use Dimension = 2 or 3 for rough ones");
    }


    template <int dim>
    double
    Partitioning<dim>::volume() const
    {
      double v = 1;
      for (int d = 0; d < dim; ++d)
        v *= mesh_prm.domain_size[d];
      return v;
    }


    template <int dim>
    double
    Partitioning<dim>::lateral_area() const
    {
      return volume() / mesh_prm.domain_size[dim - 1];
    }


    template <int dim>
    void
    Partitioning<dim>::setup_dofs()
    {
      TimerOutput::Scope scope(timer, "setup dofs");
      fem::distribute_dofs(dof_handler, fe);
      fem::setup_system(dof_handler,
                        mesh_prm,
                        comm,
                        owned_dofs,
                        relevant_dofs,
                        constraints,
                        jacobian);
      residual.reinit(owned_dofs, comm);
      solver.reset();

      const unsigned int  n_components = fe.n_components();
      std::vector<double> evolving(n_components, 0.0);
      for (unsigned int a = 0; a < n_independent; ++a)
        evolving[a] = 1;
      evolving[phi_component()] = 1;
      evolving_mask.reinit(owned_dofs, comm);
      VectorTools::interpolate(dof_handler,
                               Functions::ConstantFunction<dim>(evolving),
                               evolving_mask);
      component_masks.resize(n_independent);
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          std::vector<double> unit(n_components, 0.0);
          unit[a] = 1;
          component_masks[a].reinit(owned_dofs, comm);
          VectorTools::interpolate(dof_handler,
                                   Functions::ConstantFunction<dim>(unit),
                                   component_masks[a]);
        }
    }


    template <int dim>
    typename Partitioning<dim>::Vector
    Partitioning<dim>::ghosted(const Vector &v) const
    {
      Vector result(owned_dofs, relevant_dofs, comm);
      result = v;
      return result;
    }


    namespace
    {
      /**
       * The laminate at t = 0: phi a tanh profile across each interface,
       * fractions mixed between the two layer compositions by phi, plus
       * optional noise; w = dG/dx / E0 as Newton's first guess.
       */
      template <int dim>
      class InitialLaminate : public Function<dim>
      {
      public:
        InitialLaminate(const LaminateParameters &laminate,
                        const thermo::Material   &material,
                        const double              T)
            : Function<dim>(2 * (material.n_components() - 1) + 1)
            , laminate(laminate)
            , material(material)
            , T(T)
        {
        }

        void
        vector_value(const Point<dim>       &p,
                     dealii::Vector<double> &v) const override
        {
          const unsigned int K = material.n_components(), n = K - 1;
          const double       lambda = material.interface_width * 1e9;
          const double       phi
            = 0.5
              * (1
                 + std::tanh(laminate.distance_into_crystal(p) / (2 * lambda)));
          std::vector<double> x = laminate.composition(phi);
          if (laminate.perturbation_amplitude > 0)
            {
              const double height = laminate.bilayers * laminate.period();
              const double wave
                = laminate.perturbation_amplitude
                  * std::sin(2 * M_PI * laminate.perturbation_waves * p[dim - 1]
                             / height);
              x[0] += wave;
              x[n] -= wave;
              if (x[0] <= 0 || x[n] <= 0)
                throw InputError("Laminate/Perturbation amplitude makes a "
                                 "mole fraction negative");
            }
          if (laminate.composition_noise > 0)
            {
              // Wrap the point into the box so both copies of a periodic
              // node draw the same number, whichever of them a rank keeps.
              Point<dim> wrapped = p;
              for (int d = 0; d < dim; ++d)
                {
                  const double size = d + 1 < dim
                                        ? laminate.lateral_size[d]
                                        : laminate.bilayers * laminate.period();
                  wrapped[d]        = std::fmod(p[d], size);
                  if (wrapped[d] > size * (1 - 1e-9))
                    wrapped[d] = 0;
                }
              for (unsigned int a = 0; a < n; ++a)
                {
                  x[a] += laminate.composition_noise
                          * hashed_noise(wrapped, a, laminate.seed);
                  x[a] = std::max(x[a], laminate.minimum_fraction);
                }
              double sum = 0;
              for (unsigned int a = 0; a < n; ++a)
                sum += x[a];
              x[n] = std::max(1 - sum, laminate.minimum_fraction);
              sum += x[n];
              for (double &value : x)
                value /= sum;
            }
          const PhaseFunctions pf(phi);
          std::vector<double>  g_cr(K), g_gl(K), w_cr(n), w_gl(n);
          material.crystal.gradient(x.data(), T, g_cr.data());
          material.glass.gradient(x.data(), T, g_gl.data());
          thermo::diffusion_potentials(g_cr.data(), K, w_cr.data());
          thermo::diffusion_potentials(g_gl.data(), K, w_gl.data());
          for (unsigned int a = 0; a < n; ++a)
            {
              v[a]     = x[a];
              v[n + a] = (pf.h * w_cr[a] + (1 - pf.h) * w_gl[a]) / energy_scale;
            }
          v[2 * n] = phi;
        }

      private:
        const LaminateParameters &laminate;
        const thermo::Material   &material;
        const double              T;
      };
    } // namespace


    template <int dim>
    void
    Partitioning<dim>::interpolate_initial_condition()
    {
      states.assign(1, Vector(owned_dofs, comm));
      steps.clear();
      VectorTools::interpolate(dof_handler,
                               InitialLaminate<dim>(laminate,
                                                    material,
                                                    temperature.value(0)),
                               states[0]);
      constraints.distribute(states[0]);
    }


    namespace
    {
      std::vector<unsigned int>
      refinement_components(const unsigned int n_independent)
      {
        // Refine where any mole fraction or the phase field changes fast.
        std::vector<unsigned int> components;
        for (unsigned int a = 0; a < n_independent; ++a)
          components.push_back(a);
        components.push_back(2 * n_independent);
        return components;
      }
    } // namespace


    template <int dim>
    void
    Partitioning<dim>::start_new_run()
    {
      fem::make_box_mesh(triangulation, mesh_prm);
      setup_dofs();
      interpolate_initial_condition();
      for (unsigned int cycle = 0; cycle < mesh_prm.initial_adaptation; ++cycle)
        {
          const unsigned int cells_before
            = triangulation.n_global_active_cells();
          fem::flag_cells_by_gradient(dof_handler,
                                      ghosted(states[0]),
                                      refinement_components(n_independent),
                                      mesh_prm);
          triangulation.execute_coarsening_and_refinement();
          setup_dofs();
          interpolate_initial_condition();
          if (triangulation.n_global_active_cells() == cells_before)
            break;
        }
      current        = integrate(states[0], temperature.value(0));
      initial_amount = current.amount;
      time           = 0;
      step           = 0;
    }


    namespace
    {
      /// Everything the equations need at one quadrature point, from the
      /// fractions, phi and T: the thermodynamics and kinetics of the point.
      struct PointState
      {
        unsigned int        K, n;
        std::vector<double> x;                      // K fractions
        std::vector<double> g_cr, g_gl, H_cr, H_gl; // full gradients/Hessians
        std::vector<double> w_cr, w_gl;             // reduced gradients (n)
        std::vector<double> Hr_cr, Hr_gl;           // reduced Hessians (n x n)
        std::vector<double> M, dM_dphi;             // atomic mobilities (K)
        std::vector<double> L, dL_dx, dL_dphi; // Onsager (n x n, n^3, n x n)
        double              G_cr = 0, G_gl = 0;

        explicit PointState(const unsigned int K)
            : K(K)
            , n(K - 1)
            , x(K)
            , g_cr(K)
            , g_gl(K)
            , H_cr(K * K)
            , H_gl(K * K)
            , w_cr(K - 1)
            , w_gl(K - 1)
            , Hr_cr((K - 1) * (K - 1))
            , Hr_gl((K - 1) * (K - 1))
            , M(K)
            , dM_dphi(K)
            , L((K - 1) * (K - 1))
            , dL_dx((K - 1) * (K - 1) * (K - 1))
            , dL_dphi((K - 1) * (K - 1))
        {
        }

        /// Fill the energies and potentials (and, with_kinetics, the
        /// mobilities and their derivatives).
        void
        evaluate(const thermo::Material    &material,
                 const std::vector<double> &log_M_cr,
                 const std::vector<double> &log_M_gl,
                 const double               T,
                 const PhaseFunctions      &pf,
                 const bool                 with_kinetics)
        {
          G_cr = material.crystal.gibbs_energy(x.data(), T);
          G_gl = material.glass.gibbs_energy(x.data(), T);
          material.crystal.gradient(x.data(), T, g_cr.data());
          material.glass.gradient(x.data(), T, g_gl.data());
          thermo::diffusion_potentials(g_cr.data(), K, w_cr.data());
          thermo::diffusion_potentials(g_gl.data(), K, w_gl.data());
          if (!with_kinetics)
            return;
          material.crystal.hessian(x.data(), T, H_cr.data());
          material.glass.hessian(x.data(), T, H_gl.data());
          thermo::reduced_hessian(H_cr.data(), K, Hr_cr.data());
          thermo::reduced_hessian(H_gl.data(), K, Hr_gl.data());
          // Mobilities interpolate geometrically: they differ by orders of
          // magnitude between the phases.
          for (unsigned int k = 0; k < K; ++k)
            {
              M[k] = std::exp((1 - pf.h) * log_M_gl[k] + pf.h * log_M_cr[k]);
              dM_dphi[k] = M[k] * pf.dh * (log_M_cr[k] - log_M_gl[k]);
            }
          thermo::onsager_mobility(x.data(), M.data(), K, L.data());
          thermo::onsager_mobility_derivative(x.data(),
                                              M.data(),
                                              K,
                                              dL_dx.data());
          thermo::onsager_mobility(x.data(), dM_dphi.data(), K, dL_dphi.data());
        }
      };
    } // namespace


    template <int dim>
    void
    Partitioning<dim>::assemble_newton_system(const Vector &iterate,
                                              const Vector &history_term,
                                              const double  a0,
                                              const double  dt,
                                              const double  T,
                                              const bool    with_matrix)
    {
      TimerOutput::Scope scope(timer, "assembly");
      if (with_matrix)
        jacobian = 0;
      residual = 0;

      const unsigned int K = material.n_components(), n = n_independent;
      const unsigned int c_phi = phi_component();
      const double       Vm    = material.molar_volume;
      // Coefficients in model units (nm, s, J/mol, w = mu~ / E0).
      const double flux_scale = dt * nm2_per_m2 * energy_scale; // times L
      const double kappa_x    = Vm * material.gradient_energy * nm2_per_m2;
      const double kappa_phi
        = Vm * material.phase_gradient_energy() * nm2_per_m2;
      const double L_phi = dt * material.phase_field_mobility(T) / Vm;
      const double W     = material.well_height();

      std::vector<double> log_M_cr(K), log_M_gl(K);
      {
        const auto M_cr = material.crystal_mobilities(T);
        const auto M_gl = material.glass_mobilities(T);
        for (unsigned int k = 0; k < K; ++k)
          {
            log_M_cr[k] = std::log(M_cr[k]);
            log_M_gl[k] = std::log(M_gl[k]);
          }
      }

      const Vector current = ghosted(iterate);
      // Vertex quadrature: lumps the mass matrix and evaluates the
      // thermodynamics at the nodes, so each node's ln x_i pushes back as a
      // fraction nears zero (with Gauss points a node could be drained).
      const QGaussLobatto<dim> quadrature(2);
      FEValues<dim>            fe_values(fe,
                              quadrature,
                              update_values | update_gradients
                                | update_JxW_values);
      const unsigned int n_q = quadrature.size(), n_dofs = fe.n_dofs_per_cell();
      const unsigned int n_c = fe.n_components();

      std::vector<dealii::Vector<double>>      values(n_q,
                                                 dealii::Vector<double>(n_c));
      std::vector<dealii::Vector<double>>      history(n_q,
                                                  dealii::Vector<double>(n_c));
      std::vector<std::vector<Tensor<1, dim>>> gradients(
        n_q,
        std::vector<Tensor<1, dim>>(n_c));
      std::vector<unsigned int> component(n_dofs);
      for (unsigned int i = 0; i < n_dofs; ++i)
        component[i] = fe.system_to_component_index(i).first;

      PointState                  ps(K);
      std::vector<double>         shape(n_dofs);
      std::vector<Tensor<1, dim>> shape_grad(n_dofs);
      std::vector<Tensor<1, dim>> flux(n), dflux_dphi(n);
      std::vector<Tensor<1, dim>> dflux_dx(n * n);
      std::vector<double>         dw(n), dG_dx_phi(n);

      FullMatrix<double>                   cell_matrix(n_dofs, n_dofs);
      dealii::Vector<double>               cell_rhs(n_dofs);
      std::vector<types::global_dof_index> dof_indices(n_dofs);

      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(current, values);
          fe_values.get_function_gradients(current, gradients);
          fe_values.get_function_values(history_term, history);
          cell_matrix = 0;
          cell_rhs    = 0;

          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              double       sum = 0;
              for (unsigned int a = 0; a < n; ++a)
                {
                  ps.x[a] = values[q][a];
                  sum += ps.x[a];
                }
              ps.x[n]                  = 1 - sum;
              const double         phi = values[q][c_phi];
              const PhaseFunctions pf(phi);
              ps.evaluate(material, log_M_cr, log_M_gl, T, pf, true);
              const double dG = ps.G_cr - ps.G_gl;

              // Fluxes dt L grad w and their derivatives.
              for (unsigned int a = 0; a < n; ++a)
                {
                  flux[a]       = 0;
                  dflux_dphi[a] = 0;
                  for (unsigned int b = 0; b < n; ++b)
                    {
                      flux[a]
                        += flux_scale * ps.L[a * n + b] * gradients[q][n + b];
                      dflux_dphi[a] += flux_scale * ps.dL_dphi[a * n + b]
                                       * gradients[q][n + b];
                    }
                  for (unsigned int m = 0; m < n; ++m)
                    {
                      Tensor<1, dim> t;
                      for (unsigned int b = 0; b < n; ++b)
                        t += ps.dL_dx[(m * n + a) * n + b]
                             * gradients[q][n + b];
                      dflux_dx[a * n + m] = flux_scale * t;
                    }
                  dw[a]        = pf.h * ps.w_cr[a] + (1 - pf.h) * ps.w_gl[a];
                  dG_dx_phi[a] = pf.dh * (ps.w_cr[a] - ps.w_gl[a]);
                }
              const double dG_dphi   = pf.dh * dG + W * pf.dg;
              const double d2G_dphi2 = pf.d2h * dG + W * pf.d2g;

              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  shape[i]      = fe_values.shape_value(i, q);
                  shape_grad[i] = fe_values.shape_grad(i, q);
                }
              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  const unsigned int ci = component[i];
                  const double       v  = shape[i];
                  const auto        &gv = shape_grad[i];
                  double             r;
                  if (ci < n)
                    r = v * (a0 * values[q][ci] + history[q][ci])
                        + flux[ci] * gv;
                  else if (ci < 2 * n)
                    {
                      const unsigned int a = ci - n;
                      r = v * (values[q][ci] - dw[a] / energy_scale)
                          - kappa_x / energy_scale * (gradients[q][a] * gv);
                    }
                  else
                    r = v * (a0 * phi + history[q][ci])
                        + L_phi
                            * (dG_dphi * v
                               + kappa_phi * (gradients[q][ci] * gv));
                  cell_rhs(i) -= r * JxW;
                  if (!with_matrix)
                    continue;

                  for (unsigned int j = 0; j < n_dofs; ++j)
                    {
                      const unsigned int cj    = component[j];
                      const double       u     = shape[j];
                      const auto        &gu    = shape_grad[j];
                      double             value = 0;
                      if (ci < n)
                        {
                          if (cj < n)
                            value = (ci == cj ? a0 * v * u : 0.0)
                                    + u * (dflux_dx[ci * n + cj] * gv);
                          else if (cj < 2 * n)
                            value = flux_scale * ps.L[ci * n + (cj - n)]
                                    * (gu * gv);
                          else
                            value = u * (dflux_dphi[ci] * gv);
                        }
                      else if (ci < 2 * n)
                        {
                          const unsigned int a = ci - n;
                          if (cj < n)
                            value
                              = -(pf.h * ps.Hr_cr[a * n + cj]
                                  + (1 - pf.h) * ps.Hr_gl[a * n + cj])
                                  / energy_scale * v * u
                                - (a == cj ? kappa_x / energy_scale * (gu * gv)
                                           : 0.0);
                          else if (cj < 2 * n)
                            value = (cj - n == a) ? v * u : 0.0;
                          else
                            value = -dG_dx_phi[a] / energy_scale * v * u;
                        }
                      else
                        {
                          if (cj < n)
                            value = L_phi * dG_dx_phi[cj] * v * u;
                          else if (cj == c_phi)
                            value = a0 * v * u
                                    + L_phi
                                        * (d2G_dphi2 * v * u
                                           + kappa_phi * (gu * gv));
                        }
                      cell_matrix(i, j) += value * JxW;
                    }
                }
            }
          cell->get_dof_indices(dof_indices);
          if (with_matrix)
            constraints.distribute_local_to_global(cell_matrix,
                                                   cell_rhs,
                                                   dof_indices,
                                                   jacobian,
                                                   residual);
          else
            constraints.distribute_local_to_global(cell_rhs,
                                                   dof_indices,
                                                   residual);
        }
      if (with_matrix)
        jacobian.compress(VectorOperation::add);
      residual.compress(VectorOperation::add);
    }


    template <int dim>
    double
    Partitioning<dim>::positivity_damping(const Vector &iterate,
                                          const Vector &update) const
    {
      // One factor for all nodes: the smallest of the node-wise clips.
      Vector clipped = update;
      return clip_update(iterate, clipped);
    }


    template <int dim>
    template <typename NodeFunction>
    void
    Partitioning<dim>::for_each_owned_node(NodeFunction &&f) const
    {
      const unsigned int n_nodes = fe.base_element(0).n_dofs_per_cell();
      std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
      std::vector<types::global_dof_index> node(n_independent);
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          cell->get_dof_indices(dofs);
          for (unsigned int s = 0; s < n_nodes; ++s)
            {
              for (unsigned int a = 0; a < n_independent; ++a)
                node[a] = dofs[fe.component_to_system_index(a, s)];
              // A node shared by cells is visited more than once; f must
              // give the same result each time.
              if (owned_dofs.is_element(node[0]))
                f(node);
            }
        }
    }


    template <int dim>
    double
    Partitioning<dim>::clip_update(const Vector &iterate,
                                   Vector       &update,
                                   double       *removed) const
    {
      // Node by node, shorten the update of the fractions so that no node
      // loses more than 90 % of any element: a node whose element is nearly
      // used up must not stop all the others (a global damping did).
      const Vector       x               = ghosted(iterate);
      const unsigned int n               = n_independent;
      double             smallest        = 1;
      double             largest_removed = 0;
      for_each_owned_node(
        [&](const std::vector<types::global_dof_index> &node) {
          double x_dependent = 1, dx_dependent = 0, alpha = 1;
          for (unsigned int a = 0; a < n; ++a)
            {
              const double xa = x(node[a]), da = update(node[a]);
              x_dependent -= xa;
              dx_dependent -= da;
              if (da < 0)
                alpha = std::min(alpha, 0.9 * std::max(xa, 0.0) / -da);
            }
          if (dx_dependent < 0)
            alpha = std::min(alpha,
                             0.9 * std::max(x_dependent, 0.0) / -dx_dependent);
          if (alpha < 1)
            for (unsigned int a = 0; a < n; ++a)
              {
                largest_removed
                  = std::max(largest_removed,
                             (1 - alpha) * std::abs(update(node[a])));
                update(node[a]) *= alpha;
              }
          smallest = std::min(smallest, alpha);
        });
      update.compress(VectorOperation::insert);
      constraints.distribute(update);
      if (removed)
        *removed = Utilities::MPI::max(largest_removed, comm);
      return Utilities::MPI::min(smallest, comm);
    }


    template <int dim>
    typename Partitioning<dim>::StepAttempt
    Partitioning<dim>::try_step(const double dt, Vector &new_state)
    {
      // (A checkpoint of a higher-order run may hold more states.)
      const unsigned int n_points
        = std::min<unsigned int>(states.size(), time_prm.order + 1);
      const unsigned int order
        = std::min<unsigned int>(time_prm.order, n_points);
      const auto   bdf = fem::bdf::coefficients(order, dt, steps);
      const auto   w   = fem::bdf::extrapolation_weights(n_points, dt, steps);
      const double T   = temperature.value(time + dt);

      const double a0 = bdf[0] * dt;
      Vector       history_term(owned_dofs, comm);
      for (unsigned int k = 0; k + 1 < bdf.size() && k < n_points; ++k)
        history_term.add(bdf[k + 1] * dt, states[k]);
      const Vector history_with_ghosts = ghosted(history_term);

      Vector predictor(owned_dofs, comm);
      for (unsigned int k = 0; k < n_points; ++k)
        predictor.add(w[k], states[k]);
      // Extrapolation may overshoot below zero where a fraction is tiny.
      const double alpha = positivity_damping(states[0], [&]() {
        Vector d = predictor;
        d.add(-1.0, states[0]);
        return d;
      }());
      new_state          = states[0];
      new_state.sadd(1 - alpha, alpha, predictor);

      StepAttempt attempt;
      Vector      update(owned_dofs, comm);
      bool        refresh_jacobian = true;
      bool        any_clip         = false;
      double      previous_change  = 0;
      for (unsigned int it = 0; it < solver_prm.maximum_newton_iterations; ++it)
        {
          assemble_newton_system(new_state,
                                 history_with_ghosts,
                                 a0,
                                 dt,
                                 T,
                                 refresh_jacobian);
          // A diverging iteration (too long a step) can carry phi far out of
          // [0, 1], where h(phi) overflows the mobility interpolation: give
          // the step up before such a system reaches the LU.
          if (!std::isfinite(residual.l2_norm())
              || (refresh_jacobian
                  && !std::isfinite(jacobian.frobenius_norm())))
            return attempt;
          {
            TimerOutput::Scope scope(timer, "linear solve");
            try
              {
                const unsigned int before = solver.factorizations();
                solver.solve(jacobian, update, residual);
                attempt.factorizations += solver.factorizations() - before;
              }
            catch (const SolverError &)
              {
                return attempt;
              }
          }
          constraints.distribute(update);
          double       removed = 0;
          const double clipped = clip_update(new_state, update, &removed);
          new_state.add(1.0, update);
          any_clip                  = any_clip || clipped < 1.0;
          attempt.newton_iterations = it + 1;
          Vector evolving_update    = update;
          evolving_update.scale(evolving_mask);
          const double change = evolving_update.linfty_norm();
          if (!std::isfinite(change))
            return attempt;
          const double rate = it > 0 ? change / previous_change : 1.0;
          // A clip that removed less than the tolerance (a fraction that
          // Newton drives towards zero, e.g. 1e-30 -> -1e-30) does not keep
          // the iterate from being converged.
          if (removed <= solver_prm.newton_tolerance
              && (change <= solver_prm.newton_tolerance
                  || (rate < 0.5
                      && change * rate / (1 - rate)
                           <= solver_prm.newton_tolerance)))
            {
              attempt.converged = true;
              break;
            }
          refresh_jacobian = clipped < 1.0 || (it > 0 && rate > 0.3);
          previous_change  = change;
        }
      if (!attempt.converged)
        return attempt;
      // An unclipped Newton update keeps every element's amount (the
      // equations are conservative); a clipped one does not, by up to the
      // Newton tolerance. Put the amounts back, positivity-preserving.
      if (any_clip)
        restore_amounts(new_state);

      const auto model      = fem::bdf::error_model(order, n_points, dt, steps);
      Vector     difference = new_state;
      difference.add(-1.0, predictor);
      difference.scale(evolving_mask);
      const double n_evolving
        = dof_handler.n_dofs() * double(n_independent + 1) / fe.n_components();
      const double rms       = difference.l2_norm() / std::sqrt(n_evolving);
      attempt.error          = model.factor * rms;
      attempt.error_exponent = model.exponent;
      if (n_points == 1 && !checking_first_step
          && !estimate_first_step(dt, new_state, attempt))
        return attempt;
      attempt.observables = integrate(new_state, T);
      return attempt;
    }


    /**
     * The first step has only the initial state to extrapolate from, so
     * Milne's device has no second predictor order to compare with: the
     * step is repeated as two half steps (backward Euler, then the
     * run's order), whose result is far more accurate, and the root mean
     * square of their difference from the full step estimates its error
     * (exponent 1/2). Fast modes that both damp do not count, as they
     * would in the whole change c1 - c0. The full step's state stays the
     * step's result; the half steps only judge it.
     */
    template <int dim>
    bool
    Partitioning<dim>::estimate_first_step(const double  dt,
                                           const Vector &full_step,
                                           StepAttempt  &attempt)
    {
      checking_first_step = true;
      Vector            half(owned_dofs, comm), twice(owned_dofs, comm);
      const StepAttempt first = try_step(0.5 * dt, half);
      StepAttempt       second;
      if (first.converged)
        {
          states.insert(states.begin(), half);
          steps.insert(steps.begin(), 0.5 * dt);
          const double start = time;
          time += 0.5 * dt; // the second half step ends at start + dt
          second = try_step(0.5 * dt, twice);
          time   = start;
          states.erase(states.begin());
          steps.erase(steps.begin());
        }
      checking_first_step = false;
      attempt.factorizations += first.factorizations + second.factorizations;
      if (!second.converged)
        {
          attempt.converged = false;
          return false;
        }
      Vector difference = full_step;
      difference.add(-1.0, twice);
      difference.scale(evolving_mask);
      const double n
        = dof_handler.n_dofs() * double(n_independent + 1) / fe.n_components();
      // With backward Euler throughout, the two half steps keep half the
      // full step's error.
      attempt.error = (time_prm.order == 1 ? 2.0 : 1.0) * difference.l2_norm()
                      / std::sqrt(n);
      attempt.error_exponent = 0.5;
      return true;
    }


    template <int dim>
    void
    Partitioning<dim>::accept_step(const double dt, Vector &new_state)
    {
      states.insert(states.begin(), new_state);
      steps.insert(steps.begin(), dt);
      // BDF of order q needs q past states, its predictor one more.
      while (states.size() > time_prm.order + 1)
        states.pop_back();
      while (steps.size() > time_prm.order)
        steps.pop_back();
      time += dt;
      ++step;
    }


    template <int dim>
    typename Partitioning<dim>::Observables
    Partitioning<dim>::integrate(const Vector &state, const double T) const
    {
      TimerOutput::Scope       scope(timer, "integrals");
      const Vector             u = ghosted(state);
      const unsigned int       K = material.n_components(), n = n_independent;
      const QGaussLobatto<dim> quadrature(2);
      FEValues<dim>            fe_values(fe,
                              quadrature,
                              update_values | update_gradients
                                | update_quadrature_points | update_JxW_values);
      const unsigned int       n_q = quadrature.size(), n_c = fe.n_components();
      std::vector<dealii::Vector<double>>      values(n_q,
                                                 dealii::Vector<double>(n_c));
      std::vector<std::vector<Tensor<1, dim>>> gradients(
        n_q,
        std::vector<Tensor<1, dim>>(n_c));
      const double Vm      = material.molar_volume;
      const double kappa_x = Vm * material.gradient_energy * nm2_per_m2;
      const double kappa_phi
        = Vm * material.phase_gradient_energy() * nm2_per_m2;
      const double        W = material.well_height();
      PointState          ps(K);
      std::vector<double> unused(K);

      Observables o;
      o.amount.assign(K, 0);
      o.in_crystal.assign(K, 0);
      o.in_glass.assign(K, 0);
      o.crystal_per_layer.assign(laminate.bilayers, 0);
      const double P = laminate.period();
      for (const auto &cell : fem::locally_owned_cells(dof_handler))
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(u, values);
          fe_values.get_function_gradients(u, gradients);
          for (unsigned int q = 0; q < n_q; ++q)
            {
              const double JxW = fe_values.JxW(q);
              double       sum = 0, gradient_terms = 0;
              for (unsigned int a = 0; a < n; ++a)
                {
                  ps.x[a] = values[q][a];
                  sum += ps.x[a];
                  gradient_terms
                    += 0.5 * kappa_x * gradients[q][a].norm_square();
                }
              ps.x[n]                  = 1 - sum;
              const double         phi = values[q][phi_component()];
              const PhaseFunctions pf(phi);
              ps.evaluate(material, unused, unused, T, pf, false);
              gradient_terms += 0.5 * kappa_phi
                                * gradients[q][phi_component()].norm_square();
              o.free_energy += (pf.h * ps.G_cr + (1 - pf.h) * ps.G_gl + W * pf.g
                                + gradient_terms)
                               * JxW;
              // Phase compositions over the regions phi > 1/2 and < 1/2 (as
              // an atom-probe analysis picks a layer), the thickness from
              // int phi (the position of an equivalent sharp interface).
              const double in_crystal = phi > 0.5 ? 1.0 : 0.0;
              for (unsigned int k = 0; k < K; ++k)
                {
                  o.amount[k] += ps.x[k] * JxW;
                  o.in_crystal[k] += ps.x[k] * in_crystal * JxW;
                  o.in_glass[k] += ps.x[k] * (1 - in_crystal) * JxW;
                }
              o.crystal_region += in_crystal * JxW;
              const double ratio = material.volume_ratio(ps.x.data());
              o.crystal_volume += phi * ratio * JxW;
              o.glass_volume += (1 - phi) * ratio * JxW;
              const double       z = fe_values.quadrature_point(q)[dim - 1];
              const unsigned int layer
                = std::min<unsigned int>(laminate.bilayers - 1,
                                         static_cast<unsigned int>(z / P));
              o.crystal_per_layer[layer] += phi * ratio * JxW;
            }
        }
      o.free_energy    = Utilities::MPI::sum(o.free_energy, comm) / volume();
      o.crystal_volume = Utilities::MPI::sum(o.crystal_volume, comm);
      o.glass_volume   = Utilities::MPI::sum(o.glass_volume, comm);
      o.crystal_region = Utilities::MPI::sum(o.crystal_region, comm);
      for (auto *list :
           {&o.amount, &o.in_crystal, &o.in_glass, &o.crystal_per_layer})
        Utilities::MPI::sum(*list, comm, *list);
      return o;
    }


    template <int dim>
    void
    Partitioning<dim>::restore_amounts(Vector &state) const
    {
      // Coarsening interpolates and so changes the amount of each element a
      // little. The change is put back in proportion to x_a x_K at each
      // node: where an element (or the dependent one) is used up nothing
      // moves, so no fraction turns negative. A uniform shift did that
      // where a fraction was near zero, and a node below zero froze the
      // Newton iteration there (the log term is flat below its floor).
      const Vector x = ghosted(state);
      Vector       weight(owned_dofs, comm);
      for_each_owned_node(
        [&](const std::vector<types::global_dof_index> &node) {
          double x_dependent = 1;
          for (const auto dof : node)
            x_dependent -= x(dof);
          for (const auto dof : node)
            weight(dof) = std::max(x(dof), 0.0) * std::max(x_dependent, 0.0);
        });
      weight.compress(VectorOperation::insert);
      constraints.distribute(weight);
      const double      T         = temperature.value(time);
      const Observables o         = integrate(state, T);
      const Observables available = integrate(weight, T);
      for (unsigned int a = 0; a < n_independent; ++a)
        {
          const double missing = initial_amount[a] - o.amount[a];
          // (Quadrature at the nodes: the amount of weight is its integral.)
          if (available.amount[a] > 1e-12 * volume())
            {
              Vector component = weight;
              component.scale(component_masks[a]);
              state.add(missing / available.amount[a], component);
            }
          else
            state.add(missing / volume(), component_masks[a]);
        }
    }


    template <int dim>
    bool
    Partitioning<dim>::adapt_mesh()
    {
      TimerOutput::Scope  scope(timer, "mesh adaptation");
      std::vector<Vector> old_states;
      for (const auto &s : states)
        old_states.push_back(ghosted(s));
      fem::flag_cells_by_gradient(dof_handler,
                                  old_states[0],
                                  refinement_components(n_independent),
                                  mesh_prm);

      if (!fem::any_cell_flagged(triangulation))
        return false;
      std::vector<Vector *> outputs;
      for (auto &s : states)
        outputs.push_back(&s);
      fem::refine_and_transfer(
        triangulation,
        dof_handler,
        old_states,
        outputs,
        [this]() { setup_dofs(); },
        owned_dofs);
      for (auto &s : states)
        {
          constraints.distribute(s);
          restore_amounts(s);
        }
      return true;
    }


    template <int dim>
    void
    Partitioning<dim>::write_fields()
    {
      TimerOutput::Scope       scope(timer, "output");
      const Vector             state = ghosted(states[0]);
      std::vector<std::string> names;
      for (unsigned int a = 0; a < n_independent; ++a)
        names.push_back("x_" + material.elements[a]);
      for (unsigned int a = 0; a < n_independent; ++a)
        names.push_back("w_" + material.elements[a]);
      names.push_back("phi");
      DataOut<dim> data_out;
      data_out.attach_dof_handler(dof_handler);
      data_out.add_data_vector(state, names, DataOut<dim>::type_dof_data);
      dealii::Vector<float> subdomain(triangulation.n_active_cells());
      subdomain = triangulation.locally_owned_subdomain();
      data_out.add_data_vector(subdomain, "subdomain");
      data_out.build_patches();
      fields.write(data_out, time);
      write_profile();
    }


    template <int dim>
    void
    Partitioning<dim>::write_profile()
    {
      // The atom-probe view: fractions averaged over planes parallel to the
      // layers, in bins of the profile resolution.
      const Vector       u = ghosted(states[0]);
      const unsigned int K = material.n_components(), n = n_independent;
      const double       height = mesh_prm.domain_size[dim - 1];
      const unsigned int n_bins
        = std::max(1u, static_cast<unsigned int>(height / profile_resolution));
      const double                        bin = height / n_bins;
      const QGauss<dim>                   quadrature(4);
      FEValues<dim>                       fe_values(fe,
                              quadrature,
                              update_values | update_quadrature_points
                                | update_JxW_values);
      std::vector<dealii::Vector<double>> values(quadrature.size(),
                                                 dealii::Vector<double>(
                                                   fe.n_components()));
      // Per bin: volume, phi, K fractions and V(x)/V_m (physical length).
      const unsigned int                  width = K + 3;
      std::vector<double>                 sums(n_bins * width, 0.0);
      std::vector<double>                 x(K);
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          fe_values.reinit(cell);
          fe_values.get_function_values(u, values);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const double       z = fe_values.quadrature_point(q)[dim - 1];
              const unsigned int b
                = std::min<unsigned int>(n_bins - 1,
                                         static_cast<unsigned int>(z / bin));
              double      *row  = &sums[b * width];
              const double JxW  = fe_values.JxW(q);
              double       rest = 1;
              row[0] += JxW;
              row[1] += values[q][phi_component()] * JxW;
              for (unsigned int a = 0; a < n; ++a)
                {
                  x[a] = values[q][a];
                  row[2 + a] += x[a] * JxW;
                  rest -= x[a];
                }
              x[n] = rest;
              row[2 + n] += rest * JxW;
              row[K + 2] += material.volume_ratio(x.data()) * JxW;
            }
        }
      Utilities::MPI::sum(sums, comm, sums);
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        base::guarded([&]() {
          std::filesystem::create_directories(output_prm.directory
                                              + "/profiles");
          char name[64];
          std::snprintf(name,
                        sizeof(name),
                        "/profiles/profile_%04u.csv",
                        profiles_written);
          std::ofstream out(output_prm.directory + name);
          out << "# time = " << time
              << " s, temperature = " << temperature.value(time) << " K\n"
              << "z_nm,phi";
          for (const auto &element : material.elements)
            out << ',' << element;
          out << '\n' << std::setprecision(8);
          // z of a bin's middle in physical nm: the bins below it, each
          // bin * V/V_m thick.
          double z_below = 0;
          for (unsigned int b = 0; b < n_bins; ++b)
            {
              const double *row = &sums[b * width];
              if (row[0] <= 0)
                continue;
              const double thickness = bin * row[K + 2] / row[0];
              out << z_below + 0.5 * thickness << ',' << row[1] / row[0];
              z_below += thickness;
              for (unsigned int k = 0; k < K; ++k)
                out << ',' << 100 * row[2 + k] / row[0];
              out << '\n';
            }
          out.close();
          if (!out)
            throw InputError("cannot write '" + output_prm.directory + name
                             + "': check Output/Directory");
        });
      base::check_errors(comm);
      ++profiles_written;
    }


    template <int dim>
    void
    Partitioning<dim>::write_checkpoint() const
    {
      TimerOutput::Scope   scope(timer, "checkpoint");
      fem::CheckpointState state;
      state.set("model", "partitioning");
      state.set("wall time", clock.elapsed_seconds());
      fem::save_step_history(state,
                             time,
                             step,
                             statistics,
                             controller,
                             steps,
                             states.size());
      state.set("profiles written", double(profiles_written));
      for (unsigned int k = 0; k < initial_amount.size(); ++k)
        state.set("initial amount " + std::to_string(k), initial_amount[k]);
      state.set("field records", fields.serialize());

      fem::save_checkpoint(output_prm.directory,
                           dof_handler,
                           states,
                           relevant_dofs,
                           state);
    }


    template <int dim>
    void
    Partitioning<dim>::resume_from_checkpoint()
    {
      fem::make_box_mesh(triangulation, mesh_prm, false);
      const fem::CheckpointState state
        = fem::load_checkpoint_mesh(output_prm.directory,
                                    triangulation,
                                    "partitioning");
      if (state.has("wall time"))
        clock.set_earlier_seconds(state.get_double("wall time"));
      setup_dofs();
      const unsigned int n_states = fem::load_step_history(state,
                                                           time,
                                                           step,
                                                           statistics,
                                                           controller,
                                                           steps);
      fem::load_checkpoint_vectors(output_prm.directory,
                                   dof_handler,
                                   n_states,
                                   owned_dofs,
                                   comm,
                                   states);

      const auto count = [&](const std::string &key) {
        return static_cast<unsigned int>(state.get_double(key));
      };
      profiles_written = count("profiles written");
      initial_amount.resize(material.n_components());
      for (unsigned int k = 0; k < initial_amount.size(); ++k)
        initial_amount[k]
          = state.get_double("initial amount " + std::to_string(k));
      fields.deserialize(state.get_string("field records"));
      current = integrate(states[0], temperature.value(time));
    }


    template <int dim>
    void
    Partitioning<dim>::report_step(const StepAttempt &attempt)
    {
      const unsigned int K       = material.n_components();
      const double       last_dt = steps.empty() ? 0.0 : steps[0];
      const double       T       = temperature.value(time);
      clock.record(time, last_dt);

      std::vector<double> row = {double(step),
                                 time,
                                 last_dt,
                                 T,
                                 current.free_energy,
                                 double(dof_handler.n_dofs()),
                                 double(triangulation.n_global_active_cells()),
                                 double(attempt.newton_iterations),
                                 double(attempt.factorizations),
                                 double(statistics.rejected),
                                 clock.elapsed_seconds()};
      for (unsigned int k = 0; k < K; ++k)
        row.push_back(current.amount[k] / volume());
      csv->add_row(row);

      const double area = lateral_area();
      const double crystal_layer
        = current.crystal_volume / area / laminate.bilayers;
      const double glass_layer = current.glass_volume / area / laminate.bilayers;
      const double        crystal_region = current.crystal_region;
      const double        glass_region   = volume() - crystal_region;
      std::vector<double> phase_row
        = {double(step), time, T, crystal_layer, glass_layer};
      for (unsigned int k = 0; k < K; ++k)
        phase_row.push_back(100 * current.in_crystal[k] / crystal_region);
      for (unsigned int k = 0; k < K; ++k)
        phase_row.push_back(100 * current.in_glass[k] / glass_region);
      for (const double v : current.crystal_per_layer)
        phase_row.push_back(v / area);
      phases_csv->add_row(phase_row);

      if (output_prm.progress_every == 0
          || step % output_prm.progress_every != 0)
        return;
      char line[256];
      std::snprintf(
        line,
        sizeof(line),
        "step %6u  t %10.4e s  dt %9.3e  T %6.1f K  G %12.6e  "
        "crystal %6.3f nm  Newton %u  LU %u  DoFs %8llu  wall %s  "
        "left %s",
        step,
        time,
        last_dt,
        T,
        current.free_energy,
        crystal_layer,
        attempt.newton_iterations,
        attempt.factorizations,
        static_cast<unsigned long long>(dof_handler.n_dofs()),
        base::format_duration(clock.elapsed_seconds()).c_str(),
        base::format_duration(clock.estimated_seconds_left()).c_str());
      pcout << line << std::endl;
    }


    template <int dim>
    void
    Partitioning<dim>::run()
    {
      output_prm.make_directory(comm);
      const bool resume = checkpoint_prm.resume;
      pcout << "vitrum: partitioning, " << material.name << ", " << dim << "D, "
            << laminate.bilayers << " bilayer(s), "
            << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s)"
            << (resume ? ", resuming from checkpoint" : "") << "\n"
            << "Temperature: " << temperature.describe() << std::endl;

      std::vector<std::string> columns       = {"step",
                                                "time",
                                                "dt",
                                                "temperature",
                                                "free_energy",
                                                "dofs",
                                                "cells",
                                                "newton_iterations",
                                                "factorizations",
                                                "rejected_steps",
                                                "wall_time"};
      std::vector<std::string> phase_columns = {"step",
                                                "time",
                                                "temperature",
                                                "crystal_thickness",
                                                "glass_thickness"};
      for (const auto &e : material.elements)
        columns.push_back("mean_" + e);
      for (const auto &e : material.elements)
        phase_columns.push_back("crystal_" + e);
      for (const auto &e : material.elements)
        phase_columns.push_back("glass_" + e);
      for (unsigned int k = 0; k < laminate.bilayers; ++k)
        phase_columns.push_back("thickness_crystal_layer_"
                                + std::to_string(k + 1));

      const std::string dir  = output_prm.directory;
      const bool        root = Utilities::MPI::this_mpi_process(comm) == 0;
      if (resume)
        {
          resume_from_checkpoint();
          csv = std::make_unique<base::CsvWriter>(dir + "/time_series.csv",
                                                  columns,
                                                  root,
                                                  step);
          phases_csv = std::make_unique<base::CsvWriter>(dir + "/phases.csv",
                                                         phase_columns,
                                                         root,
                                                         step);
        }
      else
        {
          csv = std::make_unique<base::CsvWriter>(dir + "/time_series.csv",
                                                  columns,
                                                  root);
          phases_csv = std::make_unique<base::CsvWriter>(dir + "/phases.csv",
                                                         phase_columns,
                                                         root);
          start_new_run();
          report_step(StepAttempt());
          write_fields();
        }

      std::vector<double> targets = output_prm.output_times;
      targets.push_back(time_prm.end_time);
      for (const double t : temperature.breakpoints())
        if (t < time_prm.end_time)
          targets.push_back(t);
      controller.set_target_times(targets);

      Vector new_state(owned_dofs, comm);
      while (!time_prm.finished(time, step))
        {
          const double dt = controller.step_from(time);
          new_state.reinit(owned_dofs, comm);
          const StepAttempt attempt = try_step(dt, new_state);
          statistics.factorizations += attempt.factorizations;
          // In an isothermal hold the free energy must not rise. Newton
          // leaves errors of its tolerance in the fractions, worth about
          // tolerance * E0 in G: smaller rises are round-off, not physics.
          const double allowed_rise
            = solver_prm.newton_tolerance * energy_scale;
          const bool isothermal
            = temperature.value(time) == temperature.value(time + dt)
              && temperature.rate(time) == 0;
          const bool energy_rose = isothermal
                                   && attempt.observables.free_energy
                                        > current.free_energy + allowed_rise;
          if (!fem::judge_step(controller,
                               statistics,
                               dt,
                               {attempt.converged,
                                attempt.error,
                                attempt.error_exponent,
                                energy_rose},
                               time,
                               " s"))
            continue;

          accept_step(dt, new_state);
          current = attempt.observables;
          ++statistics.steps_since_remesh;
          if (mesh_prm.adapt_every > 0 && step % mesh_prm.adapt_every == 0
              && adapt_mesh())
            {
              statistics.steps_since_remesh = 0;
              current = integrate(states[0], temperature.value(time));
            }
          report_step(attempt);
          if (output_prm.fields_due(time, step))
            write_fields();
          if (checkpoint_prm.every > 0 && step % checkpoint_prm.every == 0)
            write_checkpoint();
          const std::string stop = fem::end_of_step_check(comm, checkpoint_prm);
          if (!stop.empty())
            {
              write_checkpoint();
              pcout << fem::stop_message(stop, time, step, output_prm.directory)
                    << std::endl;
              return;
            }
        }

      if (!fields.written_at(time))
        write_fields();
      write_checkpoint();
      base::check_errors(comm);
      print_summary();
    }


    template <int dim>
    void
    Partitioning<dim>::print_summary() const
    {
      const unsigned int K     = material.n_components();
      double             worst = 0;
      for (unsigned int k = 0; k < K; ++k)
        worst = std::max(worst,
                         std::abs(current.amount[k] - initial_amount[k])
                           / initial_amount[k]);
      const double crystal_layer
        = current.crystal_volume / lateral_area() / laminate.bilayers;
      const double glass_region = volume() - current.crystal_region;

      std::ostringstream table;
      table << std::fixed << std::setprecision(2) << "\n  at.%    ";
      for (const auto &e : material.elements)
        table << std::setw(7) << e;
      table << "\n  crystal ";
      for (unsigned int k = 0; k < K; ++k)
        table << std::setw(7)
              << 100 * current.in_crystal[k] / current.crystal_region;
      table << "\n  glass   ";
      for (unsigned int k = 0; k < K; ++k)
        table << std::setw(7) << 100 * current.in_glass[k] / glass_region;

      Utilities::System::MemoryStats memory;
      Utilities::System::get_memory_stats(memory);
      const double peak_mb = Utilities::MPI::sum(memory.VmHWM / 1024.0, comm);
      pcout << "\nFinished at t = " << time
            << " s (T = " << temperature.value(time) << " K) after " << step
            << " steps; " << statistics.summary() << "\n"
            << "Mean composition of the crystal (phi > 1/2) and glass:"
            << table.str() << "\n"
            << std::setprecision(3) << "Layer thickness: crystal "
            << crystal_layer << " nm (was "
            << laminate.deposited_crystal_thickness << "), glass "
            << current.glass_volume / lateral_area() / laminate.bilayers
            << " nm (was " << laminate.deposited_glass_thickness << ")\n"
            << std::defaultfloat << std::setprecision(3)
            << "Largest relative change of an element's amount: " << worst
            << '\n'
            << "DoFs " << dof_handler.n_dofs() << ", cells "
            << triangulation.n_global_active_cells() << ", wall time "
            << base::format_duration(clock.elapsed_seconds()) << '\n'
            << "Peak memory: " << std::fixed << std::setprecision(1) << peak_mb
            << " MB (sum over ranks)" << std::defaultfloat << '\n'
            << "Results in " << output_prm.directory
            << "/: phases.csv, profiles/, time_series.csv, fields.pvd "
               "(ParaView), checkpoint/"
            << std::endl;
      timer.print_summary();
    }


    template class Partitioning<1>;
    template class Partitioning<2>;
    template class Partitioning<3>;
  } // namespace models
} // namespace vitrum
