#pragma once
// `netdx capture -b`: tshark's ring-buffer options and file names. The capture
// switches to a new file when one of filesize/duration/interval/packets is reached;
// with files:N only the newest N files are kept.
#include <cstdint>
#include <ctime>
#include <deque>
#include <string>
#include <vector>

namespace netdx {

struct RingOptions {
    std::uint64_t filesize_kb = 0;  // kB of 1000 bytes, as tshark counts them
    double duration_s = 0;
    // Switch when the wall clock reaches a multiple of this (interval:3600
    // starts a file on every full hour), whenever the capture started.
    double interval_s = 0;
    std::uint64_t packets = 0;
    unsigned files = 0;  // 0: keep every file
    [[nodiscard]] bool enabled() const { return filesize_kb || duration_s > 0 || interval_s > 0 || packets || files; }
};

// Parses the -b values ("filesize:1000", "files:5", ...) into opts. Returns an
// error line, or empty.
std::string parse_ring_options(const std::vector<std::string>& specs, RingOptions& opts);

// The first multiple of `interval_s` (seconds since the epoch) after `now`:
// when a file opened at `now` ends under -b interval.
double next_interval_boundary(double now, double interval_s);

// Names the files as tshark does: out.pcapng -> out_00001_20261206063000.pcapng
// (running number, then the local start time), and deletes the oldest once
// more than `files` exist.
class RingFiles {
public:
    RingFiles(const std::string& path, unsigned files);
    // The next file's name; `start` is when it is opened.
    std::string next(std::time_t start);
    // Records that `name` was written; returns the error of a failed delete, or empty.
    std::string keep(const std::string& name);

private:
    std::string prefix_, suffix_;
    unsigned files_;
    unsigned number_ = 0;
    std::deque<std::string> kept_;
};

}  // namespace netdx
