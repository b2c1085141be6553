#pragma once
// One question asked of several resolvers at once (c-ares, never blocking):
// per resolver the outcome, the response code, the answers and the latency;
// then whether the resolvers agree.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netdx {

enum class DnsOutcome : std::uint8_t {
    Answered,     // a response came (any rcode)
    Timeout,      // no response within the timeout and tries
    Refused,      // nothing listens: ICMP port unreachable or TCP RST
    Error,        // any other failure (no route, bad response)
};

struct DnsServerResult {
    std::string server;  // as given
    DnsOutcome outcome = DnsOutcome::Error;
    std::string error;   // c-ares' text for Error
    unsigned rcode = 0;  // valid when Answered
    bool truncated = false;
    std::vector<std::string> answers;  // "A 192.0.2.1", "CNAME x.example", escaped, in order
    std::vector<std::string> matching;  // data of the records of the asked type, sorted
    double ms = 0;
};

struct DnsProbeResult {
    std::string name;  // as asked (escaped for display by the caller)
    std::uint16_t type = 1;
    std::vector<DnsServerResult> servers;
    double started = 0;
};

struct DnsProbeOptions {
    int timeout_ms = 2000;  // per try
    int tries = 2;
};

// 1 for "A", 28 for "AAAA", ..., "TYPE123" too; nullopt when unknown.
std::optional<std::uint16_t> parse_dns_type(const std::string& text);
std::string dns_type_text(std::uint16_t type);
// "NOERROR", "NXDOMAIN", ...
std::string rcode_text(unsigned rcode);
// The reverse-lookup name of an address (PTR questions given an address).
std::optional<std::string> reverse_name(const std::string& address);

// Throws ProbeError for a server c-ares does not accept.
DnsProbeResult dns_probe(const std::string& name, std::uint16_t type, const std::vector<std::string>& servers,
                         const DnsProbeOptions& opts);

// How the resolvers that answered compare.
enum class DnsAgreement : std::uint8_t {
    Agree,          // same rcode, same records (or fewer than two answered)
    DifferentData,  // all say the name exists but with different records (load balancing, CDNs)
    Disagree,       // they disagree on whether the name (or the record type) exists
};
DnsAgreement dns_agreement(const DnsProbeResult& r);

}  // namespace netdx
