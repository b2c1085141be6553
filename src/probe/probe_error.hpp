#pragma once
// A probe that cannot run at all (no permission, no such interface, no
// socket) throws this; the command prints what() on one line and exits with
// code(). A probe that runs and finds a problem returns results instead.
#include <stdexcept>
#include <string>

#include "core/exit_codes.hpp"

namespace netdx {

class ProbeError : public std::runtime_error {
public:
    ProbeError(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

// Throws ProbeError for a failed socket()/bind() with errno `err`, naming
// `what` ("an ARP socket on eth0"). EPERM/EACCES become PermissionDenied.
[[noreturn]] void throw_socket_error(int err, const std::string& what);

}  // namespace netdx
