#include "dissectors/amqp/amqp_content_types.hpp"

#include <algorithm>
#include <array>

#include "dissectors/connection_key.hpp"

namespace netdx {

namespace {

constexpr std::size_t kSlots = 1024;

struct Type {
    char text[kAmqpMaxType] = {};
    std::uint8_t len = 0;
    bool known = false;
};

struct Slot {
    std::uint64_t key = 0;  // 0: empty
    std::uint64_t frame = 0;  // the frame that last set `now`
    Type now, before;         // before: as it was when that frame began
};

std::array<Slot, kSlots>& table() {
    thread_local std::array<Slot, kSlots> slots{};
    return slots;
}

std::uint64_t key_of(const Packet& pkt, std::uint16_t channel) {
    const std::uint64_t k = (connection_key(pkt) ^ (static_cast<std::uint64_t>(channel) + 1) * 0x9E3779B97F4A7C15ull);
    return k ? k : 1;
}

}  // namespace

void remember_amqp_content_type(const Packet& pkt, std::uint16_t channel, std::string_view type, bool has_type) {
    if (!pkt.net.has_ports) return;
    const std::uint64_t key = key_of(pkt, channel);
    Slot& s = table()[key % kSlots];
    if (s.key != key) s = Slot{key, 0, {}, {}};
    if (s.frame != pkt.number) {
        s.before = s.now;
        s.frame = pkt.number;
    }
    s.now = Type{};
    // A type too long to keep is shown as none rather than cut.
    if (has_type && type.size() <= kAmqpMaxType) {
        std::copy(type.begin(), type.end(), s.now.text);
        s.now.len = static_cast<std::uint8_t>(type.size());
        s.now.known = true;
    }
}

bool remembered_amqp_content_type(const Packet& pkt, std::uint16_t channel, std::string_view& type) {
    if (!pkt.net.has_ports) return false;
    const std::uint64_t key = key_of(pkt, channel);
    const Slot& s = table()[key % kSlots];
    if (s.key != key) return false;
    const Type& t = s.frame == pkt.number ? s.before : s.now;
    type = std::string_view(t.text, t.len);
    return t.known;
}

}  // namespace netdx
