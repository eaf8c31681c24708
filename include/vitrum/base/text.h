#ifndef vitrum_base_text_h
#define vitrum_base_text_h

#include <string>

namespace vitrum
{
  namespace base
  {
    /// The text without leading and trailing white space.
    std::string
    trim(const std::string &text);

    /// The text in lower case (ASCII letters only; units and keywords).
    std::string
    to_lower(std::string text);

    /// A number for messages, with up to 6 significant digits.
    std::string
    format_number(double x);
  } // namespace base
} // namespace vitrum

#endif
