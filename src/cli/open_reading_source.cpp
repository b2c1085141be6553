#include "cli/open_reading_source.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <stdexcept>

namespace netdx {

int open_reading_source(SourceArgs& args, const char* command, std::unique_ptr<PacketSource>& src) {
    if (std::string err = finish_source_options(args); !err.empty()) {
        fmt::print(stderr, "netdx {}: {}\n", command, err);
        return code(ExitCode::Usage);
    }
    try {
        src = PacketSource::open(args.opts);
    } catch (const std::invalid_argument& e) {  // a bad option value the source found
        fmt::print(stderr, "netdx {}: {}\n", command, e.what());
        return code(ExitCode::Usage);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    if (int rc = relinquish_privileges(*src, args, command)) return rc;
    if (src->live()) stop_on_signals(src.get());
    std::signal(SIGPIPE, SIG_IGN);
    return 0;
}

}  // namespace netdx
