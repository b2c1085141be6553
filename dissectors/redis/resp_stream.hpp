#pragma once
// RESP (REdis Serialization Protocol, RESP2 and RESP3) over one direction of
// a reassembled TCP stream: an incremental reader that reports each element
// as it completes and where each top-level value (a command from the client,
// a reply from the server) starts and ends. The one Redis reader of netdx:
// the analysis's consumer (src/app/redis.cpp) pairs the commands and replies
// it reports, and the packet view (dissectors/resp.cpp, src/output/
// stream_pdus.cpp) shows each value on the frame that completes it, as
// tshark's RESP dissector does.
//
// Bounded: a line (simple string, error, length header, inline command) is
// buffered up to kLineCap; bulk bodies are never buffered beyond their first
// kKeep bytes; nesting deeper than kMaxDepth is malformed. Feeding the same
// bytes in one piece or split at any byte gives the same reports.
#include <cstdint>
#include <string>
#include <string_view>

namespace netdx {

// What can go wrong in a RESP stream (Wireshark's ei[] / Suricata's event
// table): each has a stable name, shown by the packet view and counted by
// the analysis.
enum class RespAnomaly : std::uint8_t {
    None = 0,
    BadType,      // a server value whose first byte is not a RESP type
    BadLength,    // a length that is not a number, or out of range
    LineTooLong,  // a line longer than kLineCap
    TooDeep,      // aggregates nested deeper than kMaxDepth
    BadBulkEnd,   // a bulk string not followed by CR LF
    StreamLost,   // a gap in the stream outside a bulk body
};
const char* resp_anomaly_name(RespAnomaly a);  // "resp.bad_type", ...

// One element as the reader completes it (aggregates when their header is read).
struct RespItem {
    char type = 0;          // '+' '-' ':' '$' '*' '_' ',' '#' '!' '=' '(' '%' '~' '>' '|', or 'i' (inline command)
    int depth = 0;          // 0: the top-level value
    std::int64_t n = 0;     // aggregates: element count; bulk: byte length; ':' the integer; -1: null
    std::string_view text;  // line text after the type byte; bulk: its first bytes (up to kKeep)
    bool text_cut = false;  // bulk longer than kKeep, or a gap inside it
    std::size_t end = 0;    // just past the element (its CR LF) in the bytes passed to feed()
};

class RespEvents {
public:
    virtual ~RespEvents() = default;
    // A top-level value starts at offset `at` of the bytes passed to feed().
    virtual void value_start(std::size_t /*at*/) {}
    virtual void item(const RespItem& /*it*/) {}
    // The top-level value ends just before offset `at` of the bytes passed to feed().
    virtual void value_end(std::size_t /*at*/) {}
    // The stream is no longer read.
    virtual void malformed(RespAnomaly /*why*/) {}
};

class RespReader {
public:
    static constexpr std::size_t kLineCap = 64 * 1024;  // redis' own inline limit (PROTO_INLINE_MAX_SIZE)
    static constexpr std::size_t kKeep = 128;           // bulk bytes kept for display and events
    static constexpr int kMaxDepth = 32;
    static constexpr std::int64_t kMaxBulk = 512LL << 20;  // redis' proto-max-bulk-len default

    // `client`: the direction a client sends on, where inline commands
    // (a line not starting with a type byte) are allowed at the top level.
    explicit RespReader(bool client) : client_(client) {}

    void feed(std::string_view data, RespEvents& ev);
    // `len` bytes missing. Inside a bulk body the framing holds; else the
    // stream is no longer read (StreamLost).
    void gap(std::uint64_t len, RespEvents& ev);
    [[nodiscard]] bool stopped() const { return mode_ == Mode::Stopped; }
    // A top-level value is under way (its end is in a later segment).
    [[nodiscard]] bool in_value() const { return in_value_; }

private:
    enum class Mode : std::uint8_t { Line, Bulk, BulkEnd, Stopped };
    void line_done(std::string_view line, std::size_t end_at, RespEvents& ev);
    void element_done(std::size_t end_at, RespEvents& ev);
    void fail(RespAnomaly why, RespEvents& ev);

    bool client_;
    Mode mode_ = Mode::Line;
    bool in_value_ = false;
    std::string line_;            // a line so far
    char bulk_[kKeep] = {};       // first bytes of the bulk being read (no allocation per element)
    std::size_t bulk_size_ = 0;
    char bulk_type_ = '$';
    std::int64_t bulk_len_ = 0;
    std::uint64_t remaining_ = 0;  // bulk bytes still to read
    std::size_t end_seen_ = 0;     // bytes of the bulk's CR LF seen
    bool bulk_cut_ = false;
    // Elements still expected by each open aggregate; attribute maps ('|')
    // do not count as an element of their parent.
    struct Open {
        std::int64_t left;
        bool attribute;
    };
    Open stack_[kMaxDepth] = {};
    int depth_ = 0;
};

// A top-level value summed up for the analysis and the info column: the
// command (name and first arguments) or the reply.
struct RespSummary {
    char type = 0;                 // of the top-level value ('i': inline command)
    std::int64_t n = 0;            // its RespItem::n
    std::string text;              // simple/error/bulk text of a scalar reply, capped
    std::string args[3];           // a command's first words (name, key, next), capped
    std::uint32_t argc = 0;        // words in the command
    std::uint32_t nulls = 0;       // null elements of an array reply (MGET misses)
    std::uint32_t elements = 0;    // direct elements of an array reply
    [[nodiscard]] bool is_error() const { return type == '-' || type == '!'; }
    [[nodiscard]] bool is_null() const { return type == '_' || (n < 0 && (type == '$' || type == '*')); }

    void add(const RespItem& it);  // call for every item of the value, in order
    void clear() { *this = RespSummary{}; }
};

// The first word of an error reply: its kind ("NOAUTH", "WRONGTYPE", "ERR").
std::string_view resp_error_kind(std::string_view text);

}  // namespace netdx
