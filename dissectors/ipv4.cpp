// IPv4 (RFC 791): header checksum verified, options walked, fragments flagged.
#include "dissectors/common.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

namespace {

std::uint16_t header_checksum(const std::uint8_t* p, std::size_t len) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < len; i += 2) sum += load_be16(p + i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

// Options are TLVs except EOL (0) and NOP (1); a length that does not fit is malformed.
bool options_valid(const std::uint8_t* p, std::size_t len) {
    std::size_t i = 0;
    while (i < len) {
        const std::uint8_t type = p[i];
        if (type == 0) return true;
        if (type == 1) { ++i; continue; }
        if (i + 1 >= len) return false;
        const std::uint8_t olen = p[i + 1];
        if (olen < 2 || i + olen > len) return false;
        i += olen;
    }
    return true;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint8_t* start = c.here();
    const std::uint8_t vihl = c.u8();
    c.skip(1);
    const std::uint16_t total = c.be16();
    c.skip(2);
    const std::uint16_t frag = c.be16();
    const std::uint8_t ttl = c.u8();
    const std::uint8_t proto = c.u8();
    c.skip(2);
    const Bytes src = c.take(4);
    const Bytes dst = c.take(4);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("IPv4 header cut before 20 bytes");
        return Proto::None;
    }
    const std::size_t ihl = (vihl & 0x0f) * 4u;
    if ((vihl >> 4) != 4) layer.mark_malformed("IP version is not 4");
    if (ihl < 20) {
        layer.length = 20;
        layer.mark_malformed("IPv4 header length below 20 bytes");
        return Proto::None;
    }
    if (!c.has(ihl - 20)) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("IPv4 options cut short");
        return Proto::None;
    }
    layer.length = static_cast<std::uint32_t>(ihl);
    if (!options_valid(start + 20, ihl - 20)) layer.mark_malformed("bad IPv4 option length");
    if (header_checksum(start, ihl) != 0) layer.flags |= kLayerChecksumBad;
    if (total < ihl) layer.mark_malformed("IPv4 total length smaller than its header");
    else pkt.limit = std::min<std::uint32_t>(pkt.limit, layer.offset + total);

    const bool more = frag & 0x2000;
    const std::uint16_t offset = frag & 0x1fff;
    if (!layer.quoted && pkt.net.src.family == 0) {
        pkt.net.src = IpAddress::v4(src.data());
        pkt.net.dst = IpAddress::v4(dst.data());
        pkt.net.ip_proto = proto;
        pkt.net.ttl = ttl;
        pkt.net.fragment = more || offset != 0;
    }
    if (more || offset != 0) {
        // Reassembly is the flow layer's job; the pieces are shown as data.
        layer.flags |= kLayerFragment;
        return Proto::Data;
    }
    return Registry::get().for_ip_proto(proto);
}

void ip_addr(const FieldContext& c, FieldOut& out) {
    field_ipv4<12>(c, out);
    field_ipv4<16>(c, out);
}

void checksum_status(const FieldContext& c, FieldOut& out) {
    out.uint(c.layer->flags & kLayerChecksumBad ? 0 : 1);  // Wireshark values: 0 bad, 1 good (netdx always verifies)
}

void ipv4_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!has_at(pkt, l, 0, 20)) return;
    const std::uint8_t* p = at(pkt, l, 0);
    const std::uint16_t frag = load_be16(p + 6);
    if (l.flags & kLayerFragment)
        info(out, "Fragmented IP protocol (proto={}, off={}, ID={:04x})", p[9], (frag & 0x1fff) * 8,
             load_be16(p + 4));
}

const FieldDef kFields[] = {
    {"ip.version", "Version", field_uint<0, 1, 0xf0, 4>},
    {"ip.hdr_len", "Header length", [](const FieldContext& c, FieldOut& o) {
         if (has_at(c.pkt, *c.layer, 0, 1)) o.uint((*at(c.pkt, *c.layer, 0) & 0x0f) * 4u);
     }},
    {"ip.dsfield", "Differentiated services field", field_hex<1, 1, 2>},
    {"ip.dsfield.dscp", "DSCP", field_uint<1, 1, 0xfc, 2>},
    {"ip.dsfield.ecn", "ECN", field_uint<1, 1, 0x03>},
    {"ip.len", "Total length", field_uint<2, 2>},
    {"ip.id", "Identification", field_hex<4, 2, 4>},
    {"ip.flags", "Flags", field_hex<6, 1, 2, 0xe0, 5>},
    {"ip.flags.rb", "Reserved bit", field_uint<6, 1, 0x80, 7>},
    {"ip.flags.df", "Don't fragment", field_uint<6, 1, 0x40, 6>},
    {"ip.flags.mf", "More fragments", field_uint<6, 1, 0x20, 5>},
    // tshark 4.0 prints the offset in 8-byte units (the info column shows bytes).
    {"ip.frag_offset", "Fragment offset (8-byte units)", field_uint<6, 2, 0x1fff>},
    {"ip.ttl", "Time to live", field_uint<8, 1>},
    {"ip.proto", "Protocol", field_uint<9, 1>},
    {"ip.checksum", "Header checksum", field_hex<10, 2, 4>},
    {"ip.checksum.status", "Header checksum status", checksum_status},
    {"ip.src", "Source address", field_ipv4<12>},
    {"ip.dst", "Destination address", field_ipv4<16>},
    {"ip.addr", "Address", ip_addr},
};
const Binding kBindings[] = {{Binding::Ethertype, 0x0800}, {Binding::IpProto, 4}};

}  // namespace

const DissectorDef ipv4_dissector = {Proto::Ipv4, "ip", "IPv4", decode, ipv4_info, kFields, kBindings};

}  // namespace netdx
