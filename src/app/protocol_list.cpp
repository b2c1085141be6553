#include "app/protocol_list.hpp"

namespace netdx {

// Defined in src/app/<proto>.cpp.
extern const AppProtocol kHttpProtocol;
extern const AppProtocol kTlsProtocol;
extern const AppProtocol kSshProtocol;
extern const AppProtocol kSmtpProtocol;
extern const AppProtocol kFtpProtocol;
extern const AppProtocol kTelnetProtocol;
extern const AppProtocol kPop3Protocol;
extern const AppProtocol kImapProtocol;
extern const AppProtocol kRedisProtocol;
extern const AppProtocol kMemcacheProtocol;
extern const AppProtocol kMqttProtocol;
extern const AppProtocol kAmqpProtocol;
extern const AppProtocol kRpcProtocol;

namespace {

// Ports: tshark 4.0's defaults (`tshark -G decodes`), less those another of
// its dissectors takes first (IPP 631, SSDP 1900, DAAP 3689 for HTTP), plus a
// few where tshark's enabled-by-default heuristics find the protocol anyway
// (HTTP 8000 and 8008, TLS 8443) and SMTP's 2525. HTTP on any other port is
// found by its content (dissectors/decode.cpp, app_registry.cpp); `-d` binds
// more.
const ProtocolDecl kProtocols[] = {
    {Proto::Http, {80, 3128, 3132, 5985, 8000, 8008, 8080, 8088, 11371}, {}, &kHttpProtocol},
    {Proto::Tls, {443, 465, 636, 853, 993, 995, 2443, 5061, 5671, 8443, 8883}, {}, &kTlsProtocol},
    {Proto::Ssh, {22}, {}, &kSshProtocol},
    {Proto::Smtp, {25, 587, 2525}, {}, &kSmtpProtocol},
    {Proto::Ftp, {21}, {}, &kFtpProtocol},
    {Proto::Telnet, {23}, {}, &kTelnetProtocol},
    {Proto::Pop3, {110}, {}, &kPop3Protocol},
    {Proto::Imap, {143}, {}, &kImapProtocol},
    {Proto::Resp, {6379}, {}, &kRedisProtocol},
    {Proto::Memcache, {11211}, {}, &kMemcacheProtocol},
    {Proto::Mqtt, {1883}, {}, &kMqttProtocol},
    {Proto::Amqp, {5672}, {}, &kAmqpProtocol},
    // ONC RPC: portmapper/rpcbind and NFS (tshark also finds it by heuristics
    // elsewhere); UDP datagrams are read by the pipeline's RpcUdpTracker.
    {Proto::Rpc, {111, 2049}, {111, 2049}, &kRpcProtocol},
    // Read by the pipeline's own trackers (src/dns/), not by a stream consumer.
    {Proto::Dns, {53}, {53}, nullptr},
    {Proto::Mdns, {}, {5353}, nullptr},
    {Proto::Llmnr, {}, {5355}, nullptr},
    {Proto::Dhcp, {}, {67, 68}, nullptr},
    {Proto::Dhcpv6, {}, {546, 547}, nullptr},
};

}  // namespace

std::span<const ProtocolDecl> protocol_list() { return kProtocols; }

const ProtocolDecl* protocol_decl(Proto view) {
    for (const ProtocolDecl& d : kProtocols)
        if (d.view == view) return &d;
    return nullptr;
}

}  // namespace netdx
