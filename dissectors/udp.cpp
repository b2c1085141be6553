// UDP (RFC 768).
#include <algorithm>

#include "dissectors/common.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint16_t sport = c.be16();
    const std::uint16_t dport = c.be16();
    const std::uint16_t len = c.be16();
    c.skip(2);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("UDP header cut before 8 bytes");
        if (c.size() >= 4 && !layer.quoted && !pkt.net.has_ports) {
            pkt.net.has_ports = true;
            pkt.net.src_port = sport;
            pkt.net.dst_port = dport;
        }
        return Proto::None;
    }
    layer.length = 8;
    if (len < 8) layer.mark_malformed("UDP length below 8");
    else pkt.limit = std::min<std::uint32_t>(pkt.limit, layer.offset + len);
    if (!layer.quoted && !pkt.net.has_ports) {
        pkt.net.has_ports = true;
        pkt.net.src_port = sport;
        pkt.net.dst_port = dport;
        pkt.net.l4_layer = static_cast<std::int8_t>(&layer - pkt.layers.begin());
        pkt.net.payload_offset = layer.offset + 8;
        const std::uint32_t end = std::min<std::uint32_t>(pkt.limit, static_cast<std::uint32_t>(pkt.bytes.size()));
        pkt.net.payload_length = end > pkt.net.payload_offset ? end - pkt.net.payload_offset : 0;
    }
    if (c.remaining() == 0) return Proto::None;
    // Like Wireshark, the lower port is tried first.
    const Registry& reg = Registry::get();
    const std::uint16_t low = std::min(sport, dport), high = std::max(sport, dport);
    Proto app = reg.for_udp_port(low);
    if (app == Proto::None) app = reg.for_udp_port(high);
    return app == Proto::None ? Proto::Data : app;
}

void udp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!has_at(pkt, l, 0, 4)) return;
    const std::uint8_t* p = at(pkt, l, 0);
    info(out, "{} → {}", load_be16(p), load_be16(p + 2));
    if (has_at(pkt, l, 4, 2)) info(out, " Len={}", load_be16(p + 4) >= 8 ? load_be16(p + 4) - 8 : 0);
}

void udp_port(const FieldContext& c, FieldOut& out) {
    field_uint<0, 2>(c, out);
    field_uint<2, 2>(c, out);
}

const FieldDef kFields[] = {
    {"udp.srcport", "Source port", field_uint<0, 2>},
    {"udp.dstport", "Destination port", field_uint<2, 2>},
    {"udp.port", "Port", udp_port},
    {"udp.length", "Length", field_uint<4, 2>},
    {"udp.checksum", "Checksum", field_hex<6, 2, 4>},
};
const Binding kBindings[] = {{Binding::IpProto, 17}};

}  // namespace

const DissectorDef udp_dissector = {Proto::Udp, "udp", "UDP", decode, udp_info, kFields, kBindings};

}  // namespace netdx
