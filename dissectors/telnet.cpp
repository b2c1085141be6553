// Telnet (RFC 854) for the packet view: "Telnet Data ..." as tshark shows it.
// No field shows the data itself: what a client types may be a password.
#include "dissectors/common.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

void telnet_info(const Packet&, const Layer&, fmt::memory_buffer& out) { info(out, "Telnet Data ..."); }

void f_len(const FieldContext& c, FieldOut& out) { out.uint(c.layer->length); }

const FieldDef kFields[] = {{"netdx.telnet.len", "Telnet bytes (data and option negotiation)", f_len}};

}  // namespace

const DissectorDef telnet_dissector = {Proto::Telnet, "telnet", "TELNET", decode, telnet_info, kFields, {}};

}  // namespace netdx
