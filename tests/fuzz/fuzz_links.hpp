// What the packet-level fuzz targets share: turning an input byte into a link
// type the decoder knows, and a sink for the printers' output.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "dissectors/registry.hpp"

namespace netdx::fuzz {

// A supported DLT number as it is (1 Ethernet, 113 SLL, ...); any other value
// picks one of the supported link types, so every byte value is useful.
inline int link_type_of(std::uint8_t selector) {
    static const std::vector<int> kLinkTypes = [] {
        std::vector<int> out;
        for (const DissectorDef* d : Registry::get().all())
            for (const Binding& b : d->bindings)
                if (b.kind == Binding::LinkType) out.push_back(static_cast<int>(b.value));
        return out;
    }();
    for (int lt : kLinkTypes)
        if (lt == selector) return lt;
    return kLinkTypes[selector % kLinkTypes.size()];
}

// The printers run for what they read, not for what they write.
inline std::FILE* null_sink() {
    static std::FILE* f = std::fopen("/dev/null", "w");
    return f;
}

}  // namespace netdx::fuzz
