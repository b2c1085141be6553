#include <algorithm>
#include <string>

#include "app/app_stream.hpp"
#include "app/protocol_list.hpp"
#include "dissectors/registry.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

IpAddress side_address(const FlowKey& k, Side s) {
    const auto& b = s == Side::A ? k.a : k.b;
    return k.family == 4 ? IpAddress::v4(b.data()) : IpAddress::v6(b.data());
}

AppEndpoints endpoints(const FlowKey& k, Side orig, std::uint64_t flow_id, Side server) {
    const Side client = server == Side::A ? Side::B : Side::A;
    AppEndpoints ep;
    ep.flow_id = flow_id;
    ep.client = side_address(k, client);
    ep.server = side_address(k, server);
    ep.client_port = client == Side::A ? k.port_a : k.port_b;
    ep.server_port = server == Side::A ? k.port_a : k.port_b;
    ep.client_dir = client == orig ? 0 : 1;
    return ep;
}

// A flow on ports no protocol is bound to: the first bytes either side sends
// are offered to every protocol's probe, taking that side as the client; the
// first that accepts gets the flow, those bytes included. Nothing accepting
// the first bytes, the flow is not read (the probe is not asked again, as
// tshark's heuristics pin a conversation on its first match).
class ProbingConsumer final : public StreamConsumer {
public:
    ProbingConsumer(const Flow& flow, AppContext ctx) : ctx_(ctx), flow_id_(flow.id), key_(flow.key), orig_(flow.orig) {}

    void on_data(int dir, Bytes data) override {
        if (inner_) return inner_->on_data(dir, data);
        if (decided_ || data.empty()) return;
        decided_ = true;
        for (const ProtocolDecl& d : protocol_list()) {
            const AppProtocol* p = d.analysis;
            if (p == nullptr || p->probe == nullptr || !p->probe(data)) continue;
            const Side client = dir == 0 ? orig_ : (orig_ == Side::A ? Side::B : Side::A);
            inner_ = p->make(endpoints(key_, orig_, flow_id_, client == Side::A ? Side::B : Side::A), ctx_);
            if (inner_) inner_->on_data(dir, data);
            return;
        }
    }
    void on_gap(int dir, std::uint64_t len) override {
        if (inner_) inner_->on_gap(dir, len);
    }
    void on_close(EndReason why) override {
        if (inner_) inner_->on_close(why);
    }

private:
    AppContext ctx_;
    std::uint64_t flow_id_;
    FlowKey key_;
    Side orig_;
    std::unique_ptr<StreamConsumer> inner_;
    bool decided_ = false;
};

}  // namespace

const AppProtocol* app_protocol_for_port(std::uint16_t port) {
    if (port == 0) return nullptr;
    const ProtocolDecl* d = protocol_decl(Registry::get().for_tcp_port(port));
    return d ? d->analysis : nullptr;
}

std::unique_ptr<StreamConsumer> make_app_consumer(const Flow& flow, AppContext ctx) {
    const FlowKey& k = flow.key;
    if ((k.family != 4 && k.family != 6) || k.proto != 6) return nullptr;
    const Side orig = flow.orig;
    const Side resp = orig == Side::A ? Side::B : Side::A;
    const std::uint16_t orig_port = orig == Side::A ? k.port_a : k.port_b;
    const std::uint16_t resp_port = orig == Side::A ? k.port_b : k.port_a;

    // A port bound to a protocol without a stream consumer (DNS) is read by
    // the pipeline's own trackers: no probing there.
    const Proto resp_bound = Registry::get().for_tcp_port(resp_port);
    const Proto orig_bound = Registry::get().for_tcp_port(orig_port);
    const AppProtocol* proto = app_protocol_for_port(resp_port);
    Side server = resp;
    if (!proto) {
        proto = app_protocol_for_port(orig_port);
        server = orig;
    }
    if (proto) return proto->make(endpoints(k, flow.orig, flow.id, server), ctx);
    if (resp_bound != Proto::None || orig_bound != Proto::None) return nullptr;
    return std::make_unique<ProbingConsumer>(flow, ctx);
}

}  // namespace netdx
