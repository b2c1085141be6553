#include "dissectors/registry.hpp"

#include <algorithm>

#include "app/protocol_list.hpp"
#include "dissectors/all.hpp"

namespace netdx {

namespace {
// One line per dissector.
const DissectorDef* const kDissectors[] = {
    &eth_dissector,
    &vlan_dissector,
    &sll_dissector,
    &sll2_dissector,
    &null_dissector,
    &raw_dissector,
    &llc_dissector,
    &arp_dissector,
    &ipv4_dissector,
    &ipv6_dissector,
    &ipv6_hopopts_dissector,
    &ipv6_routing_dissector,
    &ipv6_fragment_dissector,
    &ipv6_dstopts_dissector,
    &icmp_dissector,
    &icmpv6_dissector,
    &udp_dissector,
    &tcp_dissector,
    &data_dissector,
    &dns_dissector,
    &mdns_dissector,
    &llmnr_dissector,
    &dhcp_dissector,
    &dhcpv6_dissector,
    &ppp_dissector,
    &mpls_dissector,
    &nflog_dissector,
    &gre_dissector,
    &smtp_dissector,
    &ftp_dissector,
    &telnet_dissector,
    &ssh_dissector,
    &pop3_dissector,
    &imap_dissector,
    &http_dissector,
    &tls_dissector,
    &resp_dissector,
    &memcache_dissector,
    &mqtt_dissector,
    &amqp_dissector,
    &rpc_dissector,
};
}  // namespace

Registry& Registry::instance() {
    static Registry instance;
    return instance;
}

const Registry& Registry::get() { return instance(); }

void Registry::bind_port(Binding::Kind kind, std::uint16_t port, Proto proto) {
    Registry& r = instance();
    (kind == Binding::UdpPort ? r.by_udp_port_ : r.by_tcp_port_)[port] = proto;
}

Proto Registry::by_name(std::string_view name) const {
    for (const DissectorDef* d : defs_)
        if (d->name == name) return d->proto;
    return Proto::None;
}

Registry::Registry() {
    by_ethertype_.fill(Proto::None);
    by_ip_proto_.fill(Proto::Data);
    by_udp_port_.fill(Proto::None);
    by_tcp_port_.fill(Proto::None);
    for (const DissectorDef* d : kDissectors) {
        defs_.push_back(d);
        by_proto_[static_cast<std::size_t>(d->proto)] = d;
        for (const Binding& b : d->bindings) {
            switch (b.kind) {
                case Binding::LinkType: by_link_type_.emplace_back(static_cast<int>(b.value), d->proto); break;
                case Binding::Ethertype: by_ethertype_[b.value & 0xffff] = d->proto; break;
                case Binding::IpProto: by_ip_proto_[b.value & 0xff] = d->proto; break;
                case Binding::UdpPort: by_udp_port_[b.value & 0xffff] = d->proto; break;
                case Binding::TcpPort: by_tcp_port_[b.value & 0xffff] = d->proto; break;
            }
        }
    }
    // Application protocols' ports come from their one declaration.
    for (const ProtocolDecl& p : protocol_list()) {
        for (std::uint16_t port : p.tcp)
            if (port != 0) by_tcp_port_[port] = p.view;
        for (std::uint16_t port : p.udp)
            if (port != 0) by_udp_port_[port] = p.view;
    }
    for (const FieldDef& f : frame_fields()) fields_.push_back({&f, Proto::None});
    for (const FieldDef& f : finding_fields()) fields_.push_back({&f, Proto::None});
    for (const DissectorDef* d : defs_) {
        // Dissectors sharing a field table (dns, mdns, llmnr) list it once,
        // under the first of them, which the others' layers answer for.
        field_owner_[static_cast<std::size_t>(d->proto)] = d->proto;
        const auto first = std::find_if(defs_.begin(), defs_.end(), [&](const DissectorDef* e) {
            return !e->fields.empty() && e->fields.data() == d->fields.data();
        });
        if (first != defs_.end() && *first != d) {
            field_owner_[static_cast<std::size_t>(d->proto)] = (*first)->proto;
            continue;
        }
        for (const FieldDef& f : d->fields) fields_.push_back({&f, d->proto});
    }
}

Proto Registry::for_link_type(int dlt) const {
    for (auto [type, proto] : by_link_type_)
        if (type == dlt) return proto;
    return Proto::None;
}

const Registry::FieldRef* Registry::field(std::string_view name) const {
    auto it = std::find_if(fields_.begin(), fields_.end(), [&](const FieldRef& r) { return r.field->name == name; });
    return it == fields_.end() ? nullptr : &*it;
}

std::string_view proto_name(Proto p) {
    const DissectorDef* d = Registry::get().def(p);
    return d ? d->name : std::string_view("?");
}

}  // namespace netdx
