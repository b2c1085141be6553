#pragma once
// `netdx packets --export-objects http,DIR`: every HTTP message body (request
// or response) seen in the flow layer's reassembled streams, de-chunked, saved
// in DIR under tshark 4.0's names: the last path component of the flow's most
// recent request URI, characters Windows rejects as %xx, "(N)" before the
// extension when the name is taken. The framing is HttpStream's (the one HTTP
// reader); this only keeps the body bytes it reports.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "flow/reassembly.hpp"

namespace netdx {

struct Flow;

// Bodies longer than this are not exported (and said so on stderr): memory
// stays bounded whatever the capture holds.
inline constexpr std::size_t kExportObjectCap = 64u << 20;

// tshark's file name for an object whose request URI is `uri` and which is
// the `dup`-th try (0: the plain name).
std::string export_object_name(std::string_view uri, unsigned dup);

class ExportObjects {
public:
    // Creates `dir` (and its parents) if needed; false with `err` set if it
    // cannot be created or is not a writable directory.
    bool open(const std::string& dir, std::string& err);
    // Call with each frame's number before the flow engine processes it.
    void begin_frame(std::uint64_t n) { frame_ = n; }
    // Wraps a TCP flow's consumer when its port (or its first bytes) says HTTP.
    std::unique_ptr<StreamConsumer> tap(const Flow& flow, std::unique_ptr<StreamConsumer> inner);

    // Writes one object under its tshark name; false (and a message on
    // stderr) when the file cannot be written.
    bool save(std::string_view uri, bool have_uri, std::string_view body);
    [[nodiscard]] std::uint64_t frame() const { return frame_; }
    [[nodiscard]] bool failed() const { return failed_; }
    [[nodiscard]] std::uint64_t written() const { return written_; }

private:
    std::string dir_;
    std::uint64_t frame_ = 0, written_ = 0;
    bool failed_ = false;
};

}  // namespace netdx
