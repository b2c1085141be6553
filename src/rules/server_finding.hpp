#pragma once
// The common part of a finding about one server, from the group of cases it
// stands for. Rules that count per server (amqp, mqtt, rpc, mail messages)
// keep their own Group type; they name these members alike (clients, first,
// last, count, ev), which is what this template reads.
#include "rules/finding.hpp"
#include "rules/format.hpp"

namespace netdx {

// Hosts: the server first (the report names the server), then its clients
// other than itself; the group's time span, its count and its evidence.
template <typename Group>
void fill_server_finding(Finding& f, const IpAddress& server, const Group& g) {
    f.hosts.push_back(ip_str(server));
    for (const IpAddress& c : g.clients)
        if (c != server) f.hosts.push_back(ip_str(c));
    f.first_ts = g.first;
    f.last_ts = g.last;
    f.figures = {{"count", static_cast<double>(g.count), ""}};
    f.evidence = g.ev;
}

}  // namespace netdx
