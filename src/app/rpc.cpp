// ONC RPC over reassembled TCP: the records of both directions, framed by
// RpcReader (dissectors/rpc/rpc_stream.hpp, shared with the packet view),
// their calls paired with their replies by xid (RpcPairing). A gap outside a
// record or a malformed stream ends the reading of the flow; its waiting
// calls are then dropped, not reported unanswered (what answers what is no
// longer known).
#include "app/rpc_pairing.hpp"
#include "app/two_way_consumer.hpp"

namespace netdx {

namespace {

class RpcConsumer final : public MessageConsumer<RpcReader, RpcEvents, RpcRecord, RpcAnomaly> {
public:
    RpcConsumer(const AppEndpoints& ep, AppContext ctx) : MessageConsumer(ep, ctx), pairing_(ctx.bus) {}

private:
    // Calls and replies are told apart by their header, not by their side.
    void message(const RpcRecord& r, bool /*from_client*/) override {
        if (!stopped()) pairing_.message(rpc_header(r.body), ep_, true, ctx_.clock);
    }
    void closed(bool at_capture_end) override { pairing_.finish(at_capture_end); }

    RpcPairing pairing_;
};

std::unique_ptr<StreamConsumer> make_rpc(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<RpcConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kRpcProtocol{"rpc", make_rpc, nullptr};

}  // namespace netdx
