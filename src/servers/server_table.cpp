#include "servers/server_table.hpp"

#include <algorithm>

#include "app/app_stream.hpp"
#include "events/cache_events.hpp"
#include "events/dns_events.hpp"
#include "events/event_bus.hpp"
#include "events/flow_events.hpp"
#include "events/http_events.hpp"
#include "events/smtp_events.hpp"
#include "events/webrpc_events.hpp"

namespace netdx {

std::size_t ServerKeyHash::operator()(const ServerKey& k) const {
    std::uint64_t h = 1469598103934665603ull;
    for (std::uint8_t b : k.ip.bytes) h = (h ^ b) * 1099511628211ull;
    h = (h ^ k.port) * 1099511628211ull;
    h = (h ^ k.ip_proto) * 1099511628211ull;
    return static_cast<std::size_t>(h);
}

std::uint64_t ServerStats::error_total() const {
    std::uint64_t n = 0;
    for (const ErrorCount& e : errors) n += e.count;
    return n;
}

double ServerStats::request_rate() const {
    if (requests < 2 || !(last_request > first_request)) return -1;
    return static_cast<double>(requests) / (last_request - first_request);
}

void ServerTable::subscribe(EventBus& bus) {
    bus.subscribe<&ServerTable::on_http>(this);
    bus.subscribe<&ServerTable::on_dns>(this);
    bus.subscribe<&ServerTable::on_smtp>(this);
    bus.subscribe<&ServerTable::on_cache>(this);
    bus.subscribe<&ServerTable::on_webrpc>(this);
    bus.subscribe<&ServerTable::on_flow>(this);
}

void ServerTable::set_origin(double ts) {
    origin_ = ts;
    has_origin_ = true;
}

namespace {

// The service a port names when no transaction has (tshark's protocol names
// for the two caches are resp and memcache; the view says redis and memcached,
// as their transactions do).
std::string port_service(std::uint16_t port, std::uint8_t ip_proto) {
    if (ip_proto == 17) return port == 53 ? "dns" : "udp";
    const AppProtocol* p = app_protocol_for_port(port);
    if (!p) return port == 53 ? "dns" : "tcp";
    const std::string_view n = p->name;
    if (n == "resp") return "redis";
    if (n == "memcache") return "memcached";
    return std::string(n);
}

// The refused server as an address-sized value for the distinct counter: an
// IPv4 server's address, port and transport fit exactly; an IPv6 one's are folded.
IpAddress key_token(const ServerKey& k) {
    IpAddress t;
    t.family = 6;
    t.bytes = k.ip.bytes;
    t.bytes[12] ^= static_cast<std::uint8_t>(k.port >> 8);
    t.bytes[13] ^= static_cast<std::uint8_t>(k.port);
    t.bytes[14] ^= k.ip_proto;
    t.bytes[15] ^= k.ip.family;
    return t;
}

const char* rcode_mnemonic(std::uint16_t rcode) {
    static const char* const kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
                                         "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
    if (rcode < sizeof kNames / sizeof kNames[0]) return kNames[rcode];
    return rcode == 16 ? "BADVERS" : "RCODE-other";
}

bool unicast(const IpAddress& a) {
    if (a.family == 4) return a.bytes[0] < 224 && a.bytes[3] != 255;  // not multicast, not a /24-style broadcast
    return a.family == 6 && a.bytes[0] != 0xff;
}

const char* status_class(int code) {
    if (code >= 500 && code < 600) return "5xx";
    if (code >= 400 && code < 500) return "4xx";
    return nullptr;
}

}  // namespace

ServerStats* ServerTable::find(const ServerKey& k, const char* service, bool from_data, double ts) {
    if (auto it = index_.find(k); it != index_.end()) {
        ServerStats& s = *servers_[it->second];
        if (from_data && !s.service_from_data) {
            s.service = service;
            s.service_from_data = true;
        }
        return &s;
    }
    if (servers_.size() >= max_servers_) {
        ++dropped_events_;
        dropped_.add(key_token(k));
        return nullptr;
    }
    if (!has_origin_) set_origin(ts);
    auto s = std::make_unique<ServerStats>(k, origin_);
    s->service = service ? std::string(service) : port_service(k.port, k.ip_proto);
    s->service_from_data = from_data;
    index_.emplace(k, servers_.size());
    servers_.push_back(std::move(s));
    return servers_.back().get();
}

void ServerTable::add_error(ServerStats& s, std::string_view kind) {
    for (ErrorCount& e : s.errors)
        if (e.kind == kind) return void(++e.count);
    if (s.errors.size() + 1 < kMaxErrorKinds) return s.errors.push_back({std::string(kind), 1});
    // The last slot gathers every further kind.
    if (s.errors.size() + 1 == kMaxErrorKinds) s.errors.push_back({"other", 0});
    ++s.errors.back().count;
}

void ServerTable::add_request(ServerStats& s, double req_ts, double latency, bool answered, FrameRef answer) {
    ++s.requests;
    if (answered) ++s.responses;
    if (latency >= 0) {
        s.latency.add(latency);
        auto faster = [](const auto& a, const auto& b) { return a.first > b.first; };  // a min-heap of the slowest
        if (s.slowest.size() < ServerStats::kSlowest) {
            s.slowest.emplace_back(latency, answer);
            std::push_heap(s.slowest.begin(), s.slowest.end(), faster);
        } else if (latency > s.slowest.front().first) {
            std::pop_heap(s.slowest.begin(), s.slowest.end(), faster);
            s.slowest.back() = {latency, answer};
            std::push_heap(s.slowest.begin(), s.slowest.end(), faster);
        }
    }
    if (s.first_request < 0 || req_ts < s.first_request) s.first_request = req_ts;
    if (req_ts > s.last_request) s.last_request = req_ts;
    s.timeline.add_request(req_ts, latency);
}

void ServerTable::on_http(const HttpTransaction& t) {
    const bool request = t.has_request && (t.end == HttpEnd::Answered || t.end == HttpEnd::Unanswered);
    if (!request && !(t.has_response && t.end == HttpEnd::Orphan)) return;  // parse trouble: no figures
    ServerStats* s = find({t.server, t.server_port, 6}, "http", true, request ? t.request_ts : t.ts);
    if (!s) return;
    s->clients.add(t.client);
    if (request) add_request(*s, t.request_ts, t.has_response ? t.latency : -1, t.has_response, t.response_frame);
    else ++s->responses;
    if (t.has_response) {
        if (const char* c = status_class(t.status)) add_error(*s, c);
    } else if (t.end == HttpEnd::Unanswered && !t.at_capture_end) {
        add_error(*s, "unanswered");
    }
}

// The HTTP transaction carrying the call counted its request and latency;
// the call names the service and adds the failures HTTP's 200 hides.
void ServerTable::on_webrpc(const WebRpcCall& c) {
    const auto it = index_.find({c.server, c.server_port, 6});
    if (it == index_.end()) return;
    ServerStats& s = *servers_[it->second];
    s.service = c.kind == WebRpcKind::XmlRpc ? "xmlrpc" : "jsonrpc";
    if (c.outcome != WebRpcOutcome::Fault) return;
    add_error(s, c.has_code ? "fault " + std::to_string(c.code) : std::string("fault"));
}

void ServerTable::on_dns(const DnsTransaction& t) {
    // Multicast name services have no one server.
    if (t.mdns || t.llmnr || !t.has_query || t.end == DnsEnd::Evicted) return;
    const std::uint8_t proto = t.transport == DnsTransport::Tcp ? 6 : 17;
    ServerStats* s = find({t.server, t.server_port, proto}, "dns", true, t.query_ts.seconds());
    if (!s) return;
    s->clients.add(t.client);
    add_request(*s, t.query_ts.seconds(), t.has_response ? t.latency : -1, t.has_response,
                FrameRef{t.file, t.response_frame});
    if (t.has_response) {
        if (t.rcode != 0) add_error(*s, rcode_mnemonic(t.rcode));
    } else if (t.end == DnsEnd::Timeout) {
        add_error(*s, "unanswered");
    }
}

void ServerTable::on_smtp(const SmtpTransaction& t) {
    ServerStats* s = find({t.server, t.server_port, 6}, "smtp", true, t.command_ts > 0 ? t.command_ts : t.ts);
    if (!s) return;
    s->clients.add(t.client);
    const bool answered = t.reply_code != 0;
    if (t.command != SmtpCommand::None) {
        add_request(*s, t.command_ts, answered ? std::max(0.0, t.ts - t.command_ts) : -1, answered, t.where);
        if (!answered) add_error(*s, "unanswered");
    } else if (answered) {
        ++s->responses;  // the greeting
    }
    if (answered) {
        if (const char* c = status_class(t.reply_code)) add_error(*s, c);
    }
}

void ServerTable::on_cache(const CacheTransaction& t) {
    const bool redis = t.proto == CacheProto::Redis;
    ServerStats* s = find({t.server, t.server_port, 6}, redis ? "redis" : "memcached", true, t.request_ts);
    if (!s) return;
    s->clients.add(t.client);
    const bool answered = t.reply != CacheReply::Unanswered;
    add_request(*s, t.request_ts, answered ? t.latency : -1, answered, t.reply_frame);
    if (t.reply == CacheReply::Error) add_error(*s, t.error_kind.empty() ? "error" : t.error_kind);
    else if (!answered && !t.at_capture_end) add_error(*s, "unanswered");
}

void ServerTable::on_flow(const FlowEnded& f) {
    if (f.ip_proto != 6 && f.ip_proto != 17) return;
    if (f.orig.family == 0 || f.resp.family == 0) return;
    // The responder serves, unless the capture missed the start and the
    // originator sits on a well-known port while the responder does not.
    const bool swap = !f.syn_seen && f.orig_port < 1024 && f.resp_port >= 1024;
    const IpAddress& server = swap ? f.orig : f.resp;
    const IpAddress& client = swap ? f.resp : f.orig;
    const std::uint16_t port = swap ? f.orig_port : f.resp_port;
    const std::uint64_t to_server = swap ? f.resp_bytes : f.orig_bytes;
    const std::uint64_t from_server = swap ? f.orig_bytes : f.resp_bytes;
    const std::uint64_t server_packets = swap ? f.orig_packets : f.resp_packets;

    const bool refused = f.ip_proto == 6 && f.end == FlowEndKind::Rejected;
    // The server took part: a TCP connection was up, or it answered datagrams.
    const bool counts = f.ip_proto == 6 ? f.established : server_packets > 0;
    const ServerKey key{server, port, f.ip_proto};
    ServerStats* s = nullptr;
    if (!counts && !refused) {
        // Nothing came back (a SYN unanswered, datagrams one way): that is
        // the record of a server known from its transactions, or one on a
        // well-known UDP port (a resolver that never answers); else no server
        // to speak of (broadcasts, streams, scans).
        auto it = index_.find(key);
        if (it != index_.end()) s = servers_[it->second].get();
        else if (f.ip_proto == 17 && port < 1024 && unicast(server)) s = find(key, nullptr, false, f.first_ts);
        if (!s) return;
        s->clients.add(client);
        s->bytes_in += to_server;
        if (f.ip_proto == 6 && f.end == FlowEndKind::NoAnswer) add_error(*s, "no answer");
        return;
    }
    s = find(key, nullptr, false, f.first_ts);
    if (!s) return;
    s->clients.add(client);
    s->bytes_in += to_server;
    s->bytes_out += from_server;
    if (refused) return add_error(*s, "refused");
    ++s->connections;
    s->timeline.add_interval(f.first_ts, f.last_ts);
    if (f.end == FlowEndKind::Rst) add_error(*s, "reset");
}

}  // namespace netdx
