#pragma once
// HTTP/1.x message framing over the two reassembled byte streams of a TCP
// connection: where each message starts and ends (header block, then a body
// by Content-Length, chunked encoding with trailers, or until the connection
// closes; none after HEAD, 1xx, 204 and 304). The one HTTP reader of netdx:
// the analysis's consumer (src/app/http.cpp) pairs the heads it reports into
// transactions, and the packet view (dissectors/http/http_pdus.cpp) cuts the
// PDUs it shows on the frame that completes them, as tshark does.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "dissectors/http/http_head.hpp"
#include "events/http_events.hpp"

namespace netdx {

class HttpStreamEvents {
public:
    virtual ~HttpStreamEvents() = default;
    // A message starts at offset `at` of the bytes passed to feed().
    virtual void message_start(int /*dir*/, std::size_t /*at*/) {}
    // Its header block is complete (views valid during the call only).
    virtual void request(const HttpHead& /*h*/) {}
    virtual void response(const HttpHead& /*h*/) {}
    // The message ends just before offset `at` of the bytes passed to feed()
    // (npos: at the connection's close).
    virtual void message_end(int /*dir*/, std::size_t /*at*/) {}
    // Bytes of the current message's body, de-chunked (views valid during
    // the call only): `--export-objects` keeps them.
    virtual void body(int /*dir*/, std::string_view /*data*/) {}
    // The stream is no longer read: a message that does not parse, a gap that
    // loses the framing. Not called for a tunnel or an HTTP/2 upgrade.
    virtual void problem(HttpEnd /*why*/, const char* /*what*/) {}
};

class HttpStream {
public:
    static constexpr std::size_t kHeadCap = 32 * 1024;  // header block, as nginx's large_client_header_buffers
    static constexpr std::size_t kLineCap = 1024;       // chunk-size and trailer lines
    static constexpr std::size_t kMaxPending = 64;      // requests waiting for a response

    // `client_dir`: the stream direction (0/1) the client sends on. With
    // `strict_start`, a direction is read only from a whole start line
    // (tshark's heuristic, for ports no protocol is bound to).
    HttpStream(int client_dir, HttpStreamEvents& ev, bool strict_start = false)
        : client_dir_(client_dir), strict_start_(strict_start), ev_(ev) {}

    void feed(int dir, std::string_view data);
    void gap(int dir, std::uint64_t len);
    void close();
    // A message of `dir` is under way whose end is found only by reading on
    // (its head, or a chunked body): tshark hands every segment of it to HTTP.
    [[nodiscard]] bool reading_on(int dir) const {
        const Direction& d = dirs_[dir & 1];
        return d.in_message && d.mode != Mode::Body && d.mode != Mode::UntilClose;
    }
    // Whether `dir` has found a message start (not still resynchronising).
    [[nodiscard]] bool synced(int dir) const { return dirs_[dir & 1].mode != Mode::Resync; }
    [[nodiscard]] bool stopped() const { return dirs_[0].mode == Mode::Stopped; }
    [[nodiscard]] bool seen_message() const { return seen_message_; }
    // Requests still waiting for their final response.
    [[nodiscard]] std::size_t waiting() const { return pending_.size(); }

private:
    enum class Mode : std::uint8_t {
        Resync,      // waiting for a segment that starts a message (stream picked up mid-way)
        Head,        // reading a header block
        Body,        // skipping `remaining` body bytes
        ChunkSize,   // reading a chunk-size line
        ChunkData,   // skipping `remaining` chunk bytes
        ChunkEnd,    // the CRLF after chunk data
        Trailers,    // trailer lines up to the empty one
        UntilClose,  // body delimited by the end of the connection
        Stopped,     // not HTTP/1 any more (tunnel, HTTP/2) or given up
    };
    struct Direction {
        Mode mode = Mode::Resync;
        bool in_message = false;
        std::string buf;  // partial header block or line
        std::uint64_t remaining = 0;
    };
    struct Pending {
        bool head = false, connect = false;
    };

    void step(int dir, Direction& d, std::string_view& s);
    void read_head(int dir, Direction& d, std::string_view& s);
    bool read_line(Direction& d, std::string_view& s, std::string_view& line);
    void chunk_line(int dir, Direction& d, std::string_view line);
    void head_done(int dir, Direction& d, std::string_view block, std::size_t end_at);
    void end_message(int dir, Direction& d, std::size_t at);
    void give_up(HttpEnd why, const char* what);
    void stop_all();
    [[nodiscard]] std::size_t pos(std::string_view s) const { return static_cast<std::size_t>(s.data() - base_); }

    int client_dir_;
    bool strict_start_;
    HttpStreamEvents& ev_;
    Direction dirs_[2];
    std::deque<Pending> pending_;
    std::string scratch_;  // a block or line completed from buffered parts
    const char* base_ = nullptr;  // the bytes being fed
    bool seen_message_ = false;
};

}  // namespace netdx
