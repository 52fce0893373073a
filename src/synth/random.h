// The synthetic generator's own pseudo-random numbers and distributions.
//
// Why not <random>: the engines are specified but the distributions
// (std::poisson_distribution, std::normal_distribution, ...) are not, so the
// same seed gives different data under libstdc++, libc++ and MSVC. Every
// algorithm here is written out, so a seed means the same bytes wherever the
// same binary runs. (Normal() uses std::log/std::sqrt/std::cos; glibc's are
// accurate to < 1 ulp and identical across x86-64 machines, which is what the
// determinism promise covers: same build, same arguments, same bytes.)
//
// Engine: xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64 so
// that any 64-bit seed, including 0, gives a well-mixed state.
//
// An Rng is a small value; it is not thread-safe, give each thread (or each
// GP practice, as the generator does) its own, derived with DeriveSeed().
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace csu::synth {

// splitmix64 step: advances `state` and returns a well-mixed 64-bit value.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stable 64-bit hash of text (FNV-1a, then a splitmix64 finaliser), used
// to derive per-practice seeds and orders from codes. Never changes between
// versions: changing it changes every generated file.
inline uint64_t HashText(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return SplitMix64(h);
}

// Seed for an independent stream `stream` under the run's `seed`.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  uint64_t s = seed ^ (stream * 0xD1B54A32D192ED03ULL);
  SplitMix64(s);
  return SplitMix64(s);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (auto& w : s_) w = SplitMix64(sm);
  }

  // xoshiro256**: the next 64 random bits.
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n >= 1, without modulo bias (Lemire 2019).
  uint32_t Below(uint32_t n) {
    uint64_t m = (Next() >> 32) * n;
    auto low = static_cast<uint32_t>(m);
    if (low < n) {
      const uint32_t threshold = static_cast<uint32_t>(-n) % n;
      while (low < threshold) {
        m = (Next() >> 32) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  // Uniform integer in [lo, hi], lo <= hi.
  int32_t Between(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }

  bool Bernoulli(double p) { return Uniform() < p; }

  // Poisson by inversion of the CDF (exact; cost grows with lambda, which is
  // below 5 for nearly every call here). Large means are split into parts of
  // at most 16, since a sum of Poisson variables is Poisson.
  int32_t Poisson(double lambda) {
    int32_t total = 0;
    while (lambda > 16.0) {
      total += PoissonSmall(16.0);
      lambda -= 16.0;
    }
    return lambda > 0.0 ? total + PoissonSmall(lambda) : total;
  }

  // Standard normal (Box-Muller, one value per call; simplicity over speed,
  // it is called a few times per hospital event, not per patient).
  double Normal() {
    double u1 = Uniform();
    const double u2 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Log-normal with the given median and log-scale sigma.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

  // Exponential with the given mean.
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }

  // Failures before the first success, success probability p in (0, 1]:
  // 0 with probability p, 1 with p(1-p), ... (mean (1-p)/p).
  int32_t Geometric(double p) {
    int32_t n = 0;
    while (!Bernoulli(p) && n < 1000) ++n;
    return n;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  int32_t PoissonSmall(double lambda) {
    const double limit = std::exp(-lambda);
    double p = Uniform();
    int32_t k = 0;
    double term = limit;  // P(X = k)
    double cdf = term;
    while (p > cdf && k < 200) {
      ++k;
      term *= lambda / k;
      cdf += term;
    }
    return k;
  }

  uint64_t s_[4];
};

// Weighted choice among n outcomes in O(1) per draw (Walker/Vose alias
// method). Weights must be >= 0 with a positive sum. Immutable after
// construction, so one table may be shared by threads, each with its own Rng.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(const std::vector<double>& weights);

  // Index in [0, size()).
  uint32_t Pick(Rng& rng) const {
    const uint32_t i = rng.Below(static_cast<uint32_t>(prob_.size()));
    return rng.Uniform() < prob_[i] ? i : alias_[i];
  }
  size_t size() const { return prob_.size(); }
  bool empty() const { return prob_.empty(); }

 private:
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
};

}  // namespace csu::synth
