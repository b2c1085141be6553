#pragma once
// Stateless extraction: the events one decoded packet carries by itself (ARP
// and NDP observations, ICMP errors with their quoted header, echo requests,
// SYNs, the IP facts). No allocation; readers get short-lived references.
#include "events/conn_events.hpp"
#include "events/event_bus.hpp"
#include "events/packet_events.hpp"

namespace netdx {

// Publishes ArpObservation, NdpObservation, IcmpError, EchoRequest,
// IpPacketSeen and SynSeen, in that order, as the packet carries them.
void extract_packet_events(const Packet& pkt, std::uint32_t file, const EventBus& out);

// The Ethernet source/destination of a packet, when it has an Ethernet header.
bool ethernet_addresses(const Packet& pkt, MacAddress& src, MacAddress& dst);

}  // namespace netdx
