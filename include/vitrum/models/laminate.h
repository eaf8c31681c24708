#ifndef vitrum_models_laminate_h
#define vitrum_models_laminate_h

#include <deal.II/base/function.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <vitrum/thermo/material.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /// Raise fractions below `floor` to it and renormalize: the entropy
    /// of mixing needs every element present.
    void
    apply_composition_floor(std::vector<double> &x, double floor);

    /// A number in [-1, 1] that depends only on a point (to 1e-6 of its
    /// unit), a component and the seed: noise that does not change with
    /// the number of ranks.
    template <int dim>
    double
    hashed_noise(const dealii::Point<dim> &p,
                 unsigned int              c,
                 unsigned int              seed);


    /**
     * A periodic stack of crystal/glass bilayers (subsection "Laminate"):
     * the initial state of a partitioning run. Layers are normal to the
     * last axis (x in 1D, y in 2D, z in 3D); each bilayer is half a glass
     * layer, a crystal layer, and half a glass layer, so every layer is whole
     * in the periodic stack. Lengths in nm, compositions in at.%.
     */
    struct LaminateParameters
    {
      unsigned int bilayers = 2;
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
     * The laminate at t = 0 as the partitioning model's unknowns: the K - 1
     * independent fractions, their diffusion potentials divided by
     * `potential_scale` (Newton's first guess) and phi, a tanh profile of
     * width lambda across each interface. Fractions mix the two layer
     * compositions by phi, plus the optional sine perturbation and noise
     * (the same at a point on any number of ranks).
     */
    template <int dim>
    class InitialLaminate : public dealii::Function<dim>
    {
    public:
      InitialLaminate(const LaminateParameters &laminate,
                      const thermo::Material   &material,
                      double                    T,
                      double                    potential_scale);

      void
      vector_value(const dealii::Point<dim> &p,
                   dealii::Vector<double>   &v) const override;

    private:
      const LaminateParameters &laminate;
      const thermo::Material   &material;
      const double              T;
      const double              potential_scale;
    };
  } // namespace models
} // namespace vitrum

#endif
