#pragma once
// Documented process exit codes (README, "Exit codes"). Each kind of bad input
// has its own so scripts can tell them apart.
namespace netdx {

enum class ExitCode : int {
    Ok = 0,
    Failure = 1,            // internal error
    Usage = 2,              // bad command line
    NoSuchFile = 3,         // capture file missing or unreadable
    NotACapture = 4,        // not a pcap/pcapng file
    TruncatedCapture = 5,   // capture cut in the middle of a record
    NoSuchInterface = 6,
    BadFilter = 7,          // BPF filter did not compile
    PermissionDenied = 8,   // no permission to capture or to read
    UnsupportedLinkType = 9,
    WriteFailed = 10,       // output file could not be written
    CaptureFailed = 11,     // any other libpcap failure
    BadConfig = 12,         // rule configuration file or --set value invalid
    FindingsReached = 20,   // analyze --fail-on: a finding reached the severity
};

inline int code(ExitCode c) { return static_cast<int>(c); }

}  // namespace netdx
