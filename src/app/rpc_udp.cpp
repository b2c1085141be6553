#include "app/rpc_udp.hpp"

#include "dissectors/registry.hpp"

namespace netdx {

void RpcUdpTracker::on_packet(const Packet& pkt, const AppClock& clock) {
    last_ts_ = clock.ts;
    pairing_.expire(clock.ts, kMaxWait);
    const NetSummary& n = pkt.net;
    if (n.ip_proto != 17 || !n.has_ports || n.fragment) return;
    const Registry& reg = Registry::get();
    const bool to_server = reg.for_udp_port(n.dst_port) == Proto::Rpc;
    if (!to_server && reg.for_udp_port(n.src_port) != Proto::Rpc) return;
    if (n.payload_offset + n.payload_length > pkt.bytes.size()) return;
    const std::string_view payload(reinterpret_cast<const char*>(pkt.bytes.data()) + n.payload_offset,
                                   n.payload_length);
    const RpcHeader h = rpc_header(payload);
    if (!h.valid) return;
    // A call goes to the server; a reply comes from it, whichever port is RPC's.
    const bool from_client = h.msg_type == kRpcCall;
    AppEndpoints ep;
    ep.client = from_client ? n.src : n.dst;
    ep.server = from_client ? n.dst : n.src;
    ep.client_port = from_client ? n.src_port : n.dst_port;
    ep.server_port = from_client ? n.dst_port : n.src_port;
    pairing_.message(h, ep, false, clock);
}

}  // namespace netdx
