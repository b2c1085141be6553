#include "dns/dns_tcp_pdus.hpp"

#include <algorithm>

#include "dns/dns_stream.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

class PduConsumer final : public StreamConsumer {
public:
    explicit PduConsumer(DnsTcpPdus& pdus) : pdus_(pdus) {}
    void on_data(int dir, Bytes data) override {
        framer_[dir & 1].feed(data, [&](Bytes msg, bool split) { pdus_.on_message(msg, split); });
    }
    void on_gap(int dir, std::uint64_t len) override { framer_[dir & 1].gap(len); }
    void on_close(EndReason) override {}

private:
    DnsTcpPdus& pdus_;
    DnsTcpFramer framer_[2];
};

}  // namespace

std::unique_ptr<StreamConsumer> DnsTcpPdus::consumer_for(const Flow& flow) {
    if (flow.key.proto != 6 || (flow.key.family != 4 && flow.key.family != 6)) return nullptr;
    const auto carries = [&](std::uint16_t port) { return std::find(ports_.begin(), ports_.end(), port) != ports_.end(); };
    if (!carries(flow.key.port_a) && !carries(flow.key.port_b)) return nullptr;
    return std::make_unique<PduConsumer>(*this);
}

void DnsTcpPdus::on_message(Bytes msg, bool split) {
    if (split) split_ = true;
    if (!split_) return;  // whole in its segment: shown in place
    out_.push_back(static_cast<std::uint8_t>(msg.size() >> 8));
    out_.push_back(static_cast<std::uint8_t>(msg.size()));
    out_.insert(out_.end(), msg.begin(), msg.end());
}

}  // namespace netdx
