// The stream payload of one flow (Wireshark's "Follow stream"), rebuilt on
// the UI thread from the flow's packets still in the list: TCP through the
// project's stream reassembler (in order, per direction, holes shown as
// gaps), other protocols datagram by datagram. Bytes are escaped; the text
// kept is capped, so a bulk transfer cannot grow it without bound.
#include <fmt/format.h>

#include <algorithm>

#include "core/escape.hpp"
#include "dissectors/decode.hpp"
#include "flow/reassembly.hpp"
#include "tui/format.hpp"
#include "tui/ui_state.hpp"

namespace netdx::tui {

namespace {

constexpr std::size_t kMaxPayloadBytes = 256 * 1024;

const ConvRow* find_conv(const Model& m, std::uint64_t id) {
    for (const ConvRow& c : m.convs())
        if (c.id == id) return &c;
    return nullptr;
}

// Turns delivered bytes into display lines: one header line per change of
// direction, then the text split at newlines and wrapped to the width.
class Follow final : public StreamConsumer {
public:
    Follow(PayloadCache& out, int width) : out_(out), width_(static_cast<std::size_t>(std::max(width - 2, 16))) {}
    std::uint64_t frame = 0;

    void on_data(int dir, Bytes data) override {
        if (data.empty()) return;
        if (out_.bytes >= kMaxPayloadBytes) {
            out_.capped = true;
            return;
        }
        const std::size_t n = std::min(data.size(), kMaxPayloadBytes - out_.bytes);
        if (n < data.size()) out_.capped = true;
        out_.bytes += n;
        out_.dir_bytes[dir] += n;
        if (dir != last_dir_) {
            flush_line();
            out_.lines.push_back({fmt::format("-- {} frame {} --", dir == 0 ? "A>B" : "B>A", frame), -1});
            last_dir_ = dir;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const auto c = static_cast<char>(data[i]);
            if (c == '\n') {
                if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
                flush_line(true);
            } else {
                partial_.push_back(c);
            }
        }
    }
    void on_gap(int dir, std::uint64_t len) override {
        flush_line();
        out_.lines.push_back({fmt::format("[{} bytes missing {} (not captured, or no longer in the list)]", len,
                                          dir == 0 ? "A>B" : "B>A"), -1});
        last_dir_ = -1;
    }
    void on_close(EndReason) override {}
    void finish() { flush_line(); }

private:
    // Wraps at the width without splitting the escape of one byte.
    void flush_line(bool force = false) {
        if (partial_.empty() && !force) return;
        const char* mark = last_dir_ == 0 ? "> " : "< ";
        std::string line = mark;
        fmt::memory_buffer one;
        for (const char c : partial_) {
            one.clear();
            append_escaped(one, std::string_view(&c, 1));
            if (line.size() - 2 + one.size() > width_) {
                out_.lines.push_back({std::move(line), last_dir_});
                line = mark;
            }
            line.append(one.data(), one.size());
        }
        out_.lines.push_back({std::move(line), last_dir_});
        partial_.clear();
    }
    PayloadCache& out_;
    std::size_t width_;
    int last_dir_ = -1;
    std::string partial_;
};

void rebuild(const Model& m, const ConvRow& conv, PayloadCache& cache, int width) {
    cache.lines.clear();
    cache.bytes = cache.dir_bytes[0] = cache.dir_bytes[1] = 0;
    cache.packets = 0;
    cache.capped = false;
    Follow follow(cache, width);
    StreamReassembler dir[2];
    const bool tcp = conv.proto == "TCP";
    const RowRing& list = m.list();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const PacketRow& row = list[i];
        if (row.conv != conv.id) continue;
        ++cache.packets;
        if (cache.packets == 1) cache.first_frame = row.number;
        Packet pkt;
        pkt.number = row.number;
        pkt.ts = row.ts;
        pkt.caplen = static_cast<std::uint32_t>(row.bytes.size());
        pkt.wirelen = row.wirelen;
        pkt.linktype = row.linktype;
        pkt.bytes = Bytes(row.bytes.data(), row.bytes.size());
        decode_packet(pkt);
        const NetSummary& n = pkt.net;
        if (n.src.family == 0) continue;
        // Side A is the conversation's canonical first endpoint.
        const int d = n.src == conv.addr_a && (!conv.has_ports || n.src_port == conv.port_a) ? 0 : 1;
        Bytes payload;
        if (n.payload_length && n.payload_offset + n.payload_length <= row.bytes.size())
            payload = Bytes(row.bytes.data() + n.payload_offset, n.payload_length);
        follow.frame = row.number;
        if (!tcp || !n.has_ports) {
            follow.on_data(d, payload);
            continue;
        }
        if (n.tcp_flags & 0x02) dir[d].start(n.tcp_seq + 1);
        if (!payload.empty()) dir[d].segment(n.tcp_seq, payload, follow, d);
        if (n.tcp_flags & 0x10) dir[1 - d].ack(n.tcp_ack, follow, 1 - d);
    }
    if (tcp) {
        dir[0].flush(follow, 0);
        dir[1].flush(follow, 1);
    }
    follow.finish();
}

}  // namespace

void collect_payload(ViewContext& ctx, int width) {
    UiState& ui = ctx.ui;
    PayloadCache& c = ui.payload;
    const ConvRow* conv = find_conv(ctx.model, ui.payload_flow);
    if (!conv) return;
    // Rebuilt when the list or the width changed, a few times a second at most.
    const auto now = std::chrono::steady_clock::now();
    const bool stale = c.flow != ui.payload_flow || c.width != width || c.version != ctx.model.version();
    if (!stale || (c.flow == ui.payload_flow && c.width == width && now - c.built < std::chrono::milliseconds(250)))
        return;
    rebuild(ctx.model, *conv, c, width);
    c.flow = ui.payload_flow;
    c.width = width;
    c.version = ctx.model.version();
    c.built = now;
}

void draw_payload(ViewContext& ctx, Rect r) {
    const Screen& s = ctx.scr;
    UiState& ui = ctx.ui;
    const ConvRow* conv = find_conv(ctx.model, ui.payload_flow);
    if (!conv) {
        s.put(r.y + 1, r.x + 2, r.w - 4,
              ui.payload_flow ? "That flow left the flows table." : "No flow selected: pick one in the flows view (2) and press f.");
        return;
    }
    collect_payload(ctx, r.w);
    const PayloadCache& c = ui.payload;
    auto end = [&](const IpAddress& ip, std::uint16_t port) {
        const std::string a = format_ip(ip);
        return conv->has_ports ? fmt::format("{}:{}", shown_address(ctx, ip, a), port) : std::string(shown_address(ctx, ip, a));
    };
    s.put(r.y, r.x, r.w,
          fmt::format("Flow #{} {}  A {}  B {}   A>B {}  B>A {}{}", conv->id, conv->proto, end(conv->addr_a, conv->port_a),
                      end(conv->addr_b, conv->port_b), human_bytes(c.dir_bytes[0]), human_bytes(c.dir_bytes[1]),
                      c.capped ? "  [shown up to 256 KiB]" : ""),
          s.attr(kTitle) | A_BOLD, true);
    const int h = r.h - 2;
    const int n = static_cast<int>(c.lines.size());
    ui.payload_scroll = std::clamp(ui.payload_scroll, 0, std::max(0, n - h));
    if (c.lines.empty())
        s.put(r.y + 2, r.x + 2, r.w - 4, c.packets ? "No payload in the packets of this flow still in the list."
                                                   : "None of this flow's packets is in the list any more.");
    for (int i = 0; i < h && ui.payload_scroll + i < n; ++i) {
        const PayloadLine& l = c.lines[static_cast<std::size_t>(ui.payload_scroll + i)];
        const attr_t a = l.dir < 0 ? A_DIM : s.attr(l.dir == 0 ? kError : kNote);
        s.put(r.y + 1 + i, r.x, r.w, l.text, a, true);
    }
    s.put(r.y + r.h - 1, r.x, r.w,
          fmt::format("From the {} packet(s) of this flow still in the list (first: frame {}); > A to B, < B to A; "
                      "Esc: back to the flows",
                      c.packets, c.first_frame),
          A_DIM, true);
}

}  // namespace netdx::tui
