#pragma once
// How a command that reads a capture through to its end (log, mail, servers,
// dns) gets its source: every one of them must refuse the same bad options
// with the same exit codes and error lines, and must give up root and take
// SIGINT/SIGTERM the same way, so that sequence is written once here.
#include <memory>

#include "capture/source.hpp"
#include "cli/source_options.hpp"

namespace netdx {

// Checks the source options, opens the file or device, gives up root (-Z) on
// a live device, stops the read cleanly on SIGINT/SIGTERM and ignores SIGPIPE
// (a closed stdout is a failed write the command reports itself). Returns 0
// with `src` open, or the exit code after printing the error line as `netdx
// COMMAND: ...` (usage and privilege errors) or `netdx: ...` (the capture's).
int open_reading_source(SourceArgs& args, const char* command, std::unique_ptr<PacketSource>& src);

}  // namespace netdx
