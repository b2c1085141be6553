// ONC RPC over reassembled TCP: the records of both directions, framed by
// RpcReader (dissectors/rpc/rpc_stream.hpp, shared with the packet view),
// their calls paired with their replies by xid (RpcPairing). A gap outside a
// record or a malformed stream ends the reading of the flow; its waiting
// calls are then dropped, not reported unanswered (what answers what is no
// longer known).
#include "app/rpc_pairing.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

class RpcConsumer final : public StreamConsumer {
public:
    RpcConsumer(const AppEndpoints& ep, AppContext ctx)
        : ep_(ep), ctx_(ctx), pairing_(ctx.bus), sides_{Side(*this), Side(*this)} {}

    void on_data(int dir, Bytes data) override {
        if (stopped_) return;
        const std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
        readers_[dir & 1].feed(s, sides_[dir & 1]);
    }
    void on_gap(int dir, std::uint64_t len) override {
        if (!stopped_) readers_[dir & 1].gap(len, sides_[dir & 1]);
    }
    void on_close(EndReason why) override {
        if (!stopped_) pairing_.finish(why == EndReason::Open);
        stopped_ = true;
    }

private:
    struct Side final : RpcEvents {
        RpcConsumer& c;
        explicit Side(RpcConsumer& owner) : c(owner) {}
        void message(const RpcRecord& r) override {
            if (!c.stopped_) c.pairing_.message(rpc_header(r.body), c.ep_, true, c.ctx_.clock);
        }
        void malformed(RpcAnomaly) override { c.stopped_ = true; }
    };

    AppEndpoints ep_;
    AppContext ctx_;
    RpcPairing pairing_;
    RpcReader readers_[2];
    Side sides_[2];
    bool stopped_ = false;
};

std::unique_ptr<StreamConsumer> make_rpc(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<RpcConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kRpcProtocol{"rpc", make_rpc, nullptr};

}  // namespace netdx
