#include <vitrum/base/text.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace vitrum::base
{
  std::string
  trim(const std::string &text)
  {
    const auto is_space = [](const char c) {
      return std::isspace(static_cast<unsigned char>(c)) != 0;
    };
    const auto begin = std::find_if_not(text.begin(), text.end(), is_space);
    const auto end   = std::find_if_not(text.rbegin(), text.rend(), is_space);
    return begin < end.base() ? std::string(begin, end.base()) : "";
  }


  std::string
  to_lower(std::string text)
  {
    for (char &c : text)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }


  std::string
  format_number(const double x)
  {
    std::ostringstream stream;
    stream << x;
    return stream.str();
  }
} // namespace vitrum::base
