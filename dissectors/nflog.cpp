// Linux NFLOG (DLT_NFLOG 239): a 4-byte header (address family, version,
// resource id) then netlink TLVs: length and type in host byte order (little
// endian on the hosts that write these files), value padded to 4 bytes. The
// logged packet is the NFULA_PAYLOAD TLV; the family says IPv4 or IPv6.
#include "dissectors/common.hpp"

namespace netdx {

namespace {

constexpr std::uint16_t kTlvPayload = 9;
constexpr std::uint16_t kTlvPacketHdr = 1;
constexpr std::uint16_t kTypeMask = 0x7fff;  // the top bit is the netlink "nested" flag

std::uint16_t tlv_u16(const std::uint8_t* p, bool little) {
    return little ? static_cast<std::uint16_t>(p[0] | (p[1] << 8)) : load_be16(p);
}

// The TLV byte order: little endian unless the first TLV length only makes
// sense big endian (a capture written on a big-endian host).
bool little_endian(const std::uint8_t* tlvs, std::size_t n) {
    if (n < 4) return true;
    const std::uint16_t le = tlv_u16(tlvs, true);
    const std::uint16_t be = tlv_u16(tlvs, false);
    const bool le_ok = le >= 4 && le <= n;
    const bool be_ok = be >= 4 && be <= n;
    return le_ok || !be_ok;
}

struct Tlv {
    std::uint16_t type = 0;
    std::uint32_t value_off = 0;  // layer-relative
    std::uint32_t value_len = 0;
};

// Finds TLV `want` in the TLV area [4, end) of the layer at `p`; false when
// absent or when a TLV length cannot be right (`bad` set).
bool find_tlv(const std::uint8_t* p, std::size_t end, std::uint16_t want, Tlv& out, bool& bad) {
    bad = false;
    const bool little = little_endian(p + 4, end > 4 ? end - 4 : 0);
    std::size_t off = 4;
    while (off + 4 <= end) {
        const std::uint16_t len = tlv_u16(p + off, little);
        const std::uint16_t type = tlv_u16(p + off + 2, little) & kTypeMask;
        if (len < 4 || off + len > end) { bad = true; return false; }
        if (type == want) {
            out = {type, static_cast<std::uint32_t>(off + 4), static_cast<std::uint32_t>(len - 4)};
            return true;
        }
        off += (len + 3u) & ~3u;
    }
    return false;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint8_t family = c.u8();
    c.skip(3);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("NFLOG header shorter than 4 bytes");
        return Proto::None;
    }
    Tlv payload;
    bool bad = false;
    const std::uint8_t* p = c.here() - 4;
    if (!find_tlv(p, c.size(), kTlvPayload, payload, bad)) {
        layer.length = static_cast<std::uint32_t>(c.size());
        if (bad) layer.mark_malformed("NFLOG TLV length out of bounds");
        return Proto::None;
    }
    layer.length = payload.value_off;
    // The payload TLV's length bounds the logged packet, not the capture end.
    pkt.limit = std::min<std::uint32_t>(pkt.limit, layer.offset + payload.value_off + payload.value_len);
    if (payload.value_len == 0) return Proto::None;
    switch (family) {
        case 2: return Proto::Ipv4;
        case 10: return Proto::Ipv6;
        default: return Proto::Data;
    }
}

void tlv_field_hw_protocol(const FieldContext& c, FieldOut& out) {
    const Layer& l = *c.layer;
    if (!has_at(c.pkt, l, 0, 4)) return;
    const std::size_t end = c.pkt.bytes.size() - l.offset;
    Tlv t;
    bool bad = false;
    if (find_tlv(at(c.pkt, l, 0), end, kTlvPacketHdr, t, bad) && t.value_len >= 3)
        out.hex(load_be16(at(c.pkt, l, t.value_off)), 4);  // network order inside the value
}

void tlv_field_hook(const FieldContext& c, FieldOut& out) {
    const Layer& l = *c.layer;
    if (!has_at(c.pkt, l, 0, 4)) return;
    const std::size_t end = c.pkt.bytes.size() - l.offset;
    Tlv t;
    bool bad = false;
    if (find_tlv(at(c.pkt, l, 0), end, kTlvPacketHdr, t, bad) && t.value_len >= 3)
        out.uint(*at(c.pkt, l, t.value_off + 2));
}

void nflog_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (has_at(pkt, l, 0, 4)) info(out, "NFLOG family {} resource {}", *at(pkt, l, 0), load_be16(at(pkt, l, 2)));
}

const FieldDef kFields[] = {
    {"nflog.family", "Family", field_uint<0, 1>},
    {"nflog.version", "Version", field_uint<1, 1>},
    {"nflog.res_id", "Resource id", field_uint<2, 2>},
    {"nflog.protocol", "HW protocol", tlv_field_hw_protocol},
    {"nflog.hook", "Netfilter hook", tlv_field_hook},
};
const Binding kBindings[] = {{Binding::LinkType, 239}};

}  // namespace

const DissectorDef nflog_dissector = {Proto::Nflog, "nflog", "NFLOG", decode, nflog_info, kFields, kBindings};

}  // namespace netdx
