// frame.* fields: facts about the captured record rather than a protocol.
#include "dissectors/common.hpp"
#include "dissectors/registry.hpp"

namespace netdx {
bool amqp_protocol_header_only(const Packet& pkt, const Layer& l);  // dissectors/amqp.cpp
}

namespace netdx {

namespace {

// tshark inserts a pseudo-layer "ethertype" after link layers that dispatch on one.
bool dispatches_by_ethertype(Proto p) { return p == Proto::Eth || p == Proto::Vlan || p == Proto::Sll || p == Proto::Sll2; }

void protocols(const FieldContext& c, FieldOut& out) {
    fmt::memory_buffer buf;
    const LayerStack& ls = c.pkt.layers;
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (ls[i].proto == Proto::Raw && c.pkt.linktype != 12 && c.pkt.linktype != 14 && c.pkt.linktype != 101)
            continue;  // tshark shows no layer for DLT_IPV4/DLT_IPV6
        // Several DNS messages in one TCP segment: tshark lists the protocol once.
        if (i > 0 && ls[i].proto == ls[i - 1].proto && ls[i].proto == Proto::Dns) continue;
        // tshark writes the AMQP columns for a protocol header but adds no amqp tree.
        if (ls[i].proto == Proto::Amqp && amqp_protocol_header_only(c.pkt, ls[i])) continue;
        if (buf.size()) buf.push_back(':');
        buf.append(proto_name(ls[i].proto));
        if (dispatches_by_ethertype(ls[i].proto) && i + 1 < ls.size() && ls[i + 1].proto != Proto::Llc)
            buf.append(std::string_view(":ethertype"));
    }
    out.raw(std::string_view(buf.data(), buf.size()));
}

double since(const Timestamp& a, const Timestamp& b) {
    return static_cast<double>(a.sec - b.sec) + (static_cast<double>(a.nsec) - b.nsec) * 1e-9;
}

const FieldDef kFields[] = {
    {"frame.number", "Frame number", [](const FieldContext& c, FieldOut& o) { o.uint(c.pkt.number); }},
    {"frame.len", "Frame length", [](const FieldContext& c, FieldOut& o) { o.uint(c.pkt.wirelen); }},
    {"frame.cap_len", "Capture length", [](const FieldContext& c, FieldOut& o) { o.uint(c.pkt.caplen); }},
    {"frame.protocols", "Protocols in frame", protocols},
    {"frame.interface_id", "Interface id", [](const FieldContext& c, FieldOut& o) {
         if (c.pkt.interface_id != kNoInterface) o.uint(c.pkt.interface_id);
     }},
    {"frame.interface_name", "Interface name", [](const FieldContext& c, FieldOut& o) {
         // tshark names an interface without if_name "unknown".
         if (c.pkt.interface_id == kNoInterface) return;
         if (c.pkt.interface_name.empty())
             o.raw("unknown");
         else
             o.text(c.pkt.interface_name);
     }},
    {"frame.comment", "Comment", [](const FieldContext& c, FieldOut& o) {
         c.pkt.options.each([&](std::uint16_t code, std::string_view v) {
             if (code == kOptComment) o.text(v);
         });
     }},
    {"frame.time_epoch", "Epoch time", [](const FieldContext& c, FieldOut& o) {
         o.raw(fmt::format("{}.{:09}", c.pkt.ts.sec, c.pkt.ts.nsec));
     }},
    {"frame.time_relative", "Time since first frame", [](const FieldContext& c, FieldOut& o) {
         o.fixed(since(c.pkt.ts, c.clock.first), 9);
     }},
    {"frame.time_delta", "Time since previous frame", [](const FieldContext& c, FieldOut& o) {
         o.fixed(since(c.pkt.ts, c.clock.previous), 9);
     }},
};

}  // namespace

std::span<const FieldDef> frame_fields() { return kFields; }

}  // namespace netdx
