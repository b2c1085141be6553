#pragma once
// The dissector table and the lookups built from it.
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "dissectors/dissector.hpp"

namespace netdx {

class Registry {
public:
    static const Registry& get();

    [[nodiscard]] const DissectorDef* def(Proto p) const { return by_proto_[static_cast<std::size_t>(p)]; }
    [[nodiscard]] Proto for_ethertype(std::uint16_t t) const { return by_ethertype_[t]; }
    [[nodiscard]] Proto for_ip_proto(std::uint8_t p) const { return by_ip_proto_[p]; }
    // Application protocol registered on a UDP/TCP port, or None.
    [[nodiscard]] Proto for_udp_port(std::uint16_t port) const { return by_udp_port_[port]; }
    [[nodiscard]] Proto for_tcp_port(std::uint16_t port) const { return by_tcp_port_[port]; }
    // None when netdx has no decoder for this link type.
    [[nodiscard]] Proto for_link_type(int dlt) const;
    [[nodiscard]] std::span<const DissectorDef* const> all() const { return defs_; }
    // The dissector named `name` (tshark's abbreviation: "http", "tls"), or None.
    [[nodiscard]] Proto by_name(std::string_view name) const;

    // Decode-as (-d): from now on `port` of UDP or TCP carries `proto`, for
    // the packet view and the analysis alike. Called while the command line
    // is read, before any packet is decoded.
    static void bind_port(Binding::Kind kind, std::uint16_t port, Proto proto);

    // Fields of every dissector, plus frame.*; nullptr when unknown.
    struct FieldRef {
        const FieldDef* field;
        Proto proto;  // None for frame.* fields
    };
    [[nodiscard]] const FieldRef* field(std::string_view name) const;
    [[nodiscard]] std::span<const FieldRef> fields() const { return fields_; }
    // The protocol whose FieldRefs describe layers of `p` (p itself, or the
    // dissector whose field table it shares: mdns and llmnr layers answer dns.*).
    [[nodiscard]] Proto field_owner(Proto p) const { return field_owner_[static_cast<std::size_t>(p)]; }

private:
    Registry();
    static Registry& instance();
    std::vector<const DissectorDef*> defs_;
    std::array<const DissectorDef*, kProtoCount> by_proto_{};
    std::array<Proto, 65536> by_ethertype_{};
    std::array<Proto, 256> by_ip_proto_{};
    std::array<Proto, 65536> by_udp_port_{};
    std::array<Proto, 65536> by_tcp_port_{};
    std::vector<std::pair<int, Proto>> by_link_type_;
    std::vector<FieldRef> fields_;
    std::array<Proto, kProtoCount> field_owner_{};
};

// Frame-level fields (frame.number, frame.protocols, ...).
std::span<const FieldDef> frame_fields();
// netdx.finding, netdx.finding.id (dissectors/finding_marks.hpp).
std::span<const FieldDef> finding_fields();

// Name used in frame.protocols and by -V; "?" for None.
std::string_view proto_name(Proto p);

}  // namespace netdx
