#pragma once
// `netdx doctor -w FILE`: records the interface to a pcap file on a thread of
// its own while the checks run, so the probes and their answers (and whatever
// else crosses the link) can be read back through the analysis rules.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "capture/source.hpp"

namespace netdx {

class BackgroundCapture {
public:
    // Capturing has started when this returns. Throws CaptureError (no such
    // interface, no permission) or ProbeError (WriteFailed).
    BackgroundCapture(const std::string& interface, const std::string& file);
    ~BackgroundCapture();
    BackgroundCapture(const BackgroundCapture&) = delete;
    BackgroundCapture& operator=(const BackgroundCapture&) = delete;

    struct Result {
        std::uint64_t packets = 0;
        int rc = 0;         // exit code of a failed read or write, 0 when fine
        std::string error;  // its one-line text
    };
    // Stops after `linger_ms` (late answers still arrive), flushes and closes the file.
    Result stop(int linger_ms = 300);

private:
    void run();
    std::unique_ptr<PacketSource> src_;
    pcap_dumper_t* dump_ = nullptr;
    std::string file_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    Result result_;
};

}  // namespace netdx
