#pragma once
#include <stdexcept>
#include <string>

#include "core/exit_codes.hpp"

namespace netdx {

// A capture source that cannot be opened, with the exit code for the failure.
class CaptureError : public std::runtime_error {
public:
    CaptureError(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

}  // namespace netdx
