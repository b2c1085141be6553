#pragma once
// The flow stage of the pipeline: takes decoded packets, reassembles IP
// fragments, keeps the flow table, runs the TCP analysis and feeds stream
// consumers. One call per packet; what it learned about the packet is
// returned (and attached to the packet for the field printers).
#include <functional>
#include <memory>
#include <vector>

#include "flow/flow_table.hpp"
#include "flow/ip_defrag.hpp"
#include "flow/reassembly.hpp"

namespace netdx {

struct FlowEngineConfig {
    FlowTableConfig table;
    DefragConfig defrag;
    bool analyze_tcp = true;
    bool reassemble_ip = true;
    std::size_t reassembly_per_direction = 256 * 1024;
    std::size_t reassembly_total = 64u << 20;
};

// What the engine says about one packet.
struct PacketFlowInfo {
    Flow* flow = nullptr;   // valid until the next call
    int dir = 0;            // 0 from the originator, 1 from the responder
    bool tcp = false;       // `seg` is valid
    TcpSegmentInfo seg;
    // Set when this packet completed an IP datagram: its reassembled payload
    // (what follows the IP headers), valid until the next call.
    Bytes datagram_payload;
};

class FlowEngine {
public:
    // Decides, when a TCP flow starts, whether something wants its streams.
    using ConsumerFactory = std::function<std::unique_ptr<StreamConsumer>(const Flow&)>;

    explicit FlowEngine(FlowEngineConfig cfg = {});
    void set_consumer_factory(ConsumerFactory f) { factory_ = std::move(f); }
    void on_flow_end(FlowTable::EndFn fn) { table_.on_end(std::move(fn)); }

    // pkt must be decoded. Returns the flow facts of this packet.
    const PacketFlowInfo& process(const Packet& pkt);
    // End of input: every live flow ends (reason "open").
    void finish();

    [[nodiscard]] const FlowTable& table() const { return table_; }
    [[nodiscard]] const IpDefrag& defrag() const { return defrag_; }
    [[nodiscard]] const ReassemblyBudget& reassembly() const { return budget_; }
    [[nodiscard]] std::uint64_t tcp_streams() const { return tcp_streams_; }

private:
    void account(const Packet& pkt, std::uint32_t wirelen);
    void tcp_packet(const Packet& pkt, Flow& f, int d);
    void update_state(Flow& f, int d, const TcpSegment& seg, const Timestamp& ts);

    FlowEngineConfig cfg_;
    FlowTable table_;
    IpDefrag defrag_;
    ReassemblyBudget budget_;
    ConsumerFactory factory_;
    PacketFlowInfo info_;
    std::uint64_t tcp_streams_ = 0;
    std::int64_t last_expire_sec_ = 0;
    std::vector<std::uint8_t> datagram_;   // reassembled IP datagram
    Packet inner_;                         // its decode
};

}  // namespace netdx
