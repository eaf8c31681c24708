#include <vitrum/kinetics/stochastic.h>

#include <cmath>

namespace vitrum
{
  namespace kinetics
  {
    double
    uniform_from(std::uint64_t key)
    {
      key += 0x9e3779b97f4a7c15ULL;
      key = (key ^ (key >> 30)) * 0xbf58476d1ce4e5b9ULL;
      key = (key ^ (key >> 27)) * 0x94d049bb133111ebULL;
      key ^= key >> 31;
      return (key >> 11) * (1.0 / 9007199254740992.0);
    }


    std::uint64_t
    hash_text(const std::string &text, std::uint64_t h)
    {
      for (const char c : text)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
      return h;
    }


    std::uint64_t
    mix_keys(std::uint64_t base, const std::uint64_t a, const std::uint64_t b)
    {
      base ^= a + 0x9e3779b97f4a7c15ULL + (base << 6) + (base >> 2);
      base ^= b + 0x9e3779b97f4a7c15ULL + (base << 6) + (base >> 2);
      return base;
    }


    unsigned int
    poisson_count(const double lambda, const double u)
    {
      if (lambda <= 0)
        return 0;
      double       p = std::exp(-lambda), cdf = p;
      unsigned int k = 0;
      while (u > cdf && k < 10000)
        {
          ++k;
          p *= lambda / k;
          cdf += p;
          if (p == 0)
            break;
        }
      return k;
    }
  } // namespace kinetics
} // namespace vitrum
