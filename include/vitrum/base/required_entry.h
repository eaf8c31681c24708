#ifndef vitrum_base_required_entry_h
#define vitrum_base_required_entry_h

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/patterns.h>

#include <limits>
#include <memory>
#include <string>

namespace vitrum
{
  namespace base
  {
    /**
     * The pattern of a number entry of a material file: a number in
     * [lower, upper], or empty for "not set". Material data has no physical
     * defaults, so such entries are declared empty and read with
     * required_double() by the code that needs them (an entry a model does
     * not use may stay unset).
     */
    class OptionalDouble : public dealii::Patterns::PatternBase
    {
    public:
      OptionalDouble(double lower,
                     double upper = std::numeric_limits<double>::max());

      bool
      match(const std::string &value) const override;

      std::string
      description(const OutputStyle style) const override;

      std::unique_ptr<dealii::Patterns::PatternBase>
      clone() const override;

    private:
      double lower;
      double upper;
    };

    /**
     * The value of a number entry declared with OptionalDouble in the
     * current subsection; InputError "<where><entry> is not set ..." when
     * it is empty. `where` names the file and subsection, e.g.
     * "glass.prm: Nucleation/".
     */
    double
    required_double(const dealii::ParameterHandler &prm,
                    const std::string              &entry,
                    const std::string              &where);
  } // namespace base
} // namespace vitrum

#endif
