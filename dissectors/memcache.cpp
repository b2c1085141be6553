// memcached's text protocol for the packet view, with tshark 4.0's memcache
// field names: every message of the frame's bytes (one segment, or those the
// stream reassembly completed on it: src/output/stream_pdus.cpp), read by the
// shared MemcacheReader (dissectors/memcache/memcache_stream.hpp). The info
// column is each message's first line, as tshark shows it. Differences from
// tshark 4.0, which shows these frames as "Continuation" without fields:
// error replies (ERROR, CLIENT_ERROR, SERVER_ERROR) give memcache.response,
// and commands it does not know give memcache.command. memcache.value holds
// at most the first 128 bytes of a data block.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/memcache/memcache_stream.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

bool is_request(const Packet& pkt) { return sent_to_server(pkt, Proto::Memcache); }

// Runs `f(line, data, data_len, first_of_message, after_value)` on every line.
template <typename F>
MemcacheAnomaly walk(const Packet& pkt, const Layer& l, F&& f) {
    struct Ev final : MemcacheEvents {
        F& f;
        bool first = true, after_value = false;
        MemcacheAnomaly bad = MemcacheAnomaly::None;
        explicit Ev(F& fn) : f(fn) {}
        void message_start(std::size_t) override {
            first = true;
            after_value = false;
        }
        void line(const MemcacheLine& ln, std::string_view data, std::int64_t len) override {
            f(ln, data, len, first, after_value);
            first = false;
            after_value = after_value || ln.word(0) == "VALUE";
        }
        void malformed(MemcacheAnomaly why) override { bad = why; }
    };
    Ev ev(f);
    MemcacheReader r(is_request(pkt));
    r.feed(layer_text(pkt, l), ev);
    return ev.bad;
}

void memcache_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::size_t before = out.size();
    walk(pkt, l, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool first, bool) {
        if (!first) return;
        if (out.size() > before) out.push_back(' ');
        append_escaped(out, ln.line.substr(0, 256));
        out.push_back(' ');
    });
    if (out.size() == before) info(out, "MEMCACHE Continuation");
}

bool single_reply(std::string_view w) {
    return w == "STORED" || w == "NOT_STORED" || w == "EXISTS" || w == "NOT_FOUND" || w == "DELETED" ||
           w == "TOUCHED" || w == "OK" || w == "END" || w == "ERROR" || w == "CLIENT_ERROR" || w == "SERVER_ERROR";
}

void f_command(const FieldContext& c, FieldOut& out) {
    if (!is_request(c.pkt)) return;
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool, bool) {
        if (ln.count) out.text(ln.word(0));
    });
}

void f_key(const FieldContext& c, FieldOut& out) {
    const bool req = is_request(c.pkt);
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool, bool) {
        if (!req) {
            if (ln.word(0) == "VALUE" && ln.count > 1) out.text(ln.word(1));
            return;
        }
        int first = 0, last = 0;
        memcache_key_words(ln, first, last);
        for (int i = first; i < last; ++i) out.text(ln.word(i));
    });
}

// A numeric word of storage commands (client) or VALUE lines (server).
template <int ClientWord, int ServerWord>
void f_number(const FieldContext& c, FieldOut& out) {
    const bool req = is_request(c.pkt);
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool, bool) {
        int w = -1;
        if (req && memcache_data_length_word(ln.word(0)) == 4) w = ClientWord;
        else if (!req && ln.word(0) == "VALUE") w = ServerWord;
        if (w < 0 || w >= ln.count) return;
        const std::string_view s = ln.word(w);
        if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) out.raw(s);
    });
}

void f_value(const FieldContext& c, FieldOut& out) {
    const bool req = is_request(c.pkt);
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view data, std::int64_t len, bool, bool) {
        if (len >= 0) {
            if (len > 0) out.text(data);
            return;
        }
        if (req && (ln.word(0) == "incr" || ln.word(0) == "decr") && ln.count > 2) out.text(ln.word(2));
    });
}

void f_cas(const FieldContext& c, FieldOut& out) {
    const bool req = is_request(c.pkt);
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool, bool) {
        if (req && ln.word(0) == "cas" && ln.count > 5) out.raw(ln.word(5));
        else if (!req && ln.word(0) == "VALUE" && ln.count > 4) out.raw(ln.word(4));
    });
}

void f_noreply(const FieldContext& c, FieldOut& out) {
    if (!is_request(c.pkt)) return;
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool, bool) {
        if (ln.count > 1 && ln.word(ln.count - 1) == "noreply") out.raw("noreply");
    });
}

// tshark: the status word of a single-line reply (END alone: a miss; not
// the END closing VALUE lines).
void f_response(const FieldContext& c, FieldOut& out) {
    if (is_request(c.pkt)) return;
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool first, bool after_value) {
        if (first && !after_value && single_reply(ln.word(0))) out.text(ln.word(0));
    });
}

void f_version(const FieldContext& c, FieldOut& out) {
    if (is_request(c.pkt)) return;
    walk(c.pkt, *c.layer, [&](const MemcacheLine& ln, std::string_view, std::int64_t, bool, bool) {
        if (ln.word(0) == "VERSION" && ln.count > 1) out.text(ln.word(1));
    });
}

void f_anomaly(const FieldContext& c, FieldOut& out) {
    const MemcacheAnomaly a =
        walk(c.pkt, *c.layer, [](const MemcacheLine&, std::string_view, std::int64_t, bool, bool) {});
    if (a != MemcacheAnomaly::None) out.raw(memcache_anomaly_name(a));
}

const FieldDef kFields[] = {
    {"memcache.command", "Command", f_command},
    {"memcache.key", "Key", f_key},
    {"memcache.flags", "Flags", f_number<2, 2>},
    {"memcache.expiration", "Expiration", f_number<3, 99>},
    {"memcache.value", "Value (first 128 bytes)", f_value},
    {"memcache.cas", "CAS", f_cas},
    {"memcache.noreply", "Noreply", f_noreply},
    {"memcache.response", "Response", f_response},
    {"memcache.version", "Version", f_version},
    {"netdx.memcache.anomaly", "Parse anomaly", f_anomaly},
};

}  // namespace

const DissectorDef memcache_dissector = {Proto::Memcache, "memcache", "MEMCACHE", decode, memcache_info, kFields, {}};

}  // namespace netdx
