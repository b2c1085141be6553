#pragma once
// ONC RPC (RFC 5531): the TCP record marking framer (section 11: each record
// is fragments of a 4-byte marker, its high bit "last fragment", its low 31
// bits the fragment's length) and the call/reply header read from one message
// (a UDP datagram, or a record). The one RPC reader of netdx: the analysis's
// consumer (src/app/rpc.cpp) pairs what it reports and the packet view
// (dissectors/rpc.cpp, src/output/stream_pdus.cpp) shows each message on the
// frame that completes it, as tshark's RPC over TCP does.
//
// Bounded: only the first kKeep bytes of a record are kept (the header, its
// credential and verifier: at most 24 + 2 * (8 + 400) bytes); the rest is
// counted and skipped, so a hostile fragment length costs no memory. Feeding
// the same bytes in one piece or split at any byte gives the same reports.
#include <cstdint>
#include <string>
#include <string_view>

namespace netdx {

// What can go wrong in an RPC stream (Wireshark's ei[] / Suricata's events).
enum class RpcAnomaly : std::uint8_t {
    None = 0,
    BadLength,   // a fragment over kMaxFragment: not RPC record marking
    StreamLost,  // a gap in the stream outside a record's body
};
const char* rpc_anomaly_name(RpcAnomaly a);  // "rpc.bad_length", ...

// One record as the framer completes it.
struct RpcRecord {
    std::string_view body;       // its first bytes (up to kKeep), fragments joined
    std::uint64_t length = 0;    // all its bytes, markers left out
    std::uint32_t fragments = 0;
    bool cut = false;            // longer than kKeep, or a gap inside it
    std::size_t end = 0;         // just past it in the bytes passed to feed()
};

class RpcEvents {
public:
    virtual ~RpcEvents() = default;
    virtual void message_start(std::size_t /*at*/) {}
    virtual void message(const RpcRecord& /*r*/) {}
    virtual void message_end(std::size_t /*at*/) {}
    virtual void malformed(RpcAnomaly /*why*/) {}
};

class RpcReader {
public:
    static constexpr std::size_t kKeep = 1024;
    // tshark 4.0's largest RPC-over-TCP PDU (its rpc.max_tcp_pdu_size, 4 MiB);
    // a longer fragment is not taken for record marking.
    static constexpr std::uint32_t kMaxFragment = 4u << 20;

    explicit RpcReader(bool /*client*/ = true) {}
    void feed(std::string_view data, RpcEvents& ev);
    // `len` bytes missing: inside a fragment the framing holds; else the
    // stream is no longer read (StreamLost).
    void gap(std::uint64_t len, RpcEvents& ev);
    [[nodiscard]] bool stopped() const { return mode_ == Mode::Stopped; }
    [[nodiscard]] bool in_message() const { return started_; }

private:
    enum class Mode : std::uint8_t { Marker, Body, Stopped };
    void fail(RpcAnomaly why, RpcEvents& ev);
    void fragment_done(std::size_t end_at, RpcEvents& ev);

    Mode mode_ = Mode::Marker;
    bool started_ = false;  // a record is under way
    std::uint32_t marker_ = 0;
    int marker_bytes_ = 0;
    bool last_ = false;
    std::uint32_t remaining_ = 0;
    std::uint64_t length_ = 0;
    std::uint32_t fragments_ = 0;
    std::string body_;
    bool cut_ = false;
};

enum : std::uint32_t { kRpcCall = 0, kRpcReply = 1 };
enum : std::uint32_t { kRpcAccepted = 0, kRpcDenied = 1 };
enum : std::uint32_t {
    kRpcSuccess = 0, kRpcProgUnavail, kRpcProgMismatch, kRpcProcUnavail, kRpcGarbageArgs, kRpcSystemErr,
};
enum : std::uint32_t { kRpcMismatch = 0, kRpcAuthError = 1 };

// The call or reply header of one message.
struct RpcHeader {
    bool valid = false;      // xid and a msg_type of 0 or 1 (and rpcvers 2 for a call)
    bool truncated = false;  // the bytes ended before a field
    std::uint32_t xid = 0, msg_type = 0;
    // Call
    std::uint32_t rpcvers = 0, prog = 0, vers = 0, proc = 0;
    std::uint32_t cred_flavor = 0, verf_flavor = 0;
    bool has_cred = false, has_verf = false;
    // Reply
    bool has_reply_stat = false, has_accept_stat = false, has_reject_stat = false;
    std::uint32_t reply_stat = 0, accept_stat = 0, reject_stat = 0;
    bool has_range = false;  // PROG_MISMATCH / RPC_MISMATCH low..high
    std::uint32_t low = 0, high = 0;
    bool has_auth_stat = false;
    std::uint32_t auth_stat = 0;
};
RpcHeader rpc_header(std::string_view msg);

const char* rpc_accept_stat_name(std::uint32_t s);  // "PROG_UNAVAIL", ...
const char* rpc_auth_stat_name(std::uint32_t s);    // "AUTH_BADCRED", ...

}  // namespace netdx
