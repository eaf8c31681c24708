#ifndef vitrum_base_exceptions_h
#define vitrum_base_exceptions_h

#include <stdexcept>
#include <string>

namespace vitrum
{
  /**
   * An error in what the user gave us: a parameter file, a schedule string,
   * a material file. The message names the entry, what is wrong and what is
   * allowed. The driver prints it once, without a stack trace, and exits
   * with a non-zero status.
   */
  class InputError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /**
   * A failure of the numerics that the user can act on (a time step below
   * its minimum, a solver that does not converge). Printed like InputError.
   */
  class SolverError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };
} // namespace vitrum

#endif
