#include "dissectors/tls_session_versions.hpp"

#include <array>

#include "dissectors/connection_key.hpp"

namespace netdx {

namespace {

constexpr std::size_t kSlots = 4096;

struct Slot {
    std::uint64_t key = 0;  // 0: empty
    std::uint16_t version = 0;
};

std::array<Slot, kSlots>& table() {
    thread_local std::array<Slot, kSlots> slots{};
    return slots;
}

}  // namespace

void remember_tls_version(const Packet& pkt, std::uint16_t version) {
    if (!pkt.net.has_ports) return;
    const std::uint64_t key = connection_key(pkt);
    table()[key % kSlots] = Slot{key, version};
}

std::uint16_t remembered_tls_version(const Packet& pkt) {
    if (!pkt.net.has_ports) return 0;
    const std::uint64_t key = connection_key(pkt);
    const Slot& s = table()[key % kSlots];
    return s.key == key ? s.version : 0;
}

}  // namespace netdx
