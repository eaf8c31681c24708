#ifndef vitrum_kinetics_stochastic_h
#define vitrum_kinetics_stochastic_h

#include <cstdint>
#include <string>

namespace vitrum
{
  namespace kinetics
  {
    /**
     * Counter-based random numbers for stochastic nucleation: every number
     * is a function of a key built from the seed, the step and the identity
     * of a cell, so a run draws the same nuclei on any number of MPI ranks
     * and after a resume, with no generator state to keep.
     */

    /// A uniform number in [0, 1) from a 64-bit key (splitmix64 finaliser).
    double
    uniform_from(std::uint64_t key);

    /// FNV-1a hash of a text (a cell's identity), continuing from h.
    std::uint64_t
    hash_text(const std::string &text,
              std::uint64_t      h = 14695981039346656037ULL);

    /// A new key from a base key and two counters (the k-th number of a
    /// cell in a step).
    std::uint64_t
    mix_keys(std::uint64_t base, std::uint64_t a, std::uint64_t b);

    /// A Poisson-distributed count with mean lambda, by inverting the CDF at
    /// u in [0, 1) (lambda is small: a cell's expected nuclei in one step).
    unsigned int
    poisson_count(double lambda, double u);
  } // namespace kinetics
} // namespace vitrum

#endif
