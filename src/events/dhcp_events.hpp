#pragma once
// DHCPv4 exchanges and DHCPv6 exchanges as the rules engine sees them. The
// tracker (src/dns/dhcp_tracker) groups messages by transaction id and client
// hardware address and emits one event per exchange when it completes (ACK,
// NAK, DECLINE, RELEASE, INFORM answered) or times out / the capture ends.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

// DHCP message types (option 53, RFC 2132 9.6).
enum class DhcpType : std::uint8_t {
    None = 0, Discover = 1, Offer = 2, Request = 3, Decline = 4,
    Ack = 5, Nak = 6, Release = 7, Inform = 8,
};

enum class DhcpOutcome : std::uint8_t {
    Leased,       // ACK to a REQUEST (after DISCOVER/OFFER or a renewal)
    Nak,          // the server refused (see nak_message)
    NoOffer,      // DISCOVERs and no OFFER before the timeout / end of capture
    NoAck,        // OFFER (or REQUEST) seen but no ACK/NAK before the timeout / end
    Declined,     // the client declined the address (conflict)
    Released,     // the client released its lease
    Informed,     // INFORM (answered with ACK or not: see servers)
    Evicted,      // dropped to keep the pending table under its cap
};

// One server that answered the exchange (distinct by server identifier, or
// source address when option 54 is absent).
struct DhcpServerReply {
    IpAddress server_id;    // option 54, or the IP source
    IpAddress source;       // IP source of its first reply
    std::array<std::uint8_t, 6> mac{};  // Ethernet source of its first reply
    bool has_mac = false;
    DhcpType first_type = DhcpType::None;  // OFFER, ACK or NAK
    IpAddress offered;      // yiaddr of its first OFFER/ACK
    // What the server tells its clients about the network (first OFFER/ACK
    // carrying them): option 1 as a prefix length (-1: absent), option 3 and 6.
    int prefix_len = -1;
    IpAddress router;      // first address of option 3 (family 0: absent)
    std::array<IpAddress, 2> dns{};  // first two addresses of option 6
    std::uint64_t frame = 0;
    Timestamp ts;
};

struct DhcpExchange {
    std::uint32_t file = 0;  // input file its frame numbers belong to (DhcpTracker::set_file)
    DhcpOutcome outcome = DhcpOutcome::Leased;
    std::uint32_t xid = 0;
    std::array<std::uint8_t, 6> client_mac{};  // chaddr
    std::string hostname;                      // option 12, escaped
    std::uint64_t first_frame = 0, last_frame = 0;
    Timestamp first_ts, last_ts;
    std::uint32_t discovers = 0, offers = 0, requests = 0, acks = 0, naks = 0;
    std::uint32_t declines = 0, releases = 0, informs = 0;
    IpAddress requested_ip;  // option 50 (family 0 when absent)
    IpAddress leased_ip;     // yiaddr of the ACK
    std::uint32_t lease_time = 0;  // option 51 of the ACK, seconds
    // From the first DISCOVER (or REQUEST when there was none) to the ACK; -1 without ACK.
    double time_to_lease = -1;
    std::vector<DhcpServerReply> servers;  // several = a rogue server candidate
    std::string nak_message;               // option 56 of a NAK, escaped
    // The frame whose ACK/NAK/DECLINE/RELEASE decided the outcome (0: none).
    std::uint64_t answer_frame = 0;
    // The server the client's REQUEST selected (option 54; family 0 when absent).
    IpAddress selected_server;
    // NAKs from servers the REQUEST did not select: with two servers on a link,
    // an authoritative one refuses the other's lease ("wrong server-ID") while
    // the client takes the lease it chose; that NAK is not the client's outcome.
    std::uint32_t other_server_naks = 0;
};

// DHCPv6 (RFC 8415) message types.
enum class Dhcpv6Type : std::uint8_t {
    None = 0, Solicit = 1, Advertise = 2, Request = 3, Confirm = 4, Renew = 5, Rebind = 6,
    Reply = 7, Release = 8, Decline = 9, Reconfigure = 10, InformationRequest = 11,
    RelayForw = 12, RelayRepl = 13,
};

enum class Dhcpv6Outcome : std::uint8_t {
    Replied,      // a Reply arrived (status_code tells success or failure)
    NoAdvertise,  // Solicit and nothing back
    NoReply,      // Advertise/Request seen but no Reply
    Evicted,
};

struct Dhcpv6Exchange {
    std::uint32_t file = 0;  // input file its frame numbers belong to (DhcpTracker::set_file)
    Dhcpv6Outcome outcome = Dhcpv6Outcome::Replied;
    std::uint32_t xid = 0;  // 24 bits
    IpAddress client;       // IP source of the client's messages
    std::string client_duid;  // hex
    std::uint64_t first_frame = 0, last_frame = 0;
    Timestamp first_ts, last_ts;
    std::uint32_t solicits = 0, advertises = 0, requests = 0, replies = 0, others = 0;
    std::vector<IpAddress> addresses;  // IA_NA addresses of the Reply (or Advertise)
    std::vector<IpAddress> servers;    // IP sources of Advertise/Reply
    // Status code of the Reply/Advertise (top level or inside IA_NA):
    // 0 Success, 2 NoAddrsAvail, ...; -1 when none was sent.
    int status_code = -1;
    std::string status_message;  // escaped
    double time_to_reply = -1;
};

struct DhcpTrackerStats {
    std::uint64_t messages = 0, v6_messages = 0;
    std::uint64_t evicted = 0, malformed = 0;
    std::size_t max_pending = 0;
};

class DhcpEventSink {
public:
    virtual ~DhcpEventSink() = default;
    virtual void on_dhcp(const DhcpExchange& e) = 0;
    virtual void on_dhcpv6(const Dhcpv6Exchange& e) = 0;
};

}  // namespace netdx
