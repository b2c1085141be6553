// The stats view: protocol hierarchy (tshark -z io,phs style), top talkers,
// DNS response times per resolver, HTTP per web server, and the per-server
// view of `netdx servers`.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "dissectors/registry.hpp"
#include "tui/format.hpp"
#include "tui/keymap.hpp"
#include "tui/ui_state.hpp"

namespace netdx::tui {

void draw_stats(ViewContext& ctx, Rect r) {
    const Screen& s = ctx.scr;
    const Model& m = ctx.model;
    std::vector<std::pair<std::string, attr_t>> lines;
    const Totals& t = m.totals();

    // Every prefix of every path is a node of the hierarchy; a map keeps
    // children right after their parent.
    struct Node {
        std::uint64_t packets = 0, bytes = 0;
        int depth = 0;
        Proto proto = Proto::None;
    };
    // Unused trailing entries are Proto::None (0), so a parent sorts before its children.
    std::map<std::array<std::uint8_t, 8>, Node> tree;
    for (const ProtoPathRow& p : m.paths()) {
        std::array<std::uint8_t, 8> key{};
        for (std::uint8_t d = 0; d < p.depth; ++d) {
            if (p.path[d] == Proto::Data && d > 0) break;
            key[d] = static_cast<std::uint8_t>(p.path[d]);
            Node& n = tree[key];
            n.packets += p.packets;
            n.bytes += p.bytes;
            n.depth = d;
            n.proto = p.path[d];
        }
    }
    lines.push_back({"Protocol hierarchy                          Packets  % pkts       Bytes", s.attr(kTitle)});
    for (const auto& [k, n] : tree) {
        const double pct = t.packets ? 100.0 * static_cast<double>(n.packets) / static_cast<double>(t.packets) : 0;
        const std::string name = std::string(static_cast<std::size_t>(2 * n.depth), ' ') + std::string(proto_name(n.proto));
        lines.push_back({fmt::format("  {:<40} {:>9} {:>6.1f}% {:>11}", name, n.packets, pct, human_bytes(n.bytes)), A_NORMAL});
    }
    lines.push_back({"", A_NORMAL});
    lines.push_back({"Top talkers (by bytes sent and received)        Packets       Bytes", s.attr(kTitle)});
    for (const TalkerRow& tr : m.talkers()) {
        const std::string addr = format_ip(tr.addr);
        std::string shown(shown_address(ctx, tr.addr, addr));
        if (shown != addr) shown = fmt::format("{} ({})", shown, addr);
        lines.push_back({fmt::format("  {:<44} {:>9} {:>11}", shown, tr.packets, human_bytes(tr.bytes)), A_NORMAL});
    }
    lines.push_back({"", A_NORMAL});
    // Resolvers as the DNS tracker pairs queries and answers (UDP and TCP).
    lines.push_back({"DNS response times per resolver        Queries  Answered  Unanswered  Errors     Median        p95        Max",
                     s.attr(kTitle)});
    auto ms = [](double sec) { return sec < 0 ? std::string("-") : fmt::format("{:.1f} ms", sec * 1000); };
    bool estimated = false;
    for (const DnsServerRow& d : m.dns()) {
        const std::string addr = format_ip(d.server);
        std::string shown(shown_address(ctx, d.server, addr));
        if (shown != addr) shown = fmt::format("{} ({})", shown, addr);
        estimated |= d.estimated;
        lines.push_back({fmt::format("  {:<35} {:>8} {:>9} {:>11} {:>7} {:>10} {:>10} {:>10}{}", shown, d.queries, d.answered,
                                     d.unanswered, d.errors, ms(d.p50), ms(d.p95), ms(d.max), d.estimated ? " *" : ""),
                         d.unanswered || d.errors ? s.attr(kWarn) : A_NORMAL});
    }
    if (m.dns().empty()) lines.push_back({"  No DNS queries seen.", A_DIM});
    if (estimated) lines.push_back({"  * median and p95 from a uniform sample of the answers", A_DIM});
    lines.push_back({"", A_NORMAL});
    // Web servers as the HTTP consumer pairs requests and responses.
    lines.push_back({"HTTP response times per server         Requests  Answered     4xx     5xx     Median        p95        Max",
                     s.attr(kTitle)});
    estimated = false;
    for (const HttpServerRow& h : m.http()) {
        const std::string addr = format_ip(h.server);
        std::string shown(shown_address(ctx, h.server, addr));
        if (shown != addr) shown = fmt::format("{} ({})", shown, addr);
        estimated |= h.estimated;
        lines.push_back({fmt::format("  {:<35} {:>9} {:>9} {:>7} {:>7} {:>10} {:>10} {:>10}{}", shown, h.requests, h.answered,
                                     h.client_errors, h.server_errors, ms(h.p50), ms(h.p95), ms(h.max), h.estimated ? " *" : ""),
                         h.server_errors || h.answered < h.requests ? s.attr(kWarn) : A_NORMAL});
    }
    if (m.http().empty()) lines.push_back({"  No HTTP requests seen.", A_DIM});
    if (estimated) lines.push_back({"  * median and p95 from a uniform sample of the responses", A_DIM});
    lines.push_back({"", A_NORMAL});
    // The per-server view (netdx servers): every service the transactions
    // and the ended flows show, busiest first. A connection counts once it ends.
    lines.push_back({"Servers (netdx servers)             Service  Clients  Conns  Conc    Reqs  Req/s        p50        p95        p99  Errors        In       Out",
                     s.attr(kTitle)});
    auto rate = [](double r) { return r < 0 ? std::string("-") : fmt::format("{:.1f}", r); };
    for (const ServerRow& v : m.servers()) {
        lines.push_back({fmt::format("  {:<33} {:<8} {:>7} {:>6} {:>5.1f} {:>7} {:>6} {:>10} {:>10} {:>10} {:>7} {:>9} {:>9}",
                                     v.name, v.service,
                                     fmt::format("{}{}", v.clients_estimated ? "~" : "", v.clients), v.connections,
                                     v.concurrency, v.requests, rate(v.rate), ms(v.p50), ms(v.p95), ms(v.p99), v.errors,
                                     human_bytes(v.bytes_in), human_bytes(v.bytes_out)),
                         v.errors ? s.attr(kWarn) : A_NORMAL});
    }
    if (m.servers().empty()) lines.push_back({"  No server seen yet (a connection counts once it ends).", A_DIM});

    UiState& ui = ctx.ui;
    const int n = static_cast<int>(lines.size());
    ui.stats_scroll = std::clamp(ui.stats_scroll, 0, std::max(0, n - r.h));
    for (int i = 0; i < r.h && ui.stats_scroll + i < n; ++i) {
        const auto& [text, a] = lines[static_cast<std::size_t>(ui.stats_scroll + i)];
        s.put(r.y + i, r.x, r.w, text, a, true);
    }
}

std::string finding_key(const FindingRow& f) { return f.id + '|' + f.hosts.substr(0, f.hosts.find(',')); }

void draw_findings(ViewContext& ctx, Rect r) {
    const Screen& s = ctx.scr;
    UiState& ui = ctx.ui;
    const std::vector<FindingRow>& all = ctx.model.findings();
    // Findings so far are re-sorted as they change: follow the selected one.
    if (!ui.selected_finding.empty())
        for (std::size_t i = 0; i < all.size(); ++i)
            if (finding_key(all[i]) == ui.selected_finding) { ui.findings.selected = i; break; }
    s.put(r.y, r.x, r.w, fmt::format("{:<8} {:<40} {}", "Severity", "Finding", "Hosts"), s.attr(kTitle) | A_BOLD, true);
    if (!ctx.model.findings_ready()) {
        s.put(r.y + 2, r.x + 2, r.w - 4, "The rules have not reported yet (they are re-evaluated during the capture "
                                         "with --findings-every, and once more when it ends).", A_DIM);
        return;
    }
    if (all.empty()) {
        s.put(r.y + 2, r.x + 2, r.w - 4,
              ctx.model.findings_final() ? "No findings: the rules found nothing to report."
                                         : "No findings so far (the rules are re-evaluated during the capture).");
        return;
    }
    // Upper part: the list; lower part: the selected finding explained.
    const int list_h = std::max(3, std::min(static_cast<int>(all.size()), r.h / 2 - 1));
    ui.findings.fit(all.size(), list_h);
    for (int line = 0; line < list_h; ++line) {
        const std::size_t i = ui.findings.top + static_cast<std::size_t>(line);
        if (i >= all.size()) break;
        const FindingRow& f = all[i];
        const Colour c = f.severity >= 3 ? kError : f.severity == 2 ? kWarn : kNote;
        const bool sel = i == ui.findings.selected;
        s.put(r.y + 1 + line, r.x, r.w, fmt::format("{:<8} {:<40} {}", f.severity_name, f.title, f.hosts),
              sel ? s.attr(kSelected) | A_BOLD : s.attr(c), true);
    }
    const FindingRow& f = all[std::min(ui.findings.selected, all.size() - 1)];
    int y = r.y + 2 + list_h;
    const int end = r.y + r.h;
    auto para = [&](const std::string& label, const std::string& text) {
        if (y >= end || text.empty()) return;
        s.put(y++, r.x, r.w, label, s.attr(kTitle));
        // Wrap at spaces to the width.
        std::size_t pos = 0;
        const std::size_t w = static_cast<std::size_t>(std::max(10, r.w - 4));
        while (pos < text.size() && y < end) {
            std::size_t len = std::min(w, text.size() - pos);
            if (pos + len < text.size()) {
                const std::size_t sp = text.rfind(' ', pos + len);
                if (sp != std::string::npos && sp > pos) len = sp - pos;
            }
            s.put(y++, r.x + 2, r.w - 2, text.substr(pos, len));
            pos += len;
            while (pos < text.size() && text[pos] == ' ') ++pos;
        }
    };
    para(f.id + ": " + f.title, f.detail);
    para("Explanation", f.explanation);
    para("Remediation", f.remediation);
    std::string frames;
    for (std::uint64_t n : f.frames) frames += (frames.empty() ? "" : ", ") + std::to_string(n);
    if (f.evidence_total > f.frames.size()) frames += fmt::format(" ... ({} in all)", f.evidence_total);
    para("Evidence frames (Enter jumps to the first)", frames.empty() ? std::string("none") : frames);
}

void draw_help(ViewContext& ctx) {
    const Screen& s = ctx.scr;
    std::vector<std::string> lines;
    lines.push_back("netdx live: keys");
    lines.push_back("");
    for (const KeyBinding& b : key_bindings())
        if (b.key_name) lines.push_back(fmt::format("  {:<9} {}", b.key_name, b.help));
    lines.push_back("");
    lines.push_back("Mouse: wheel scrolls, click selects.  Press any key to close.");
    int w = 0;
    for (const auto& l : lines) w = std::max(w, static_cast<int>(l.size()));
    w = std::min(w + 4, s.cols() - 2);
    const int h = std::min(static_cast<int>(lines.size()) + 2, s.rows() - 2);
    const int y0 = std::max(0, (s.rows() - h) / 2), x0 = std::max(0, (s.cols() - w) / 2);
    WINDOW* win = newwin(h, w, y0, x0);
    if (!win) return;
    werase(win);
    box(win, 0, 0);
    for (int i = 0; i + 2 < h && i < static_cast<int>(lines.size()); ++i) {
        if (i == 0) wattron(win, A_BOLD);
        mvwaddnstr(win, 1 + i, 2, lines[static_cast<std::size_t>(i)].c_str(), w - 4);
        if (i == 0) wattroff(win, A_BOLD);
    }
    wnoutrefresh(win);
    delwin(win);
}

}  // namespace netdx::tui
