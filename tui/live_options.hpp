#pragma once
// Options of `netdx live`.
#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/source.hpp"

namespace netdx::tui {

struct LiveOptions {
    SourceOptions source;
    bool no_promiscuous = false;
    std::string write;            // -w: also write what is captured to this pcap
    std::string user;             // -Z: who to be once the interface is open (root: nobody by default)
    bool realtime = false;        // replay a file at its recorded pace
    double speed = 1.0;           // pace factor with --realtime
    std::size_t ring = 10000;     // packets kept in the list
    std::size_t keep_bytes = 4096;  // bytes kept per packet for the detail view
    std::size_t max_flows = 10000;  // conversations kept for the flows view
    int refresh_ms = 100;         // UI refresh period
    int findings_ms = 1000;       // re-evaluate the rules this often while capturing (0: only at the end)
    std::uint64_t count = 0;      // -c: stop capturing after this many packets
    bool no_color = false;
    bool names = false;           // resolve names from the start
    std::string display_filter;   // -Y: the packet list shows only the matching packets
};

}  // namespace netdx::tui
