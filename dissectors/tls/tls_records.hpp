#pragma once
// TLS record framing (RFC 8446 5.1) over one direction of a reassembled TCP
// stream: where each record starts and ends. The one record reader of netdx:
// the analysis's consumer (src/app/tls.cpp) reads the handshake from the
// records it cuts, and the packet view (src/output/stream_pdus.cpp) shows
// each record on the frame that completes it, as tshark does.
#include <cstdint>
#include <vector>

#include "core/cursor.hpp"

namespace netdx {

enum : std::uint8_t { kTlsCcs = 20, kTlsAlert = 21, kTlsHandshake = 22, kTlsAppData = 23, kTlsHeartbeat = 24 };
constexpr std::size_t kTlsMaxRecord = 16384 + 2048;  // largest TLSCiphertext fragment

// A plausible record header: a known content type, version 3.x (x <= 4), a
// length a record can have.
bool tls_valid_header(const std::uint8_t* h);
// Whether a stream's first bytes can start a record (fewer than 5 allowed).
bool tls_looks_like_start(Bytes data);

class TlsRecordEvents {
public:
    virtual ~TlsRecordEvents() = default;
    // A record's header starts at offset `at` of the bytes passed to feed().
    virtual void record_start(std::size_t /*at*/) {}
    // A whole record: its type, length and, when kept, its body (valid during
    // the call). It ends just before offset `end` of the bytes passed to feed().
    virtual void record(std::uint8_t type, std::size_t length, Bytes body, std::size_t end) = 0;
    virtual void malformed(const char* /*what*/) {}
};

class TlsRecordFramer {
public:
    // keep_body(type): whether record bodies of this type are buffered for
    // record() (the rest are counted off without copying).
    using KeepFn = bool (*)(std::uint8_t type);
    explicit TlsRecordFramer(KeepFn keep) : keep_(keep) {}

    // Bytes of the stream, in order. Returns false once malformed (stopped).
    bool feed(Bytes data, TlsRecordEvents& ev);
    // `len` bytes missing: true when they fell inside an unkept body (the
    // framing holds), false when the framing is lost.
    bool gap(std::uint64_t len);
    // Waiting for a stream that starts with a record (picked up mid-way).
    [[nodiscard]] bool resyncing() const { return mode_ == Mode::Resync; }
    [[nodiscard]] bool stopped() const { return mode_ == Mode::Stopped; }
    void stop() { mode_ = Mode::Stopped; }

private:
    enum class Mode : std::uint8_t { Resync, Header, Body, Stopped };
    KeepFn keep_;
    Mode mode_ = Mode::Resync;
    std::uint8_t hdr_[5] = {};
    std::size_t hdr_len_ = 0;
    std::uint8_t type_ = 0;
    std::size_t length_ = 0;
    std::uint64_t remaining_ = 0;
    bool keep_body_ = false;
    std::vector<std::uint8_t> rec_;
};

}  // namespace netdx
