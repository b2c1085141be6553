#pragma once
// Recognises DNS on ports not bound to it from the first payload of a flow.
// Strict on purpose: a flow is pinned to DNS for its whole life on one
// message, so a false positive costs more than a missed detection.
#include "core/cursor.hpp"

namespace netdx {

// Whether `msg` (a DNS message, without the TCP length prefix) is a
// plausible query: response bit clear, opcode QUERY/NOTIFY/UPDATE, rcode 0,
// exactly one question, no answer or authority records (at most one
// additional, the EDNS OPT), a question name of hostname characters, a known
// class (IN, CH, HS, ANY), a non-zero type, and nothing after the records.
bool looks_like_dns_query(Bytes msg);

// The same for a TCP stream's first bytes: a length prefix that covers
// exactly a message passing looks_like_dns_query.
bool looks_like_dns_tcp_query(Bytes stream);

// Ports the heuristic is not tried on: DNS's own (53, mDNS 5353, LLMNR 5355,
// recognised by port) and NetBIOS name service (137: DNS message format,
// NB-type questions of encoded names, but not DNS).
constexpr bool dns_heuristic_skips_port(std::uint16_t port) {
    return port == 53 || port == 5353 || port == 5355 || port == 137;
}

}  // namespace netdx
