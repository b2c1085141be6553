// The flows view: one row per conversation, sortable; Enter lists its packets.
#include <fmt/format.h>

#include <algorithm>

#include "tui/format.hpp"
#include "tui/ui_state.hpp"

namespace netdx::tui {

const char* sort_name(FlowSort s) {
    switch (s) {
        case FlowSort::Bytes: return "bytes";
        case FlowSort::Rate: return "rate";
        case FlowSort::Packets: return "packets";
        case FlowSort::Retrans: return "retransmissions";
        case FlowSort::Rtt: return "RTT";
        case FlowSort::Start: return "start";
        default: return "?";
    }
}

void collect_flows(ViewContext& ctx) {
    UiState& ui = ctx.ui;
    ui.flow_order.clear();
    for (const ConvRow& c : ctx.model.convs()) ui.flow_order.push_back(&c);
    auto key = [&](const ConvRow* c) -> double {
        switch (ui.sort) {
            case FlowSort::Bytes: return static_cast<double>(c->bytes[0] + c->bytes[1]);
            case FlowSort::Rate: return c->rate;
            case FlowSort::Packets: return static_cast<double>(c->packets[0] + c->packets[1]);
            case FlowSort::Retrans: return c->retrans;
            case FlowSort::Rtt: return c->rtt;
            default: return -static_cast<double>(c->id);
        }
    };
    // Ties keep the oldest first so rows do not shuffle between refreshes.
    std::stable_sort(ui.flow_order.begin(), ui.flow_order.end(), [&](const ConvRow* a, const ConvRow* b) {
        const double ka = key(a), kb = key(b);
        return ka != kb ? ka > kb : a->id < b->id;
    });
    ListPos& pos = ui.flows;
    pos.follow = false;
    if (ui.selected_flow) {
        for (std::size_t i = 0; i < ui.flow_order.size(); ++i)
            if (ui.flow_order[i]->id == ui.selected_flow) { pos.selected = i; break; }
    }
    if (!ui.flow_order.empty()) {
        pos.selected = std::min(pos.selected, ui.flow_order.size() - 1);
        ui.selected_flow = ui.flow_order[pos.selected]->id;
    }
}

void draw_flows(ViewContext& ctx, Rect r) {
    const Screen& s = ctx.scr;
    UiState& ui = ctx.ui;
    const int addr_w = std::clamp((r.w - 88) / 2, 17, 40);  // 17: a MAC address
    s.put(r.y, r.x, r.w,
          fmt::format("{:<6} {:<{}} {:>5}   {:<{}} {:>5} {:>8} {:>8} {:>9} {:>10} {:>6} {:>8} {:<8}", "Proto", "Address A",
                      addr_w, "Port", "Address B", addr_w, "Port", "Pkts A>B", "Pkts B>A", "Bytes", "Avg rate", "Retr",
                      "RTT ms", "History"),
          s.attr(kTitle) | A_BOLD, true);
    const int h = r.h - 2;
    ui.flows.fit(ui.flow_order.size(), h);
    if (ui.flow_order.empty()) {
        s.put(r.y + 2, r.x + 2, r.w - 4, "No conversations yet.");
    }
    for (int line = 0; line < h; ++line) {
        const std::size_t i = ui.flows.top + static_cast<std::size_t>(line);
        if (i >= ui.flow_order.size()) break;
        const ConvRow& c = *ui.flow_order[i];
        std::string a(c.addr_a.family ? std::string(shown_address(ctx, c.addr_a, format_ip(c.addr_a))) : c.mac_a);
        std::string b(c.addr_b.family ? std::string(shown_address(ctx, c.addr_b, format_ip(c.addr_b))) : c.mac_b);
        if (static_cast<int>(a.size()) > addr_w) a.resize(static_cast<std::size_t>(addr_w));
        if (static_cast<int>(b.size()) > addr_w) b.resize(static_cast<std::size_t>(addr_w));
        const std::string pa = c.has_ports ? std::to_string(c.port_a) : "", pb = c.has_ports ? std::to_string(c.port_b) : "";
        const std::string rtt = c.rtt >= 0 ? fmt::format("{:.3f}", c.rtt * 1000) : "-";
        const std::string text =
            fmt::format("{:<6} {:<{}} {:>5} <> {:<{}} {:>5} {:>8} {:>8} {:>9} {:>10} {:>6} {:>8} {:<8}", c.proto, a, addr_w,
                        pa, b, addr_w, pb, c.packets[0], c.packets[1], human_bytes(c.bytes[0] + c.bytes[1]),
                        human_rate(c.rate * 8), c.retrans, rtt, c.history);
        const bool sel = i == ui.flows.selected;
        Colour col = c.retrans ? kWarn : (c.proto == "TCP" ? kTcp : c.proto == "UDP" ? kUdp : kOther);
        s.put(r.y + 1 + line, r.x, r.w, text, sel ? s.attr(kSelected) | A_BOLD : s.attr(col), true);
    }
    const Totals& t = ctx.model.totals();
    s.put(r.y + r.h - 1, r.x, r.w,
          fmt::format("{} conversations listed, sorted by {} (s: next sort), Enter: its packets, f: its payload{}", ui.flow_order.size(),
                      sort_name(ui.sort),
                      t.conv_evicted ? fmt::format("; {} evicted at the table limit", t.conv_evicted) : ""),
          A_DIM, true);
}

}  // namespace netdx::tui
