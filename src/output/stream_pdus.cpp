#include "output/stream_pdus.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "dissectors/amqp/amqp_stream.hpp"
#include "dissectors/http/http_stream.hpp"
#include "dissectors/memcache/memcache_stream.hpp"
#include "dissectors/mqtt/mqtt_stream.hpp"
#include "dissectors/rpc/rpc_stream.hpp"
#include "dissectors/redis/resp_stream.hpp"
#include "dissectors/registry.hpp"
#include "dissectors/tls/tls_records.hpp"
#include "flow/flow.hpp"
#include "output/view_protocol.hpp"

namespace netdx {

namespace {

// An HTTP message larger than this is not reassembled: its frames stay as they are.
constexpr std::size_t kMaxPdu = 4u << 20;

std::string_view text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

class HttpPdus final : public StreamConsumer, public HttpStreamEvents {
public:
    // client_dir < 0: not known yet, the first bytes that start a message decide.
    HttpPdus(StreamPdus& owner, int client_dir) : owner_(owner) {
        if (client_dir >= 0) stream_.emplace(client_dir, *this);
    }

    void on_data(int dir, Bytes data) override {
        if (!stream_) {
            if (decided_) return owner_.on_unparsed();
            decided_ = true;
            const std::string_view s = text(data);
            if (!http_starts_message(s)) return owner_.on_unparsed();
            const bool request = s.substr(0, 5) != "HTTP/";
            stream_.emplace(request ? dir : 1 - dir, *this, true);
        }
        Dir& d = dirs_[dir & 1];
        owner_.on_delivered(Proto::Http);
        cur_ = data;
        d.from = 0;
        const bool reading_on = !d.active || stream_->reading_on(dir);
        stream_->feed(dir, text(data));
        // Bytes before the first message start of a direction: tshark's HTTP
        // does not take them (the frame is TCP), nor "Continuation".
        if (!stream_->synced(dir)) return owner_.on_unparsed();
        if (!d.active) return;
        // The message goes on in a later frame: keep its bytes so far.
        if (d.buf.size() + (data.size() - d.from) > kMaxPdu) {
            d.active = false;
            std::vector<std::uint8_t>().swap(d.buf);
            return;
        }
        d.buf.insert(d.buf.end(), data.begin() + static_cast<std::ptrdiff_t>(d.from), data.end());
        owner_.on_partial(reading_on ? Bytes{d.buf.data(), d.buf.size()} : Bytes{});
    }
    void on_gap(int dir, std::uint64_t len) override {
        if (!stream_) return;
        // A message with a hole is not shown reassembled.
        Dir& d = dirs_[dir & 1];
        d.active = false;
        d.buf.clear();
        stream_->gap(dir, len);
    }
    void on_close(EndReason) override {
        if (stream_) stream_->close();
    }

private:
    struct Dir {
        std::vector<std::uint8_t> buf;  // the message's bytes from earlier frames
        std::size_t from = 0;           // where it starts in the current bytes
        bool active = false;
        bool skip = false;              // started unseen (after a gap): not shown
    };
    void message_start(int dir, std::size_t at) override {
        Dir& d = dirs_[dir & 1];
        d.buf.clear();
        d.from = at;
        d.active = true;
    }
    void message_end(int dir, std::size_t at) override {
        Dir& d = dirs_[dir & 1];
        if (!d.active) return;
        d.active = false;
        Bytes tail = at == std::string_view::npos ? Bytes{} : cur_.subspan(d.from, at - d.from);
        owner_.on_pdu(Bytes{d.buf.data(), d.buf.size()}, tail);
        d.buf.clear();
        d.from = at == std::string_view::npos ? 0 : at;
    }
    void problem(HttpEnd, const char*) override {
        for (Dir& d : dirs_) {
            d.active = false;
            d.buf.clear();
        }
    }

    StreamPdus& owner_;
    std::optional<HttpStream> stream_;
    Dir dirs_[2];
    Bytes cur_;
    bool decided_ = false;
};

// TLS records, each direction cut by the shared framer; the bytes of a record
// begun in an earlier frame are kept until the frame that ends it.
class TlsPdus final : public StreamConsumer {
public:
    explicit TlsPdus(StreamPdus& owner) : owner_(owner) {}

    void on_data(int dir, Bytes data) override {
        Dir& d = dirs_[dir & 1];
        if (d.framer.stopped()) return;
        owner_.on_delivered(Proto::Tls);
        Events ev{*this, d, data};
        d.from = 0;
        d.framer.feed(data, ev);
        if (!d.active || d.framer.stopped()) return;
        d.buf.insert(d.buf.end(), data.begin() + static_cast<std::ptrdiff_t>(d.from), data.end());
        owner_.on_partial();
    }
    void on_gap(int dir, std::uint64_t len) override {
        Dir& d = dirs_[dir & 1];
        if (d.active) {
            // The record has a hole: not shown; the framing may still hold.
            d.active = false;
            d.buf.clear();
        }
        if (!d.framer.gap(len)) d.framer.stop();
    }
    void on_close(EndReason) override {}

private:
    struct Dir {
        TlsRecordFramer framer{[](std::uint8_t) { return false; }};
        std::vector<std::uint8_t> buf;
        std::size_t from = 0;
        bool active = false;
    };
    struct Events final : TlsRecordEvents {
        TlsPdus& p;
        Dir& d;
        Bytes cur;
        Events(TlsPdus& pdus, Dir& dir, Bytes bytes) : p(pdus), d(dir), cur(bytes) {}
        void record_start(std::size_t at) override {
            d.buf.clear();
            d.from = at;
            d.active = true;
        }
        void record(std::uint8_t, std::size_t, Bytes, std::size_t end) override {
            if (!d.active) return;  // began before a gap
            d.active = false;
            p.owner_.on_pdu(Bytes{d.buf.data(), d.buf.size()}, cur.subspan(d.from, end - d.from));
            d.buf.clear();
            d.from = end;
        }
        void malformed(const char*) override {
            d.active = false;
            d.buf.clear();
        }
    };

    StreamPdus& owner_;
    Dir dirs_[2];
};

// Messages of a protocol read by a per-direction stream reader (RESP values,
// memcached commands and replies): the bytes of a message begun in an
// earlier frame are kept until the frame that ends it. `Reader` is the
// protocol's one reader, `Events` its event interface (start/end offsets).
struct PduDir {
    std::vector<std::uint8_t> buf;
    std::size_t from = 0;
    bool active = false;
};

template <typename Reader>
class ReaderPdus final : public StreamConsumer {
public:
    ReaderPdus(StreamPdus& owner, Proto proto, int client_dir)
        : owner_(owner), proto_(proto), readers_{Reader(client_dir == 0), Reader(client_dir == 1)} {}

    void on_data(int dir, Bytes data) override {
        Reader& r = readers_[dir & 1];
        if (r.stopped()) return owner_.on_unparsed();
        PduDir& d = dirs_[dir & 1];
        owner_.on_delivered(proto_);
        Ev ev(*this, d, data);
        d.from = 0;
        r.feed(text(data), ev);
        if (!d.active || r.stopped()) return;
        if (d.buf.size() + (data.size() - d.from) > kMaxPdu) {
            d.active = false;
            std::vector<std::uint8_t>().swap(d.buf);
            return;
        }
        d.buf.insert(d.buf.end(), data.begin() + static_cast<std::ptrdiff_t>(d.from), data.end());
        // tshark's RESP dissects a PDU's bytes so far on each of its segments.
        owner_.on_partial(proto_ == Proto::Resp ? Bytes{d.buf.data(), d.buf.size()} : Bytes{});
    }
    void on_gap(int dir, std::uint64_t len) override {
        PduDir& d = dirs_[dir & 1];
        d.active = false;  // a message with a hole is not shown reassembled
        d.buf.clear();
        Ev ev(*this, d, {});
        readers_[dir & 1].gap(len, ev);
    }
    void on_close(EndReason) override {}

private:
    // Both readers' event interfaces, forwarded to one place.
    struct Ev final : RespEvents, MemcacheEvents, MqttEvents, AmqpEvents, RpcEvents {
        ReaderPdus& p;
        PduDir& d;
        Bytes cur;
        Ev(ReaderPdus& pdus, PduDir& dir, Bytes bytes) : p(pdus), d(dir), cur(bytes) {}
        void start(std::size_t at) {
            d.buf.clear();
            d.from = at;
            d.active = true;
        }
        void end(std::size_t at) {
            if (!d.active) return;  // began before a gap
            d.active = false;
            p.owner_.on_pdu(Bytes{d.buf.data(), d.buf.size()}, cur.subspan(d.from, at - d.from));
            d.buf.clear();
            d.from = at;
        }
        void stop() {
            d.active = false;
            d.buf.clear();
        }
        void value_start(std::size_t at) override { start(at); }
        void value_end(std::size_t at) override { end(at); }
        void malformed(RespAnomaly) override { stop(); }
        void message_start(std::size_t at) override { start(at); }
        void message_end(std::size_t at) override { end(at); }
        void malformed(MemcacheAnomaly) override { stop(); }
        void malformed(MqttAnomaly) override { stop(); }
        void malformed(AmqpAnomaly) override { stop(); }
        void malformed(RpcAnomaly) override { stop(); }
    };

    StreamPdus& owner_;
    Proto proto_;
    Reader readers_[2];
    PduDir dirs_[2];
};

}  // namespace

std::unique_ptr<StreamConsumer> StreamPdus::consumer_for(const Flow& flow) {
    const std::optional<ViewProtocol> view = view_protocol(flow);
    if (!view) return nullptr;
    const Proto p = view->proto;
    const int client_dir = view->client_dir;
    if (p == Proto::None) return std::make_unique<HttpPdus>(*this, -1);
    if (p == Proto::Tls) return std::make_unique<TlsPdus>(*this);
    if (p == Proto::Resp) return std::make_unique<ReaderPdus<RespReader>>(*this, p, client_dir);
    if (p == Proto::Memcache) return std::make_unique<ReaderPdus<MemcacheReader>>(*this, p, client_dir);
    if (p == Proto::Mqtt) return std::make_unique<ReaderPdus<MqttReader>>(*this, p, client_dir);
    if (p == Proto::Amqp) return std::make_unique<ReaderPdus<AmqpReader>>(*this, p, client_dir);
    if (p == Proto::Rpc) return std::make_unique<ReaderPdus<RpcReader>>(*this, p, client_dir);
    if (p != Proto::Http) return nullptr;
    return std::make_unique<HttpPdus>(*this, client_dir);
}

void StreamPdus::on_pdu(Bytes head, Bytes tail) {
    out_.insert(out_.end(), head.begin(), head.end());
    out_.insert(out_.end(), tail.begin(), tail.end());
    sizes_.push_back(static_cast<std::uint32_t>(head.size() + tail.size()));
}

}  // namespace netdx
