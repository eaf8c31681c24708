#ifndef vitrum_kinetics_driving_force_h
#define vitrum_kinetics_driving_force_h

#include <vitrum/thermo/solution_phase.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /**
     * The driving force for forming a crystal nucleus of composition y from
     * a glass of composition x (J per mole of atoms in the nucleus):
     *   dg(y) = sum_i y_i mu_i^glass(x) - G^crystal(y).
     * Positive means crystallization lowers the free energy.
     */
    struct DrivingForce
    {
      double              value = 0; ///< J/mol
      std::vector<double> nucleus;   ///< mole fractions of the nucleus
    };


    /**
     * A crystalline phase of fixed composition (an intermetallic compound):
     * G(T) = a + b T + function(T) per mole of atoms, on the same reference
     * as the glass phase it competes with. The material file gives a and b
     * (function zero); a thermodynamic database gives function (an end
     * member from thermo::compound_gibbs_energy(), a and b zero, or an
     * adjustment in a and b on top of it).
     */
    struct Compound
    {
      std::string                 name;
      std::vector<double>         composition; ///< mole fractions, K
      double                      a = 0;       ///< J/mol
      double                      b = 0;       ///< J/(mol K)
      thermo::TemperatureFunction function;    ///< J/mol

      /// G(T) in J/mol of atoms.
      double
      gibbs_energy(double T) const
      {
        return a + b * T + function.value(T);
      }
    };


    /**
     * The largest driving force against a crystalline solution phase over
     * all nucleus compositions: the parallel-tangent construction. At the
     * optimum the crystal's chemical potentials differ from the glass's by
     * one constant, mu_i^cr(y) - mu_i^gl(x) = -dg for every i.
     *
     * Newton iteration on the K - 1 independent fractions of y, started
     * from x and from one nucleus rich in each element (the crystal may
     * have several local optima); the best converged optimum wins. Needs
     * only (x, T): no state, so a phase-field model can call it per cell.
     * Both phases must share the same components and reference state.
     */
    DrivingForce
    parallel_tangent(const thermo::SolutionPhase &glass,
                     const thermo::SolutionPhase &crystal,
                     const std::vector<double>   &x,
                     double                       T);

    /// The driving force (J/mol) for forming a compound from glass x.
    DrivingForce
    compound_driving_force(const thermo::SolutionPhase &glass,
                           const Compound              &compound,
                           const std::vector<double>   &x,
                           double                       T);

    /**
     * Thompson–Spaepen estimate of the driving force of an undercooled
     * liquid of fixed composition (J/mol), for alloys without a
     * thermodynamic database:
     *   dg = dH_f (T_l - T) / T_l * 2 T / (T_l + T).
     */
    double
    thompson_spaepen(double melting_enthalpy,
                     double liquidus_temperature,
                     double T);
  } // namespace kinetics
} // namespace vitrum

#endif
