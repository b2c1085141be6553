#include "probe/dns_probe.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "core/escape.hpp"
#include "dissectors/dns_parse.hpp"
#include "probe/ares_loop.hpp"
#include "probe/probe_error.hpp"

namespace netdx {

namespace {

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
}

struct Pending {
    DnsServerResult* result;
    std::uint16_t type;
    probe_clock::TimePoint start;
};

// TXT data as quoted, escaped character-strings (tshark's info column shows
// only the type, but here the text is the answer).
bool append_txt(fmt::memory_buffer& out, Bytes msg, const dns::Record& rec) {
    if (rec.type != 16 || rec.rdata_off + rec.rdlen > msg.size()) return false;
    const Bytes rd = msg.subspan(rec.rdata_off, rec.rdlen);
    std::size_t off = 0;
    while (off < rd.size()) {
        const std::size_t len = rd[off];
        if (off + 1 + len > rd.size()) return false;
        if (off) out.push_back(' ');
        out.push_back('"');
        append_escaped(out, {reinterpret_cast<const char*>(rd.data() + off + 1), len});
        out.push_back('"');
        off += 1 + len;
    }
    return true;
}

void read_response(DnsServerResult& r, std::uint16_t qtype, Bytes msg) {
    dns::Header h;
    if (!dns::read_header(msg, h)) {
        r.outcome = DnsOutcome::Error;
        r.error = "response shorter than a DNS header";
        return;
    }
    r.outcome = DnsOutcome::Answered;
    r.rcode = dns::extended_rcode(msg);
    r.truncated = h.truncated();
    const dns::WalkResult w = dns::walk(msg, [&](const dns::Record& rec) {
        if (rec.section != dns::Section::Answer) return rec.section == dns::Section::Question;
        fmt::memory_buffer data;
        const bool has_text = dns::append_rdata_text(data, msg, rec) || append_txt(data, msg, rec);
        const std::string text = fmt::to_string(data);
        r.answers.push_back(has_text ? fmt::format("{} {}", dns_type_text(rec.type), text) : dns_type_text(rec.type));
        if (rec.type == qtype) r.matching.push_back(has_text ? text : std::string("?"));
        return true;
    });
    if (!w.ok && w.problem) r.error = w.problem;
    std::sort(r.matching.begin(), r.matching.end());
}

void on_response(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
    DnsServerResult& r = *p->result;
    r.ms = probe_clock::ms_between(p->start, probe_clock::now());
    switch (status) {
        case ARES_SUCCESS:
            read_response(r, p->type, Bytes(abuf, static_cast<std::size_t>(alen)));
            break;
        case ARES_ETIMEOUT:
        case ARES_ECANCELLED:
        case ARES_EDESTRUCTION:
            r.outcome = DnsOutcome::Timeout;
            break;
        case ARES_ECONNREFUSED:
            r.outcome = DnsOutcome::Refused;
            break;
        default:
            r.outcome = DnsOutcome::Error;
            r.error = ares_strerror(status);
    }
}

}  // namespace

std::optional<std::uint16_t> parse_dns_type(const std::string& text) {
    if (text.size() > 4 && iequal(text.substr(0, 4), "TYPE")) {
        unsigned long v = 0;
        for (char c : text.substr(4)) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
            v = v * 10 + static_cast<unsigned>(c - '0');
            if (v > 65535) return std::nullopt;
        }
        return static_cast<std::uint16_t>(v);
    }
    for (unsigned t = 1; t <= 65535; ++t)
        if (const char* n = dns::type_name(static_cast<std::uint16_t>(t)); n && iequal(n, text))
            return static_cast<std::uint16_t>(t);
    return std::nullopt;
}

std::string dns_type_text(std::uint16_t type) {
    const char* n = dns::type_name(type);
    return n ? std::string(n) : fmt::format("TYPE{}", type);
}

std::string rcode_text(unsigned rcode) {
    static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                         "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
    return rcode < std::size(kNames) ? kNames[rcode] : fmt::format("RCODE{}", rcode);
}

std::optional<std::string> reverse_name(const std::string& address) {
    std::uint8_t b[16];
    if (inet_pton(AF_INET, address.c_str(), b) == 1) return fmt::format("{}.{}.{}.{}.in-addr.arpa", b[3], b[2], b[1], b[0]);
    if (inet_pton(AF_INET6, address.c_str(), b) == 1) {
        std::string out;
        for (int i = 15; i >= 0; --i) out += fmt::format("{:x}.{:x}.", b[i] & 0xf, b[i] >> 4);
        return out + "ip6.arpa";
    }
    return std::nullopt;
}

DnsProbeResult dns_probe(const std::string& name, std::uint16_t type, const std::vector<std::string>& servers,
                         const DnsProbeOptions& opts) {
    DnsProbeResult res;
    res.name = name;
    res.type = type;
    res.started = probe_clock::wall();
    res.servers.resize(servers.size());
    std::vector<std::unique_ptr<AresChannel>> channels;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        res.servers[i].server = servers[i];
        // One channel per resolver so each is asked (and judged) on its own.
        // c-ares' CSV form: "IP", "IP:PORT", bare IPv6, or "[IPv6]:PORT".
        channels.push_back(std::make_unique<AresChannel>(servers[i], opts.timeout_ms, opts.tries));
    }
    unsigned char* query = nullptr;
    int qlen = 0;
    if (const int rc = ares_create_query(name.c_str(), ns_c_in, type, 0, 1, &query, &qlen, 0); rc != ARES_SUCCESS)
        throw ProbeError(ExitCode::Usage, fmt::format("cannot ask for \"{}\": {}", escaped(name), ares_strerror(rc)));
    const auto start = probe_clock::now();
    for (std::size_t i = 0; i < channels.size(); ++i)
        ares_send(channels[i]->get(), query, qlen, on_response, new Pending{&res.servers[i], type, start});
    ares_free_string(query);
    std::vector<AresChannel*> raw;
    for (auto& c : channels) raw.push_back(c.get());
    run_ares(raw, start + std::chrono::milliseconds(opts.timeout_ms * opts.tries + 500));
    return res;
}

DnsAgreement dns_agreement(const DnsProbeResult& r) {
    const DnsServerResult* first = nullptr;
    bool data_differs = false;
    for (const DnsServerResult& s : r.servers) {
        // Only real verdicts on the name count: a failing resolver is judged on its own.
        if (s.outcome != DnsOutcome::Answered || (s.rcode != 0 && s.rcode != 3)) continue;
        if (!first) {
            first = &s;
            continue;
        }
        if (s.rcode != first->rcode || s.matching.empty() != first->matching.empty()) return DnsAgreement::Disagree;
        if (s.matching != first->matching) data_differs = true;
    }
    return data_differs ? DnsAgreement::DifferentData : DnsAgreement::Agree;
}

}  // namespace netdx
