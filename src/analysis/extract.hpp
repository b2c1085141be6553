#pragma once
// Stateless extraction: the events one decoded packet carries by itself (ARP
// and NDP observations, ICMP errors with their quoted header, echo requests,
// SYNs, the IP facts). No allocation; the sink gets short-lived references.
#include "events/conn_events.hpp"
#include "events/packet_events.hpp"

namespace netdx {

class PacketEventSink {
public:
    virtual ~PacketEventSink() = default;
    virtual void on_arp(const ArpObservation&) = 0;
    virtual void on_ndp(const NdpObservation&) = 0;
    virtual void on_icmp_error(const IcmpError&) = 0;
    virtual void on_ip(const IpPacketSeen&) = 0;
    virtual void on_echo(const EchoRequest&) = 0;
    virtual void on_syn(const SynSeen&) = 0;
};

void extract_packet_events(const Packet& pkt, std::uint32_t file, PacketEventSink& out);

// The Ethernet source/destination of a packet, when it has an Ethernet header.
bool ethernet_addresses(const Packet& pkt, MacAddress& src, MacAddress& dst);

}  // namespace netdx
