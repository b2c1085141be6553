#pragma once
// After the capture device is open, netdx needs no privilege: -Z USER switches
// to that user (tcpdump's -Z), and a binary given cap_net_raw by setcap keeps no
// capability once capturing.
#include <string>

namespace netdx {

// Switches to `user` (when not empty; needs root) and drops every capability;
// without a user, an ordinary user's capabilities (setcap) are dropped and root
// stays root. Returns an error line, or empty.
// `-Z root` keeps root as it is.
std::string drop_privileges(const std::string& user);

// The user root switches to when no -Z is given (tcpdump's default -Z).
inline constexpr const char* kDefaultCaptureUser = "nobody";

// Once a live device is open: switches to -Z's user, or for root without -Z to
// kDefaultCaptureUser. Returns an error line (naming -Z root where the default
// was taken), or empty.
std::string relinquish_after_open(const std::string& z_option);
// Explains a failed file creation by the switch, when the default caused it.
std::string explain_write_error(std::string error, const std::string& z_option);

}  // namespace netdx
