#include <deal.II/base/point.h>
#include <deal.II/lac/vector.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/base/quantity.h>
#include <vitrum/models/laminate.h>
#include <vitrum/thermo/phase_field.h>
#include <vitrum/thermo/solution_phase.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    void
    apply_composition_floor(std::vector<double> &x, const double floor)
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


    template <int dim>
    double
    hashed_noise(const Point<dim> &p, const unsigned int c, const unsigned s)
    {
      std::uint64_t h = 1469598103934665603ULL ^ (s * 1099511628211ULL);
      for (int d = 0; d < dim; ++d)
        {
          const auto k = static_cast<std::int64_t>(std::llround(p[d] * 1e6));
          h            = (h ^ static_cast<std::uint64_t>(k)) * 1099511628211ULL;
          h ^= h >> 29;
        }
      h = (h ^ c) * 0x9E3779B97F4A7C15ULL;
      h ^= h >> 32;
      return 2.0 * double(h % 1000003ULL) / 1000002.0 - 1.0;
    }

    template double
    hashed_noise(const Point<1> &, unsigned int, unsigned int);
    template double
    hashed_noise(const Point<2> &, unsigned int, unsigned int);
    template double
    hashed_noise(const Point<3> &, unsigned int, unsigned int);


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
                        base::QuantityPattern(base::nanometres(), 0.1, 1e4),
                        "Thickness of each crystal layer as deposited (nm, "
                        "or with a unit).");
      prm.declare_entry("Glass thickness",
                        "12",
                        base::QuantityPattern(base::nanometres(), 0.1, 1e4),
                        "Thickness of each glass layer as deposited (nm, or "
                        "with a unit).");
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
                        base::QuantityPattern(base::nanometres(), 0, 100),
                        "Amplitude of a lateral sine wave of random phase "
                        "on each interface (nm, or with a unit); 0 gives flat "
                        "interfaces.");
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
      bilayers          = prm.get_integer("Bilayers");
      const auto length = [&](const std::string &entry) {
        return base::get_quantity(prm, entry, base::nanometres(), "Laminate/");
      };
      deposited_crystal_thickness = length("Crystal thickness");
      deposited_glass_thickness   = length("Glass thickness");
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
      roughness              = length("Interface roughness");
      seed                   = prm.get_integer("Random seed");
      perturbation_amplitude = prm.get_double("Perturbation amplitude") / 100;
      perturbation_waves     = prm.get_integer("Perturbation waves");
      prm.leave_subsection();

      apply_composition_floor(crystal_composition, minimum_fraction);
      apply_composition_floor(glass_composition, minimum_fraction);
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


    template <int dim>
    InitialLaminate<dim>::InitialLaminate(const LaminateParameters &laminate,
                                          const thermo::Material   &material,
                                          const double              T,
                                          const double potential_scale)
        : Function<dim>(2 * (material.n_components() - 1) + 1)
        , laminate(laminate)
        , material(material)
        , T(T)
        , potential_scale(potential_scale)
    {
    }


    template <int dim>
    void
    InitialLaminate<dim>::vector_value(const Point<dim>       &p,
                                       dealii::Vector<double> &v) const
    {
      const unsigned int K = material.n_components(), n = K - 1;
      const double       lambda = material.interface_width * 1e9;
      const double       phi
        = 0.5
          * (1 + std::tanh(laminate.distance_into_crystal(p) / (2 * lambda)));
      std::vector<double> x = laminate.composition(phi);
      if (laminate.perturbation_amplitude > 0)
        {
          const double height = laminate.bilayers * laminate.period();
          const double wave   = laminate.perturbation_amplitude
                              * std::sin(2 * M_PI * laminate.perturbation_waves
                                         * p[dim - 1] / height);
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
      const thermo::PhaseFunctions pf(phi);
      std::vector<double>          g_cr(K), g_gl(K), w_cr(n), w_gl(n);
      material.crystal.gradient(x.data(), T, g_cr.data());
      material.glass.gradient(x.data(), T, g_gl.data());
      thermo::diffusion_potentials(g_cr.data(), K, w_cr.data());
      thermo::diffusion_potentials(g_gl.data(), K, w_gl.data());
      for (unsigned int a = 0; a < n; ++a)
        {
          v[a]     = x[a];
          v[n + a] = (pf.h * w_cr[a] + (1 - pf.h) * w_gl[a]) / potential_scale;
        }
      v[2 * n] = phi;
    }


    template double
    LaminateParameters::distance_into_crystal(const Point<1> &) const;
    template double
    LaminateParameters::distance_into_crystal(const Point<2> &) const;
    template double
    LaminateParameters::distance_into_crystal(const Point<3> &) const;
    template class InitialLaminate<1>;
    template class InitialLaminate<2>;
    template class InitialLaminate<3>;
  } // namespace models
} // namespace vitrum
