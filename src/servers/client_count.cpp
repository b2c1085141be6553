#include "servers/client_count.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace netdx {

namespace {

// 64-bit FNV-1a over the address, then a murmur3 finaliser so the top bits
// (the register index) and the rest (the rank) are both well mixed.
std::uint64_t hash_of(const IpAddress& a) {
    std::uint64_t h = 1469598103934665603ull;
    h = (h ^ a.family) * 1099511628211ull;
    const std::size_t n = a.family == 6 ? 16 : 4;
    for (std::size_t i = 0; i < n; ++i) h = (h ^ a.bytes[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

}  // namespace

void ClientCount::sketch_add(const IpAddress& a) {
    const std::uint64_t h = hash_of(a);
    const std::size_t reg = static_cast<std::size_t>(h >> (64 - kBits));
    const std::uint64_t rest = h << kBits;
    const auto rank = static_cast<std::uint8_t>(rest == 0 ? 64 - kBits + 1 : std::countl_zero(rest) + 1);
    std::uint8_t& r = (*sketch_)[reg];
    r = std::max(r, rank);
}

void ClientCount::add(const IpAddress& a) {
    if (sketch_) return sketch_add(a);
    if (std::find(exact_.begin(), exact_.end(), a) != exact_.end()) return;
    if (exact_.size() < kExact) {
        exact_.push_back(a);
        return;
    }
    sketch_ = std::make_unique<Registers>();
    for (const IpAddress& e : exact_) sketch_add(e);
    sketch_add(a);
    exact_.clear();
    exact_.shrink_to_fit();
}

std::uint64_t ClientCount::count() const {
    if (!sketch_) return exact_.size();
    constexpr double m = 1u << kBits;
    const double alpha = 0.7213 / (1 + 1.079 / m);
    double sum = 0;
    int zeros = 0;
    for (std::uint8_t r : *sketch_) {
        sum += std::ldexp(1.0, -r);
        zeros += r == 0;
    }
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / zeros);  // linear counting
    return static_cast<std::uint64_t>(std::llround(e));
}

}  // namespace netdx
