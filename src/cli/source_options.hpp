#pragma once
// The capture-source options shared by every command that reads packets
// (tcpdump's letters: -r -i -f -s -p -B -c).
#include <CLI/CLI.hpp>

#include <cstdint>

#include "capture/source.hpp"

namespace netdx {

struct SourceArgs {
    SourceOptions opts;
    std::uint64_t count = 0;
    bool no_promiscuous = false;
};

void add_source_options(CLI::App& cmd, SourceArgs& args, bool allow_file);
// Fills derived fields after parsing; returns an error text or empty.
std::string finish_source_options(SourceArgs& args);

// Installs SIGINT/SIGTERM handlers that stop `src` cleanly.
void stop_on_signals(PacketSource* src);

}  // namespace netdx
