#include <vitrum/kinetics/growth.h>
#include <vitrum/kinetics/nucleation.h>
#include <vitrum/rheology/viscosity.h>
#include <vitrum/thermo/solution_phase.h>

#include <cmath>

namespace vitrum
{
  namespace kinetics
  {
    double
    contact_angle_factor(const double theta)
    {
      const double c = std::cos(theta);
      return (2 + c) * (1 - c) * (1 - c) / 4;
    }


    double
    nucleation_barrier(const double interface_energy, const double dg_volume)
    {
      return 16 * M_PI * std::pow(interface_energy, 3)
             / (3 * dg_volume * dg_volume);
    }


    double
    critical_radius(const double interface_energy, const double dg_volume)
    {
      return 2 * interface_energy / dg_volume;
    }


    double
    classical_nucleation_rate(const double site_density,
                              const double diffusivity,
                              const double jump_distance,
                              const double interface_energy,
                              const double dg_volume,
                              const double barrier_factor,
                              const double T)
    {
      if (!(dg_volume > 0))
        return 0;
      const double W
        = barrier_factor * nucleation_barrier(interface_energy, dg_volume);
      return site_density * diffusivity / (jump_distance * jump_distance)
             * std::exp(-W / (rheology::boltzmann_constant * T));
    }


    double
    growth_rate(const double diffusivity,
                const double jump_distance,
                const double dg,
                const double T)
    {
      if (!(dg > 0))
        return 0;
      return diffusivity / jump_distance
             * -std::expm1(-dg / (thermo::gas_constant * T));
    }


    double
    stokes_einstein_diffusivity(const double T,
                                const double viscosity,
                                const double diameter)
    {
      return rheology::boltzmann_constant * T
             / (3 * M_PI * viscosity * diameter);
    }
  } // namespace kinetics
} // namespace vitrum
