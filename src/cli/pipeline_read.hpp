#pragma once
// The read of the commands that list what the analysis sees (log, mail,
// servers): every packet goes through the pipeline `netdx analyze` runs, so
// what they list is exactly what the rules read.
#include <functional>

#include "capture/source.hpp"
#include "cli/source_options.hpp"
#include "events/event_bus.hpp"

namespace netdx {

// Feeds src (at most args.count packets) to a pipeline publishing on `bus`,
// then ends it so open flows and transactions still waiting are reported.
// on_packet, when given, sees each packet before the pipeline. Returns the
// read loop's exit code (its error line already printed).
int read_through_pipeline(PacketSource& src, const SourceArgs& args, EventBus& bus,
                          const std::function<void(const Packet&)>& on_packet = {});

}  // namespace netdx
