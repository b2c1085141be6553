#include "dns/dns_stream.hpp"

#include "dissectors/dns_parse.hpp"
#include "dns/dns_tracker.hpp"
#include "flow/flow.hpp"

namespace netdx {

void DnsTcpFramer::gap(std::uint64_t len) {
    skipped_ += buf_.size() + len;
    buf_.clear();
    in_sync_ = false;
}

bool looks_like_dns_tcp_start(Bytes data) {
    if (data.size() < 2 + dns::kHeaderLen) return false;
    const std::size_t len = load_be16(data.data());
    dns::Header h;
    if (len < dns::kHeaderLen || !dns::read_header(data.subspan(2), h)) return false;
    const unsigned op = h.opcode();
    return h.qdcount <= 1 && (op <= 2 || op == 4 || op == 5 || op == 6);
}

namespace {

IpAddress address(const FlowKey& k, Side s) {
    const auto& b = s == Side::A ? k.a : k.b;
    return k.family == 4 ? IpAddress::v4(b.data()) : IpAddress::v6(b.data());
}

class DnsStreamConsumer final : public StreamConsumer {
public:
    DnsStreamConsumer(DnsTracker& t, const Flow& f) : tracker_(t) {
        const Side resp = f.orig == Side::A ? Side::B : Side::A;
        meta_[0].src = meta_[1].dst = address(f.key, f.orig);
        meta_[0].dst = meta_[1].src = address(f.key, resp);
        const std::uint16_t orig_port = f.orig == Side::A ? f.key.port_a : f.key.port_b;
        const std::uint16_t resp_port = f.orig == Side::A ? f.key.port_b : f.key.port_a;
        meta_[0].src_port = meta_[1].dst_port = orig_port;
        meta_[0].dst_port = meta_[1].src_port = resp_port;
        meta_[0].transport = meta_[1].transport = DnsTransport::Tcp;
    }
    void on_data(int dir, Bytes data) override {
        DnsMessageMeta& m = meta_[dir & 1];
        const DnsMessageMeta& now = tracker_.current();
        m.frame = now.frame;
        m.ts = now.ts;
        framer_[dir & 1].feed(data, [&](Bytes msg) { tracker_.on_message(m, msg); });
    }
    void on_gap(int dir, std::uint64_t len) override {
        framer_[dir & 1].gap(len);
        tracker_.on_stream_gap(len);
    }
    void on_close(EndReason) override {
        // A message still incomplete when the stream ends will never be whole.
        for (DnsTcpFramer& f : framer_)
            if (f.buffered()) f.gap(0), tracker_.on_stream_gap(0);
    }

private:
    DnsTracker& tracker_;
    DnsMessageMeta meta_[2];
    DnsTcpFramer framer_[2];
};

}  // namespace

std::unique_ptr<StreamConsumer> make_dns_stream_consumer(DnsTracker& tracker, const Flow& flow) {
    if (flow.key.family != 4 && flow.key.family != 6) return nullptr;
    if (flow.key.proto != 6) return nullptr;
    if (flow.key.port_a != dns::kPortDns && flow.key.port_b != dns::kPortDns) return nullptr;
    return std::make_unique<DnsStreamConsumer>(tracker, flow);
}

}  // namespace netdx
