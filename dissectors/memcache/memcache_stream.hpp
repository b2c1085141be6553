#pragma once
// The memcached text protocol over one direction of a reassembled TCP
// stream: an incremental reader of command lines (with the data block of
// storage commands) from the client, and of replies (VALUE lines with their
// data up to END, STAT lines up to END, or one status line) from the server.
// The one memcached reader of netdx: the analysis's consumer
// (src/app/memcache.cpp) pairs commands with replies, and the packet view
// (dissectors/memcache.cpp, src/output/stream_pdus.cpp) shows each message
// on the frame that completes it.
//
// Bounded: lines up to kLineCap (memcached's own key limit is 250 bytes;
// its command lines are short), data blocks never buffered beyond kKeep.
// The binary protocol (magic 0x80) is not read: such a stream stops with
// MemcacheAnomaly::Binary.
#include <cstdint>
#include <string>
#include <string_view>

namespace netdx {

enum class MemcacheAnomaly : std::uint8_t {
    None = 0,
    LineTooLong,  // a line longer than kLineCap
    BadDataEnd,   // a data block not followed by CR LF
    Binary,       // the binary protocol (not read)
    StreamLost,   // a gap outside a data block
};
const char* memcache_anomaly_name(MemcacheAnomaly a);  // "memcache.line_too_long", ...

// A client command, or one line of a server reply, split in words.
struct MemcacheLine {
    static constexpr int kMaxWords = 24;
    std::string_view line;                 // without its line end
    std::string_view words[kMaxWords];
    int count = 0;                         // words kept (at most kMaxWords)
    int total = 0;                         // words on the line
    [[nodiscard]] std::string_view word(int i) const { return i < count ? words[i] : std::string_view{}; }
};
void memcache_split(std::string_view line, MemcacheLine& out);

// Commands that carry a data block: the index of its length among the words
// (set/add/replace/append/prepend/cas: 4; ms: 2), or -1.
int memcache_data_length_word(std::string_view command);
// Keys a command names: the word range [first, last) (get k1 k2..: all words after the command).
void memcache_key_words(const MemcacheLine& l, int& first, int& last);
// A reply word that ends a get/gets/stats reply, or a single-line reply.
bool memcache_is_value_line(std::string_view word);  // VALUE (its data follows; the reply goes on)

class MemcacheEvents {
public:
    virtual ~MemcacheEvents() = default;
    // A message (command or reply) starts at offset `at` of the bytes passed to feed().
    virtual void message_start(std::size_t /*at*/) {}
    // A line of the message, and the start of the data block that follows it
    // (`data`: its first bytes, `data_len` its length; -1 none). Views valid during the call.
    virtual void line(const MemcacheLine& /*l*/, std::string_view /*data*/, std::int64_t /*data_len*/) {}
    // The message ends just before offset `at` of the bytes passed to feed().
    virtual void message_end(std::size_t /*at*/) {}
    virtual void malformed(MemcacheAnomaly /*why*/) {}
};

class MemcacheReader {
public:
    static constexpr std::size_t kLineCap = 8 * 1024;
    static constexpr std::size_t kKeep = 128;
    static constexpr std::int64_t kMaxData = 1LL << 30;

    explicit MemcacheReader(bool client) : client_(client) {}
    void feed(std::string_view data, MemcacheEvents& ev);
    void gap(std::uint64_t len, MemcacheEvents& ev);
    [[nodiscard]] bool stopped() const { return mode_ == Mode::Stopped; }
    [[nodiscard]] bool in_message() const { return in_message_; }

private:
    enum class Mode : std::uint8_t { Line, Data, DataEnd, Stopped };
    void line_done(std::string_view line, std::size_t end_at, MemcacheEvents& ev);
    void item_done(std::size_t end_at, MemcacheEvents& ev);
    void fail(MemcacheAnomaly why, MemcacheEvents& ev);
    [[nodiscard]] std::string_view held() const { return {held_, held_size_}; }

    bool client_;
    Mode mode_ = Mode::Line;
    bool in_message_ = false;
    bool multi_ = false;          // server: inside a VALUE/STAT reply, until END
    bool started_ = false;        // the first byte was checked for the binary magic
    std::string line_;            // a line so far
    // The line whose data block is being read, and the block's first bytes
    // (fixed buffers: the packet view runs a reader per frame, without allocating).
    static constexpr std::size_t kHeldCap = 512;
    char held_[kHeldCap] = {};
    std::size_t held_size_ = 0;
    char data_[kKeep] = {};
    std::size_t data_size_ = 0;
    std::int64_t data_len_ = 0;
    std::uint64_t remaining_ = 0;
    std::size_t end_seen_ = 0;
};

}  // namespace netdx
