#pragma once
// Distinct clients of a server in bounded memory: exact while there are few
// (the list is what small captures and tests see), then a HyperLogLog sketch
// of 512 registers (Flajolet et al.; about 4.6% standard error, small counts
// corrected by linear counting). At most 512 + 64 addresses' worth of bytes.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

class ClientCount {
public:
    static constexpr std::size_t kExact = 64;

    void add(const IpAddress& a);
    [[nodiscard]] std::uint64_t count() const;
    // Whether count() is an estimate (more clients than kExact).
    [[nodiscard]] bool estimated() const { return sketch_ != nullptr; }

private:
    static constexpr int kBits = 9;
    using Registers = std::array<std::uint8_t, 1u << kBits>;
    void sketch_add(const IpAddress& a);

    std::vector<IpAddress> exact_;
    std::unique_ptr<Registers> sketch_;
};

}  // namespace netdx
