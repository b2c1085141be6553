#pragma once
// Builders for synthetic event sequences fed straight into the rules engine.
#include <algorithm>
#include <string>
#include <vector>

#include "events/conn_events.hpp"
#include "events/dhcp_events.hpp"
#include "events/dns_events.hpp"
#include "events/packet_events.hpp"
#include "events/tcp_events.hpp"
#include "rules/engine.hpp"
#include "rules/format.hpp"

namespace rt {

using namespace netdx;

inline IpAddress ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                                   static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d)};
    return IpAddress::v4(bytes);
}
inline IpAddress lan(unsigned d) { return ip4(10, 9, 0, d); }
inline MacAddress mac(std::uint8_t last) { return {0x02, 0, 0, 0, 0, last}; }

inline ArpObservation arp(ArpObservation::Op op, MacAddress smac, IpAddress sip, IpAddress tip, double ts,
                          std::uint64_t frame) {
    ArpObservation e;
    e.where = {0, frame};
    e.ts = ts;
    e.op = op;
    e.sender_mac = smac;
    e.eth_src = smac;
    e.sender_ip = sip;
    e.target_ip = tip;
    e.probe = is_zero_ip(sip);
    e.gratuitous = !e.probe && sip == tip;
    return e;
}

inline ConnAttempt conn(IpAddress c, IpAddress s, std::uint16_t port, ConnAttempt::Outcome o, double ts,
                        std::uint64_t frame, double rtt = 0.001) {
    ConnAttempt a;
    a.client = c;
    a.server = s;
    a.client_port = static_cast<std::uint16_t>(40000 + frame % 20000);
    a.server_port = port;
    a.outcome = o;
    a.syn_ts = ts;
    a.ts = ts + rtt;
    a.syn_frame = {0, frame};
    a.where = {0, frame + 1};
    if (o == ConnAttempt::Outcome::Established) a.rtt = rtt;
    return a;
}

inline SynSeen syn(IpAddress src, IpAddress dst, std::uint16_t port, double ts, std::uint64_t frame) {
    SynSeen s;
    s.src = src;
    s.dst = dst;
    s.src_port = 50000;
    s.dst_port = port;
    s.ts = ts;
    s.where = {0, frame};
    return s;
}

inline DnsTransaction dns(IpAddress client, IpAddress server, std::string name, double ts, std::uint64_t frame,
                          int rcode, double latency) {
    DnsTransaction t;
    t.client = client;
    t.server = server;
    t.client_port = 40000;
    t.server_port = 53;
    t.qname = std::move(name);
    t.has_query = true;
    t.query_frame = frame;
    t.query_ts.sec = static_cast<std::int64_t>(ts);
    t.query_ts.nsec = static_cast<std::uint32_t>((ts - static_cast<double>(t.query_ts.sec)) * 1e9);
    if (rcode < 0) {
        t.end = DnsEnd::Timeout;
        return t;
    }
    t.end = DnsEnd::Answered;
    t.has_response = true;
    t.response_frame = frame + 1;
    const double rts = ts + latency;
    t.response_ts.sec = static_cast<std::int64_t>(rts);
    t.response_ts.nsec = static_cast<std::uint32_t>((rts - static_cast<double>(t.response_ts.sec)) * 1e9);
    t.latency = latency;
    t.rcode = static_cast<std::uint16_t>(rcode);
    return t;
}

// Runs the engine with `sets` applied and returns the findings.
struct Run {
    RuleConfig config;
    std::unique_ptr<Engine> engine;
    explicit Run(std::vector<std::string> sets = {}) {
        for (auto& s : sets) {
            std::string err = config.apply_set(s);
            if (!err.empty()) throw std::runtime_error(err);
        }
        engine = std::make_unique<Engine>(config);
    }
    Engine* operator->() { return engine.get(); }
    std::vector<Finding> finish(double first = 0, double last = 1000) { return engine->finish(first, last); }
};

inline std::size_t count(const std::vector<Finding>& fs, std::string_view id) {
    return static_cast<std::size_t>(std::count_if(fs.begin(), fs.end(), [&](const Finding& f) { return f.def->id == id; }));
}
inline const Finding* get(const std::vector<Finding>& fs, std::string_view id) {
    for (auto& f : fs)
        if (f.def->id == id) return &f;
    return nullptr;
}
inline bool has_host(const Finding& f, const std::string& h) {
    return std::find(f.hosts.begin(), f.hosts.end(), h) != f.hosts.end();
}

}  // namespace rt
