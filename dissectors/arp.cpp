// ARP (RFC 826) over Ethernet/IPv4; other hardware/protocol sizes are decoded
// generically and shown without addresses.
#include <cstring>

#include "dissectors/common.hpp"

namespace netdx {

namespace {

constexpr std::size_t kFixed = 8;

bool is_eth_ipv4(const Packet& pkt, const Layer& l) {
    if (!has_at(pkt, l, 0, 28)) return false;
    const std::uint8_t* p = at(pkt, l, 0);
    return load_be16(p) == 1 && load_be16(p + 2) == 0x0800 && p[4] == 6 && p[5] == 4;
}

Proto decode(Cursor& c, Packet&, Layer& layer) {
    c.skip(4);
    std::uint8_t hlen = c.u8();
    std::uint8_t plen = c.u8();
    std::uint16_t op = c.be16();
    const std::size_t total = kFixed + 2u * hlen + 2u * plen;
    if (!c.ok() || !c.skip(total - kFixed)) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("ARP packet cut before its addresses");
        return Proto::None;
    }
    layer.length = static_cast<std::uint32_t>(total);
    if (op == 0 || op > 25) layer.mark_malformed("unknown ARP opcode");
    return Proto::None;
}

bool gratuitous(const Packet& pkt, const Layer& l) {
    if (!is_eth_ipv4(pkt, l)) return false;
    const std::uint8_t* p = at(pkt, l, 0);
    return std::memcmp(p + 14, p + 24, 4) == 0;  // sender IP == target IP
}

bool zero_target_mac(const std::uint8_t* p) {
    static constexpr std::uint8_t kZero[6] = {};
    return std::memcmp(p + 18, kZero, 6) == 0;
}

// As tshark: an announcement is a gratuitous request with no target MAC, a probe
// a request from 0.0.0.0 with no target MAC (RFC 5227).
bool announcement(const Packet& pkt, const Layer& l) {
    return gratuitous(pkt, l) && load_be16(at(pkt, l, 6)) == 1 && zero_target_mac(at(pkt, l, 0));
}
bool probe(const Packet& pkt, const Layer& l) {
    if (!is_eth_ipv4(pkt, l)) return false;
    const std::uint8_t* p = at(pkt, l, 0);
    return load_be16(p + 6) == 1 && load_be32(p + 14) == 0 && zero_target_mac(p);
}

void arp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!is_eth_ipv4(pkt, l)) {
        info(out, "ARP");
        return;
    }
    const std::uint8_t* p = at(pkt, l, 0);
    fmt::memory_buffer spa, tpa, sha;
    append_ipv4(spa, p + 14);
    append_ipv4(tpa, p + 24);
    append_mac(sha, p + 8);
    auto sv = [](const fmt::memory_buffer& b) { return std::string_view(b.data(), b.size()); };
    const std::uint16_t op = load_be16(p + 6);
    if (op == 1) {
        if (announcement(pkt, l)) info(out, "ARP Announcement for {}", sv(tpa));
        else if (gratuitous(pkt, l)) info(out, "Gratuitous ARP for {} (Request)", sv(tpa));
        else if (probe(pkt, l)) info(out, "Who has {}? (ARP Probe)", sv(tpa));
        else info(out, "Who has {}? Tell {}", sv(tpa), sv(spa));
    } else if (op == 2) {
        if (gratuitous(pkt, l)) info(out, "Gratuitous ARP for {} (Reply)", sv(spa));
        else info(out, "{} is at {}", sv(spa), sv(sha));
    } else {
        info(out, "ARP opcode {}", op);
    }
}

template <std::size_t Off, bool Mac>
void addr(const FieldContext& c, FieldOut& out) {
    if (!is_eth_ipv4(c.pkt, *c.layer)) return;
    if (Mac) out.mac(at(c.pkt, *c.layer, Off));
    else out.ipv4(at(c.pkt, *c.layer, Off));
}

void is_gratuitous(const FieldContext& c, FieldOut& out) {
    if (gratuitous(c.pkt, *c.layer)) out.boolean(true);
}

const FieldDef kFields[] = {
    {"arp.hw.type", "Hardware type", field_uint<0, 2>},
    {"arp.proto.type", "Protocol type", field_hex<2, 2, 4>},
    {"arp.hw.size", "Hardware size", field_uint<4, 1>},
    {"arp.proto.size", "Protocol size", field_uint<5, 1>},
    {"arp.opcode", "Opcode", field_uint<6, 2>},
    {"arp.isgratuitous", "Is gratuitous", is_gratuitous},
    {"arp.isannouncement", "Is announcement", [](const FieldContext& c, FieldOut& o) {
         if (announcement(c.pkt, *c.layer)) o.boolean(true);
     }},
    {"arp.isprobe", "Is probe", [](const FieldContext& c, FieldOut& o) {
         if (probe(c.pkt, *c.layer)) o.boolean(true);
     }},
    {"arp.src.hw_mac", "Sender MAC address", addr<8, true>},
    {"arp.src.proto_ipv4", "Sender IP address", addr<14, false>},
    {"arp.dst.hw_mac", "Target MAC address", addr<18, true>},
    {"arp.dst.proto_ipv4", "Target IP address", addr<24, false>},
};
const Binding kBindings[] = {{Binding::Ethertype, 0x0806}};

}  // namespace

const DissectorDef arp_dissector = {Proto::Arp, "arp", "ARP", decode, arp_info, kFields, kBindings};

}  // namespace netdx
