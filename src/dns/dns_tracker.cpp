#include "dns/dns_tracker.hpp"

#include <fmt/format.h>

#include "core/escape.hpp"
#include "dissectors/dns_parse.hpp"
#include "dns/dns_heuristic.hpp"

namespace netdx {

namespace {

bool is_multicast(const IpAddress& a) {
    return (a.family == 4 && (a.bytes[0] & 0xf0) == 0xe0) || (a.family == 6 && a.bytes[0] == 0xff);
}

// The first question of a message, as the key's text and type.
bool first_question(Bytes msg, std::string& qname, std::uint16_t& qtype, std::uint16_t& qclass) {
    bool found = false;
    dns::walk(msg, [&](const dns::Record& r) {
        if (r.section != dns::Section::Question) return false;
        dns::Name n;
        std::size_t next = 0;
        if (dns::read_name(msg, r.name_off, &n, next) != dns::NameError::None) return false;
        qname = escaped(n.shown());
        qtype = r.type;
        qclass = r.cls;
        found = true;
        return false;
    });
    return found;
}

// Why the message did not parse completely, or null.
const char* problem_of(Bytes msg) {
    const char* problem = nullptr;
    const dns::WalkResult res = dns::walk(msg, [&](const dns::Record& r) {
        bool truncated = false;
        problem = dns::check_rdata(msg, r, truncated);
        return problem == nullptr;
    });
    return problem ? problem : (res.ok ? nullptr : res.problem);
}

bool later(const Timestamp& a, const Timestamp& b) { return a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec); }

Timestamp plus(Timestamp t, double s) {
    const auto whole = static_cast<std::int64_t>(s);
    t.sec += whole;
    const auto ns = static_cast<std::int64_t>((s - static_cast<double>(whole)) * 1e9) + t.nsec;
    t.sec += ns / 1000000000;
    t.nsec = static_cast<std::uint32_t>(ns % 1000000000);
    return t;
}

}  // namespace

std::size_t DnsTracker::KeyHash::operator()(const Key& k) const noexcept {
    std::size_t h = std::hash<std::string>{}(k.qname);
    auto mix = [&h](std::uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    for (std::size_t i = 0; i < 16; i += 8) {
        std::uint64_t a = 0, b = 0;
        for (std::size_t j = 0; j < 8; ++j) {
            a = (a << 8) | k.client.bytes[i + j];
            b = (b << 8) | k.server.bytes[i + j];
        }
        mix(a);
        mix(b);
    }
    mix((std::uint64_t{k.client_port} << 48) | (std::uint64_t{k.server_port} << 32) | (std::uint64_t{k.id} << 16) | k.qtype);
    mix((std::uint64_t{k.qclass} << 8) | static_cast<std::uint64_t>(k.transport));
    return h;
}

std::size_t DnsTracker::UdpPairHash::operator()(const UdpPair& k) const noexcept {
    std::size_t h = (std::size_t{k.lo_port} << 16) ^ k.hi_port;
    for (std::size_t i = 0; i < 16; ++i) h = h * 1099511628211ull ^ (std::size_t{k.lo.bytes[i]} << 8 | k.hi.bytes[i]);
    return h;
}

DnsTracker::DnsTracker(DnsEventSink& sink, DnsTrackerOptions opts) : sink_(sink), opts_(opts) {}

void DnsTracker::on_packet(const Packet& pkt) {
    advance(pkt.ts);
    DnsMessageMeta m;
    m.src = pkt.net.src;
    m.dst = pkt.net.dst;
    m.src_port = pkt.net.src_port;
    m.dst_port = pkt.net.dst_port;
    m.frame = pkt.number;
    m.ts = pkt.ts;
    current_ = m;
    if (pkt.net.ip_proto == 6 && pkt.net.has_ports &&
        (pkt.net.src_port == dns::kPortDns || pkt.net.dst_port == dns::kPortDns)) {
        if (opts_.tcp_from_streams) return;
        // Whole length-prefixed messages at the start of this one segment;
        // messages split across segments need stream reassembly (on_message).
        m.transport = DnsTransport::Tcp;
        Bytes payload = pkt.bytes.subspan(std::min<std::size_t>(pkt.net.payload_offset, pkt.bytes.size()));
        payload = payload.first(std::min<std::size_t>(payload.size(), pkt.net.payload_length));
        while (payload.size() >= 2 + dns::kHeaderLen) {
            const std::size_t len = load_be16(payload.data());
            if (len < dns::kHeaderLen || payload.size() < 2 + len) break;
            on_message(m, payload.subspan(2, len));
            payload = payload.subspan(2 + len);
        }
        return;
    }
    for (const Layer& l : pkt.layers) {
        if ((l.proto != Proto::Dns && l.proto != Proto::Llmnr) || l.quoted || l.offset >= pkt.bytes.size()) continue;
        if (m.src_port == dns::kPortMdns || m.dst_port == dns::kPortMdns) return;
        const Bytes msg = pkt.bytes.subspan(l.offset, std::min<std::size_t>(l.length, pkt.bytes.size() - l.offset));
        on_message(m, msg);
        return;
    }
    if (opts_.udp_heuristic && pkt.net.ip_proto == 17 && pkt.net.has_ports && !dns_heuristic_skips_port(m.src_port) &&
        !dns_heuristic_skips_port(m.dst_port)) {
        Bytes payload = pkt.bytes.subspan(std::min<std::size_t>(pkt.net.payload_offset, pkt.bytes.size()));
        payload = payload.first(std::min<std::size_t>(payload.size(), pkt.net.payload_length));
        if (!payload.empty() && udp_flow_is_dns(m, payload)) on_message(m, payload);
    }
}

bool DnsTracker::udp_flow_is_dns(const DnsMessageMeta& m, Bytes payload) {
    UdpPair k;
    const bool src_low = m.src < m.dst || (m.src == m.dst && m.src_port < m.dst_port);
    k.lo = src_low ? m.src : m.dst;
    k.hi = src_low ? m.dst : m.src;
    k.lo_port = src_low ? m.src_port : m.dst_port;
    k.hi_port = src_low ? m.dst_port : m.src_port;
    if (auto it = udp_flows_.find(k); it != udp_flows_.end()) return it->second;
    // The first datagram of the flow decides: the client's query.
    const bool dns = looks_like_dns_query(payload);
    if (opts_.max_heuristic_flows == 0) return dns;
    if (udp_flows_.size() >= opts_.max_heuristic_flows && !udp_order_.empty()) {
        udp_flows_.erase(udp_order_.front());
        udp_order_.pop_front();
    }
    udp_flows_.emplace(k, dns);
    udp_order_.push_back(k);
    return dns;
}

void DnsTracker::on_message(const DnsMessageMeta& m, Bytes msg) {
    advance(m.ts);
    dns::Header h;
    if (!dns::read_header(msg, h)) {
        ++stats_.malformed;
        return;
    }
    Key key;
    key.transport = m.transport;
    key.id = h.id;
    if (!first_question(msg, key.qname, key.qtype, key.qclass)) {
        // No usable question (e.g. a NOTIFY without one, or a damaged name):
        // nothing to match on.
        ++stats_.malformed;
        return;
    }
    if (problem_of(msg)) ++stats_.malformed;
    if (!h.response()) {
        ++stats_.queries;
        key.client = m.src;
        key.client_port = m.src_port;
        key.server_port = m.dst_port;
        if (!is_multicast(m.dst)) key.server = m.dst;
        // The TCP retry a TC answer asks for: the same question over TCP.
        if (m.transport == DnsTransport::Tcp) tcp_retry(m.src, m.dst, key.qname, key.qtype);
        query(m, msg, key);
    } else {
        ++stats_.responses;
        key.client = m.dst;
        key.server = m.src;
        key.client_port = m.dst_port;
        key.server_port = m.src_port;
        response(m, msg, std::move(key));
    }
}

void DnsTracker::query(const DnsMessageMeta& m, Bytes msg, const Key& key) {
    auto it = table_.find(key);
    if (it != table_.end()) {
        if (it->second.state == State::Pending) ++it->second.tx.retransmissions;
        return;  // a query repeated after its answer: the answer already stands
    }
    if (table_.size() >= opts_.max_pending && !order_.empty()) {
        ++stats_.evicted;
        emit_and_erase(table_.find(order_.front()), DnsEnd::Evicted);
    }
    Entry e;
    DnsTransaction& tx = e.tx;
    tx.transport = m.transport;
    tx.client = m.src;
    tx.server = m.dst;
    tx.client_port = m.src_port;
    tx.server_port = m.dst_port;
    tx.id = key.id;
    tx.qname = key.qname;
    tx.qtype = key.qtype;
    tx.qclass = key.qclass;
    tx.llmnr = m.dst_port == dns::kPortLlmnr;
    tx.has_query = true;
    tx.query_frame = m.frame;
    tx.query_ts = m.ts;
    if (const char* p = problem_of(msg)) {
        tx.malformed = true;
        tx.problem = p;
    }
    order_.push_back(key);
    e.order = std::prev(order_.end());
    table_.emplace(key, std::move(e));
    stats_.max_pending = std::max(stats_.max_pending, table_.size());
}

void DnsTracker::fill_response(DnsTransaction& tx, const DnsMessageMeta& m, Bytes msg) {
    dns::Header h;
    dns::read_header(msg, h);
    tx.has_response = true;
    tx.response_frame = m.frame;
    tx.response_ts = m.ts;
    if (tx.has_query) tx.latency = seconds_between(tx.query_ts, m.ts);
    tx.rcode = dns::extended_rcode(msg);
    tx.authoritative = h.flags & 0x0400;
    tx.truncated = h.truncated();
    tx.answer_count = h.ancount;
    tx.authority_count = h.nscount;
    tx.additional_count = h.arcount;
    tx.answers.clear();
    dns::walk(msg, [&](const dns::Record& r) {
        if (r.section == dns::Section::Question) return true;
        if (r.section != dns::Section::Answer || tx.answers.size() >= opts_.max_answers) return false;
        DnsRecord rec;
        rec.type = r.type;
        rec.ttl = r.ttl;
        fmt::memory_buffer text;
        if (dns::append_rdata_text(text, msg, r)) rec.data.assign(text.data(), text.size());
        tx.answers.push_back(std::move(rec));
        return true;
    });
    if (const char* p = problem_of(msg)) {
        tx.malformed = true;
        tx.problem = p;
    }
}

void DnsTracker::response(const DnsMessageMeta& m, Bytes msg, Key key) {
    auto it = table_.find(key);
    if (it == table_.end()) {
        Key any = key;  // the query may have gone to a multicast group
        any.server = IpAddress{};
        it = table_.find(any);
    }
    if (it == table_.end()) {
        DnsTransaction tx;
        tx.end = DnsEnd::Unsolicited;
        tx.transport = m.transport;
        tx.client = m.dst;
        tx.server = m.src;
        tx.client_port = m.dst_port;
        tx.server_port = m.src_port;
        tx.id = key.id;
        tx.qname = key.qname;
        tx.qtype = key.qtype;
        tx.qclass = key.qclass;
        tx.llmnr = m.src_port == dns::kPortLlmnr;
        fill_response(tx, m, msg);
        tx.file = file_;
        sink_.on_dns(tx);
        return;
    }
    Entry& e = it->second;
    if (e.state != State::Pending) {
        ++e.tx.duplicate_responses;
        return;
    }
    if (e.tx.server.family == 0 || !(e.tx.server == m.src)) e.tx.server = m.src;  // multicast query: who answered
    fill_response(e.tx, m, msg);
    e.state = e.tx.truncated && m.transport == DnsTransport::Udp ? State::HeldTc : State::Answered;
}

void DnsTracker::on_stream_gap(std::uint64_t len) {
    ++stats_.tcp_gaps;
    stats_.tcp_gap_bytes += len;
}

void DnsTracker::tcp_retry(const IpAddress& client, const IpAddress& server, const std::string& qname,
                           std::uint16_t qtype) {
    for (auto& [key, e] : table_) {
        if (e.state != State::HeldTc || e.tx.retried_over_tcp) continue;
        if (!(e.tx.client == client) || !(e.tx.server == server)) continue;
        if (qname != e.tx.qname || qtype != e.tx.qtype) continue;
        e.tx.retried_over_tcp = true;
    }
}

void DnsTracker::emit_and_erase(std::unordered_map<Key, Entry, KeyHash>::iterator it, DnsEnd end) {
    if (it == table_.end()) return;
    Entry& e = it->second;
    e.tx.end = e.state == State::Pending ? end : DnsEnd::Answered;
    e.tx.file = file_;
    sink_.on_dns(e.tx);
    order_.erase(e.order);
    table_.erase(it);
}

void DnsTracker::advance(Timestamp now) {
    if (later(now, now_)) now_ = now;
    if (!later(now_, next_sweep_)) return;
    next_sweep_ = plus(now_, 0.25);
    // In insertion (query) order, so events come out roughly in time order.
    for (auto k = order_.begin(); k != order_.end();) {
        auto it = table_.find(*k);
        ++k;
        const Entry& e = it->second;
        Timestamp deadline;
        switch (e.state) {
            case State::Pending: deadline = plus(e.tx.query_ts, opts_.timeout); break;
            case State::Answered: deadline = plus(e.tx.response_ts, opts_.linger); break;
            case State::HeldTc: deadline = plus(e.tx.response_ts, opts_.tc_retry_window); break;
        }
        // A TC answer whose retry was seen needs no more waiting.
        if (later(now_, deadline) || (e.state == State::HeldTc && e.tx.retried_over_tcp))
            emit_and_erase(it, DnsEnd::Timeout);
    }
}

void DnsTracker::finish() {
    while (!order_.empty()) emit_and_erase(table_.find(order_.front()), DnsEnd::EndOfCapture);
}

}  // namespace netdx
