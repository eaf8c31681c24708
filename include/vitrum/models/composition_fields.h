#ifndef vitrum_models_composition_fields_h
#define vitrum_models_composition_fields_h

#include <deal.II/numerics/data_component_interpretation.h>
#include <deal.II/numerics/data_postprocessor.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace models
  {
    /**
     * The snapshot fields of a multi-component model whose unknowns are
     * the K - 1 independent mole fractions, their diffusion potentials
     * (scaled by `energy_scale`) and, optionally, a phase field, in
     * physical units: every element's mole fraction in at.% (the dependent
     * one too), the potentials in J/mol and phi.
     */
    template <int dim>
    class CompositionFields : public dealii::DataPostprocessor<dim>
    {
    public:
      CompositionFields(const std::vector<std::string> &elements,
                        double                          energy_scale,
                        bool                            with_phase_field)
          : elements(elements)
          , energy_scale(energy_scale)
          , with_phase_field(with_phase_field)
      {
      }

      void
      evaluate_vector_field(
        const dealii::DataPostprocessorInputs::Vector<dim> &inputs,
        std::vector<dealii::Vector<double>> &computed) const override
      {
        const unsigned int n = elements.size() - 1;
        for (unsigned int q = 0; q < inputs.solution_values.size(); ++q)
          {
            const dealii::Vector<double> &u    = inputs.solution_values[q];
            double                        rest = 1;
            for (unsigned int a = 0; a < n; ++a)
              {
                computed[q][a] = 100 * u[a];
                rest -= u[a];
              }
            computed[q][n] = 100 * rest;
            for (unsigned int a = 0; a < n; ++a)
              computed[q][n + 1 + a] = energy_scale * u[n + a];
            if (with_phase_field)
              computed[q][2 * n + 1] = u[2 * n];
          }
      }

      std::vector<std::string>
      get_names() const override
      {
        std::vector<std::string> names;
        for (const auto &e : elements)
          names.push_back("x_" + e + "_at%");
        for (unsigned int a = 0; a + 1 < elements.size(); ++a)
          names.push_back("w_" + elements[a] + "_J_per_mol");
        if (with_phase_field)
          names.push_back("phi_fraction");
        return names;
      }

      std::vector<
        dealii::DataComponentInterpretation::DataComponentInterpretation>
      get_data_component_interpretation() const override
      {
        return std::vector<
          dealii::DataComponentInterpretation::DataComponentInterpretation>(
          get_names().size(),
          dealii::DataComponentInterpretation::component_is_scalar);
      }

      dealii::UpdateFlags
      get_needed_update_flags() const override
      {
        return dealii::update_values;
      }

    private:
      std::vector<std::string> elements;
      double                   energy_scale;
      bool                     with_phase_field;
    };
  } // namespace models
} // namespace vitrum

#endif
