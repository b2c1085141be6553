#include "dissectors/rpc/rpc_calls.hpp"

#include <array>

#include "dissectors/connection_key.hpp"

namespace netdx {

namespace {

constexpr std::size_t kSlots = 4096;

struct Slot {
    std::uint64_t key = 0;  // 0: empty
    RpcCallMemo call;
};

std::array<Slot, kSlots>& table() {
    thread_local std::array<Slot, kSlots> slots{};
    return slots;
}

std::uint64_t key_of(const Packet& pkt, std::uint32_t xid) {
    const std::uint64_t k = (connection_key(pkt) ^ xid) * 0x9e3779b97f4a7c15ull;
    return k ? k : 1;
}

}  // namespace

void remember_rpc_call(const Packet& pkt, std::uint32_t xid, const RpcCallMemo& call) {
    if (!pkt.net.has_ports) return;
    const std::uint64_t key = key_of(pkt, xid);
    table()[(key >> 20) % kSlots] = Slot{key, call};
}

const RpcCallMemo* remembered_rpc_call(const Packet& pkt, std::uint32_t xid) {
    if (!pkt.net.has_ports) return nullptr;
    const std::uint64_t key = key_of(pkt, xid);
    const Slot& s = table()[(key >> 20) % kSlots];
    return s.key == key ? &s.call : nullptr;
}

}  // namespace netdx
