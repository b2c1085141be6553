// The TLS handshake over reassembled TCP: cuts each direction into records
// (RFC 8446 5.1), reassembles handshake messages across records and segments
// (bounded), reads the hellos and the leaf certificate, collects alerts, and
// emits one TlsSession when the flow ends. Once the handshake has completed
// nothing more is read: the rest is encrypted application data.
#include <algorithm>
#include <vector>

#include "app/app_stream.hpp"
#include "app/tls_handshake.hpp"
#include "dissectors/tls/tls_records.hpp"
#include "events/tls_events.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxHandshake = 64 * 1024;  // a certificate chain fits; more is not a real handshake
// A TLS 1.3 encrypted alert: 2 alert bytes + 1 content type + 16-byte AEAD tag.
constexpr std::size_t kEncryptedAlert13 = 19;

struct Direction {
    // Records are cut by the shared framer (dissectors/tls/tls_records.hpp);
    // application data and heartbeat bodies are only counted.
    TlsRecordFramer framer{[](std::uint8_t type) { return type != kTlsAppData && type != kTlsHeartbeat; }};
    std::vector<std::uint8_t> hs;   // handshake message bytes not yet complete
    bool ccs = false;               // this side switched to encryption
};

class TlsConsumer final : public StreamConsumer {
public:
    TlsConsumer(const AppEndpoints& ep, AppContext ctx) : ctx_(ctx), client_dir_(ep.client_dir) {
        set_endpoints(s_, ep);
    }

    void on_data(int dir, Bytes data) override {
        Events ev{*this, dir & 1};
        dirs_[dir & 1].framer.feed(data, ev);
    }

    void on_gap(int dir, std::uint64_t len) override {
        Direction& d = dirs_[dir & 1];
        if (d.framer.stopped() || (d.framer.resyncing() && !seen_)) return;
        if (d.framer.gap(len)) return;
        s_.gap = true;
        stop("bytes missing from the capture");
    }

    void on_close(EndReason why) override {
        if (!seen_ || emitted_) return;
        emitted_ = true;
        s_.at_capture_end = why == EndReason::Open;
        ctx_.bus.publish(s_);
    }

private:
    struct Events final : TlsRecordEvents {
        TlsConsumer& c;
        int dir;
        Events(TlsConsumer& consumer, int d) : c(consumer), dir(d) {}
        void record_start(std::size_t) override { c.first_record(); }
        void record(std::uint8_t type, std::size_t length, Bytes body, std::size_t) override {
            c.record(dir, c.dirs_[dir], type, body, length);
        }
        void malformed(const char* what) override { c.malformed(what); }
    };

    void first_record() {
        if (seen_) return;
        seen_ = true;
        s_.where = ctx_.clock.where;
        s_.ts = ctx_.clock.ts;
    }

    // One whole record of `length` bytes. For application data only its
    // arrival and size matter (`body` is empty when it was not buffered).
    void record(int dir, Direction& d, std::uint8_t type, Bytes body, std::size_t length) {
        if (d.framer.stopped()) return;
        const bool client = dir == client_dir_;
        switch (type) {
            case kTlsCcs:
                d.ccs = true;
                (client ? s_.client_ccs : s_.server_ccs) = true;
                break;
            case kTlsAlert: alerts(client, d.ccs, body); break;
            case kTlsHandshake:
                if (!d.ccs) handshake(client, d, body);  // after CCS it is the encrypted Finished
                break;
            case kTlsAppData: app_data(client, length); break;
            default: break;
        }
        // TLS 1.3 peers send ChangeCipherSpec only for middleboxes (RFC 8446 D.4).
        const bool ccs_done = s_.version != kTls13 && s_.client_ccs && s_.server_ccs;
        if (!s_.completed && (ccs_done || tls13_done_)) {
            s_.completed = true;
            stop_reading();
        }
    }

    void alerts(bool client, bool encrypted, Bytes body) {
        if (encrypted || body.size() % 2 || body.empty()) {
            add_alert(client, true, 0, 0);
            return;
        }
        for (std::size_t i = 0; i + 1 < body.size(); i += 2) add_alert(client, false, body[i], body[i + 1]);
    }

    void add_alert(bool client, bool encrypted, std::uint8_t level, std::uint8_t desc) {
        ++s_.alert_count;
        if (s_.alerts.size() >= kTlsAlertCap) return;
        TlsAlert a;
        a.from_client = client;
        a.encrypted = encrypted;
        a.level = level;
        a.description = desc;
        a.where = ctx_.clock.where;
        a.ts = ctx_.clock.ts;
        s_.alerts.push_back(a);
    }

    void app_data(bool client, std::size_t len) {
        (client ? s_.client_app_data : s_.server_app_data) = true;
        if (!(s_.server_hello && s_.version == kTls13)) return;
        // TLS 1.3 hides the rest of the handshake in application data records:
        // the client's first one is its Finished, or an alert when it rejects
        // the server (told apart only by size).
        if (client && !client_flight_seen_) {
            client_flight_seen_ = true;
            if (len == kEncryptedAlert13) add_alert(true, true, 0, 0);
            else tls13_done_ = s_.server_app_data;
        }
    }

    void handshake(bool client, Direction& d, Bytes body) {
        if (d.hs.empty()) {
            const std::size_t used = messages(client, body);
            if (used == ~std::size_t{0}) return;
            body = body.subspan(used);
            d.hs.assign(body.begin(), body.end());
            return;
        }
        d.hs.insert(d.hs.end(), body.begin(), body.end());
        const std::size_t used = messages(client, Bytes(d.hs.data(), d.hs.size()));
        if (used == ~std::size_t{0}) return;
        d.hs.erase(d.hs.begin(), d.hs.begin() + static_cast<std::ptrdiff_t>(used));
    }

    // Reads the complete messages at the start of `b`; returns the bytes used,
    // or ~0 when reading stopped (malformed).
    std::size_t messages(bool client, Bytes b) {
        std::size_t off = 0;
        while (b.size() - off >= 4) {
            const std::uint8_t type = b[off];
            const std::size_t len = (std::size_t{b[off + 1]} << 16) | (std::size_t{b[off + 2]} << 8) | b[off + 3];
            if (len > kMaxHandshake) {
                malformed("handshake message longer than 64 KiB");
                return ~std::size_t{0};
            }
            if (b.size() - off - 4 < len) break;
            const char* problem = message(client, type, b.subspan(off + 4, len));
            if (problem) {
                malformed(problem);
                return ~std::size_t{0};
            }
            off += 4 + len;
        }
        return off;
    }

    const char* message(bool client, std::uint8_t type, Bytes body) {
        if (type == 1 && client && !s_.client_hello) return read_client_hello(body, s_);
        if (type == 2 && !client && !s_.server_hello) {
            s_.server_hello_frame = ctx_.clock.where;
            return read_server_hello(body, s_);
        }
        if (type == 11 && !client && !s_.has_certificate && s_.version != kTls13) {
            s_.leaf.where = ctx_.clock.where;
            return read_certificate(body, s_);
        }
        return nullptr;
    }

    void malformed(const char* problem) {
        s_.malformed = true;
        stop(problem);
    }

    void stop(const char* problem) {
        if (s_.problem.empty()) s_.problem = problem;
        stop_reading();
    }

    void stop_reading() {
        for (Direction& d : dirs_) {
            d.framer.stop();
            std::vector<std::uint8_t>().swap(d.hs);
        }
    }

    AppContext ctx_;
    int client_dir_;
    TlsSession s_;
    Direction dirs_[2];
    bool seen_ = false, emitted_ = false, client_flight_seen_ = false, tls13_done_ = false;
};

std::unique_ptr<StreamConsumer> make_tls(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<TlsConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kTlsProtocol{"tls", make_tls};

}  // namespace netdx
