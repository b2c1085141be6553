#pragma once
// The resolvers this host uses: the nameserver lines of resolv.conf.
#include <string>
#include <vector>

namespace netdx {

inline constexpr const char* kResolvConf = "/etc/resolv.conf";

// Addresses of the nameserver lines, in order; empty when the file is missing
// or has none. A scope id (fe80::1%eth0) is kept as written.
std::vector<std::string> resolv_conf_servers(const std::string& path = kResolvConf);

}  // namespace netdx
