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
    BadDisplayFilter = 13,  // -Y display filter did not compile
    DamagedCapture = 14,    // a record or block that cannot be right (after the good ones were read)
    BadStatsSpec = 15,      // packets -z: a spec netdx does not understand
    NoSuchStream = 16,      // packets -z follow: the capture has no TCP stream with that index
    ExportFailed = 17,      // packets --export-objects: DIR cannot be created or written in
    FindingsReached = 20,   // analyze --fail-on: a finding reached the severity
};

inline int code(ExitCode c) { return static_cast<int>(c); }

// What each code means, for the manual pages (`netdx _install-docs`). A new
// code gets a row here too.
struct ExitCodeDoc {
    ExitCode code;
    const char* name;
    const char* meaning;
};
inline constexpr ExitCodeDoc kExitCodeDocs[] = {
    {ExitCode::Ok, "Ok", "success (also after Ctrl-C/SIGTERM stops a capture cleanly)"},
    {ExitCode::Failure, "Failure", "internal error"},
    {ExitCode::Usage, "Usage", "bad command line"},
    {ExitCode::NoSuchFile, "NoSuchFile", "capture file missing, unreadable, or a directory"},
    {ExitCode::NotACapture, "NotACapture", "not a pcap/pcapng file, or empty"},
    {ExitCode::TruncatedCapture, "TruncatedCapture",
     "capture cut in the middle of a record (every packet before it is read first; the error names the byte offset)"},
    {ExitCode::NoSuchInterface, "NoSuchInterface", "-i names no interface"},
    {ExitCode::BadFilter, "BadFilter", "the -f BPF filter does not compile"},
    {ExitCode::PermissionDenied, "PermissionDenied", "no permission to capture or to read the file"},
    {ExitCode::UnsupportedLinkType, "UnsupportedLinkType", "a link type netdx does not decode"},
    {ExitCode::WriteFailed, "WriteFailed", "an output file cannot be written"},
    {ExitCode::CaptureFailed, "CaptureFailed", "any other libpcap failure"},
    {ExitCode::BadConfig, "BadConfig", "rule configuration file or --set value invalid"},
    {ExitCode::BadDisplayFilter, "BadDisplayFilter", "the -Y display filter does not compile"},
    {ExitCode::DamagedCapture, "DamagedCapture",
     "capture damaged: a record or block that cannot be right, or corrupt compressed data (every packet before it "
     "is read first; the error names the byte offset)"},
    {ExitCode::BadStatsSpec, "BadStatsSpec", "packets -z: a malformed or unsupported spec (follow,tcp,ascii|hex|raw,N)"},
    {ExitCode::NoSuchStream, "NoSuchStream",
     "packets -z follow: the capture has no TCP stream N (the streams that exist are still printed)"},
    {ExitCode::ExportFailed, "ExportFailed",
     "packets --export-objects: the directory cannot be created or written in, or an object cannot be saved"},
    {ExitCode::FindingsReached, "FindingsReached", "analyze --fail-on: a finding reached the given severity"},
};

}  // namespace netdx
