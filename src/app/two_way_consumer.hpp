#pragma once
// A consumer that reads each direction of a flow with its own incremental
// reader from dissectors/<proto>/ (MQTT, AMQP, ONC RPC, Redis, memcached):
// the base routes bytes and gaps to the client's or the server's reader and
// stops reading the flow for good once the consumer calls stop() (a
// malformed stream, a gap the reader cannot cross: what answers what is no
// longer known), so the consumer only turns the readers' callbacks into
// transactions.
#include <cstdint>
#include <string_view>

#include "app/app_stream.hpp"
#include "flow/flow.hpp"

namespace netdx {

// Reader: feed(std::string_view, Events&), gap(std::uint64_t, Events&), and
// a constructor taking whether it reads the client's side.
template <typename Reader, typename Events>
class TwoWayConsumer : public StreamConsumer {
public:
    void on_data(int dir, Bytes data) override {
        if (stopped_) return;
        const bool from_client = dir == ep_.client_dir;
        heard(from_client);
        const std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
        readers_[from_client ? 0 : 1].feed(s, events(from_client));
    }
    void on_gap(int dir, std::uint64_t len) override {
        if (stopped_) return;
        const bool from_client = dir == ep_.client_dir;
        readers_[from_client ? 0 : 1].gap(len, events(from_client));
    }
    void on_close(EndReason why) override {
        if (stopped_) return;
        closed(why == EndReason::Open);
        stop();
    }

protected:
    TwoWayConsumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    // The callbacks of the reader of one side.
    virtual Events& events(bool from_client) = 0;
    // Bytes of one side arrive, before its reader sees them.
    virtual void heard(bool /*from_client*/) {}
    // The flow ended while it was still read (at_capture_end: the capture
    // ended first): what still waits for an answer is reported here.
    virtual void closed(bool at_capture_end) = 0;
    // What stop() drops: the exchanges that were waiting.
    virtual void forget() {}

    void stop() {
        stopped_ = true;
        forget();
    }
    [[nodiscard]] bool stopped() const { return stopped_; }

    AppEndpoints ep_;
    AppContext ctx_;

private:
    Reader readers_[2]{Reader(true), Reader(false)};  // [0] the client's
    bool stopped_ = false;
};

// The same for a reader that reports whole messages (a frame, a control
// packet, a record): the consumer gets each with its side, and a malformed
// stream stops the reading.
template <typename Reader, typename Events, typename Message, typename Anomaly>
class MessageConsumer : public TwoWayConsumer<Reader, Events> {
protected:
    MessageConsumer(const AppEndpoints& ep, AppContext ctx) : TwoWayConsumer<Reader, Events>(ep, ctx) {}

    virtual void message(const Message& m, bool from_client) = 0;

private:
    struct Side final : Events {
        MessageConsumer& c;
        bool client;
        Side(MessageConsumer& owner, bool is_client) : c(owner), client(is_client) {}
        void message(const Message& m) override { c.message(m, client); }
        void malformed(Anomaly) override { c.stop(); }
    };

    Events& events(bool from_client) final { return sides_[from_client ? 0 : 1]; }

    Side sides_[2]{Side(*this, true), Side(*this, false)};
};

}  // namespace netdx
