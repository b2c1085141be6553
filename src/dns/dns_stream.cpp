#include "dns/dns_stream.hpp"

#include "dissectors/dns_parse.hpp"
#include "dns/dns_heuristic.hpp"
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

// A TCP flow on a port not bound to DNS: buffers the originator's first
// message, then becomes the DNS consumer or hands everything to `other`.
class DnsSniffConsumer final : public StreamConsumer {
public:
    DnsSniffConsumer(DnsTracker& t, const Flow& f, std::unique_ptr<StreamConsumer> other)
        : other_(std::move(other)), dns_(t, f) {}

    void on_data(int dir, Bytes data) override {
        if (target_) {
            if (target_ != &quiet_) target_->on_data(dir, data);
            return;
        }
        if (dir != 0) {  // the responder spoke before the query was complete
            decide(false);
            on_data(dir, data);
            return;
        }
        const std::size_t take = std::min(data.size(), kDnsSniffMax + 2 - std::min(buf_.size(), kDnsSniffMax + 2));
        buf_.insert(buf_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
        const Bytes rest = data.subspan(take);
        if (const int verdict = judge(); verdict >= 0) {
            decide(verdict == 1);
            if (!rest.empty()) on_data(dir, rest);
        }
    }
    void on_gap(int dir, std::uint64_t len) override {
        if (!target_) decide(false);
        if (target_ != &quiet_) target_->on_gap(dir, len);
    }
    void on_overlap(int dir, std::uint64_t len, bool differs) override {
        if (target_ && target_ != &quiet_) target_->on_overlap(dir, len, differs);
    }
    void on_close(EndReason why) override {
        if (!target_) decide(false);
        if (target_ != &quiet_) target_->on_close(why);
    }

private:
    // 1: DNS, 0: not DNS, -1: not known yet (the first message is incomplete).
    int judge() const {
        const Bytes b(buf_.data(), buf_.size());
        if (b.size() < 2) return -1;
        const std::size_t len = load_be16(b.data());
        if (len < dns::kHeaderLen || len > kDnsSniffMax) return 0;
        if (b.size() >= 2 + dns::kHeaderLen) {
            // Reject early on the header, so other protocols are not held back.
            dns::Header h;
            if (!dns::read_header(b.subspan(2), h) || h.response() || h.qdcount != 1 || h.rcode() != 0) return 0;
        }
        if (b.size() < 2 + len) return -1;
        return looks_like_dns_tcp_query(b.first(2 + len)) ? 1 : 0;
    }
    void decide(bool is_dns) {
        if (is_dns) {
            other_.reset();
            target_ = &dns_;
        } else {
            target_ = other_ ? other_.get() : &quiet_;
        }
        std::vector<std::uint8_t> held;
        held.swap(buf_);
        if (!held.empty() && target_ != &quiet_) target_->on_data(0, Bytes(held.data(), held.size()));
    }

    struct Quiet final : StreamConsumer {
        void on_data(int, Bytes) override {}
        void on_gap(int, std::uint64_t) override {}
        void on_close(EndReason) override {}
    };

    std::unique_ptr<StreamConsumer> other_;
    DnsStreamConsumer dns_;  // used once the first message passed
    Quiet quiet_;
    StreamConsumer* target_ = nullptr;  // null until decided
    std::vector<std::uint8_t> buf_;     // the originator's first bytes, at most kDnsSniffMax + 2
};

}  // namespace

std::unique_ptr<StreamConsumer> make_dns_stream_consumer(DnsTracker& tracker, const Flow& flow,
                                                         std::unique_ptr<StreamConsumer> other) {
    if ((flow.key.family != 4 && flow.key.family != 6) || flow.key.proto != 6) return other;
    if (flow.key.port_a == dns::kPortDns || flow.key.port_b == dns::kPortDns)
        return std::make_unique<DnsStreamConsumer>(tracker, flow);
    if (dns_heuristic_skips_port(flow.key.port_a) || dns_heuristic_skips_port(flow.key.port_b)) return other;
    return std::make_unique<DnsSniffConsumer>(tracker, flow, std::move(other));
}

}  // namespace netdx
