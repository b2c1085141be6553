#pragma once
// How a command that prints its whole result at the end reports a failed
// write (a full disk, a closed pipe with SIGPIPE ignored): one error line and
// WriteFailed, the same for every such command.
#include <fmt/format.h>

#include <cstdio>
#include <system_error>

#include "core/exit_codes.hpp"

namespace netdx {

// Runs `write` (it may throw std::system_error), then `notes` (stderr lines
// such as rows left out), then flushes stdout, which is where a failure of
// the last buffered bytes shows. Returns 0, or WriteFailed after printing
// "netdx COMMAND: writing the WHAT failed".
template <typename Write, typename Notes>
int write_output(const char* command, const char* what, Write&& write, Notes&& notes) {
    try {
        write();
    } catch (const std::system_error&) {
        fmt::print(stderr, "netdx {}: writing the {} failed\n", command, what);
        return code(ExitCode::WriteFailed);
    }
    notes();
    if (std::fflush(stdout) != 0) {
        fmt::print(stderr, "netdx {}: writing the {} failed\n", command, what);
        return code(ExitCode::WriteFailed);
    }
    return 0;
}

}  // namespace netdx
