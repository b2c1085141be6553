#include "app/app_stream.hpp"

#include "flow/flow.hpp"

namespace netdx {

extern const AppProtocol kHttpProtocol;
extern const AppProtocol kTlsProtocol;
extern const AppProtocol kSshProtocol;

// One line per application protocol (defined in src/app/<proto>.cpp).
extern const AppProtocol kSmtpProtocol;
extern const AppProtocol kFtpProtocol;
extern const AppProtocol kTelnetProtocol;
extern const AppProtocol kPop3Protocol;
extern const AppProtocol kImapProtocol;

namespace {
const AppProtocol* const kProtocols[] = {
    &kSmtpProtocol,
    &kFtpProtocol,
    &kTelnetProtocol,
    &kPop3Protocol,
    &kImapProtocol,
    &kHttpProtocol,
    &kTlsProtocol,
    &kSshProtocol,
    nullptr,  // end
};

IpAddress side_address(const FlowKey& k, Side s) {
    const auto& b = s == Side::A ? k.a : k.b;
    return k.family == 4 ? IpAddress::v4(b.data()) : IpAddress::v6(b.data());
}
}  // namespace

const AppProtocol* app_protocol_for_port(std::uint16_t port) {
    if (port == 0) return nullptr;
    for (const AppProtocol* p : kProtocols) {
        if (!p) break;
        for (std::uint16_t q : p->ports) {
            if (q == 0) break;
            if (q == port) return p;
        }
    }
    return nullptr;
}

std::unique_ptr<StreamConsumer> make_app_consumer(const Flow& flow, AppContext ctx) {
    const FlowKey& k = flow.key;
    if ((k.family != 4 && k.family != 6) || k.proto != 6) return nullptr;
    const Side orig = flow.orig;
    const Side resp = orig == Side::A ? Side::B : Side::A;
    const std::uint16_t orig_port = orig == Side::A ? k.port_a : k.port_b;
    const std::uint16_t resp_port = orig == Side::A ? k.port_b : k.port_a;

    AppEndpoints ep;
    ep.flow_id = flow.id;
    const AppProtocol* proto = app_protocol_for_port(resp_port);
    Side server = resp;
    if (!proto) {
        proto = app_protocol_for_port(orig_port);
        server = orig;
    }
    if (!proto) return nullptr;
    const Side client = server == Side::A ? Side::B : Side::A;
    ep.client = side_address(k, client);
    ep.server = side_address(k, server);
    ep.client_port = client == Side::A ? k.port_a : k.port_b;
    ep.server_port = server == Side::A ? k.port_a : k.port_b;
    ep.client_dir = client == orig ? 0 : 1;
    return proto->make(ep, ctx);
}

}  // namespace netdx
