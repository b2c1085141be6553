#pragma once
// `netdx doctor`: the checks a network engineer runs for "this machine cannot
// connect", bottom layer first, stopping at the first broken one: link,
// address, gateway, duplicate address, DHCP, resolvers, target over TCP, path
// MTU. A warning (one resolver of two down) does not stop the run; a failure
// does, and the checks after it are reported as not run.
#include <string>
#include <vector>

#include "probe/netif.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"

namespace netdx {

enum class CheckStatus : std::uint8_t { Ok, Warn, Fail, Skipped, NotRun };
std::string_view check_status_text(CheckStatus s);  // "ok", "warn", "FAIL", "skip", "not run"

struct CheckResult {
    std::string id;       // "link", "address", "gateway", "duplicate", "dhcp", "dns", "target", "path_mtu"
    std::string title;    // "Link and carrier", ...
    CheckStatus status = CheckStatus::NotRun;
    std::string summary;  // one line: what was seen
    std::vector<std::string> notes;        // further lines (offers, resolvers, hops)
    std::vector<std::string> finding_ids;  // findings this check raised
    double ms = 0;
};

struct DoctorOptions {
    std::string interface;    // empty: the default route's
    std::string target;       // HOST:PORT, optional
    std::string name;         // the name the DNS check asks; default: the target's, else the root
    std::string resolv_conf;  // default /etc/resolv.conf
    int dhcp_wait_ms = 3000;
    int tcp_timeout_ms = 3000;
    int dns_timeout_ms = 2000;  // per try, 2 tries
};

struct DoctorReport {
    NetInterface nif;
    std::vector<CheckResult> checks;  // all eight, in order
    int stopped_at = -1;              // index of the failed check, -1 when none failed
    std::vector<Finding> findings;
    bool sent_ttl_probes = false;     // the path check sent TTL-limited probes (time-exceeded is ours)
    double started = 0, finished = 0;
};

// The check ids in order.
const std::vector<std::string>& doctor_check_ids();

// Throws ProbeError: no such interface, no permission for raw sockets, bad target.
DoctorReport run_doctor(const DoctorOptions& opts, const RuleConfig& config);

}  // namespace netdx
