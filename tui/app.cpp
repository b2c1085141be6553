#include "tui/app.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "tui/capture_worker.hpp"
#include "tui/format.hpp"
#include "tui/keymap.hpp"
#include "tui/ui_state.hpp"

namespace netdx::tui {

namespace {

constexpr int kMinCols = 60, kMinRows = 12;

enum class Reaction { Handled, Redraw, Quit };

struct App {
    const LiveOptions& opts;
    CaptureWorker& worker;
    Screen& scr;
    Model model;
    UiState ui;
    std::unique_ptr<Resolver> resolver;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    int body_h = 0;  // lines of the current view's body

    ViewContext ctx() { return ViewContext{scr, model, ui, ui.names ? resolver.get() : nullptr}; }

    ListPos* list() {
        switch (ui.view) {
            case View::Packets: return &ui.packets;
            case View::Flows: return &ui.flows;
            case View::Findings: return &ui.findings;
            default: return nullptr;
        }
    }
    int* scroll_of() {
        switch (ui.view) {
            case View::Detail: return &ui.detail_scroll;
            case View::Stats: return &ui.stats_scroll;
            case View::Payload: return &ui.payload_scroll;
            default: return nullptr;
        }
    }
    std::size_t list_size() const {
        if (ui.view == View::Findings) return model.findings().size();
        return ui.view == View::Packets ? ui.visible.size() : ui.flow_order.size();
    }

    void step(long delta) {
        if (ListPos* p = list()) {
            const long n = static_cast<long>(list_size());
            if (n == 0) return;
            long sel = static_cast<long>(p->selected) + delta;
            sel = std::clamp(sel, 0L, n - 1);
            p->selected = static_cast<std::size_t>(sel);
            p->follow = ui.view == View::Packets && sel == n - 1 && delta > 0;
            remember_selection();
        } else if (int* s = scroll_of()) {
            *s = std::max(0, *s + static_cast<int>(delta));
        }
    }
    void remember_selection() {
        if (ui.view == View::Packets && !ui.visible.empty())
            ui.selected_number = model.list()[ui.visible[ui.packets.selected]].number;
        if (ui.view == View::Flows && !ui.flow_order.empty())
            ui.selected_flow = ui.flow_order[ui.flows.selected]->id;
        if (ui.view == View::Findings && ui.findings.selected < model.findings().size())
            ui.selected_finding = finding_key(model.findings()[ui.findings.selected]);
    }
    void show_detail() {
        if (ui.view != View::Detail) ui.detail_from = ui.view == View::Flows ? View::Packets : ui.view;
        ui.view = View::Detail;
        ui.detail_scroll = 0;
    }
    // Detail view: step through the packets the list shows.
    void step_packet(int delta) {
        const RowRing& list = model.list();
        for (std::size_t i = 0; i < ui.visible.size(); ++i) {
            if (list[ui.visible[i]].number != ui.selected_number) continue;
            const long j = static_cast<long>(i) + delta;
            if (j < 0 || j >= static_cast<long>(ui.visible.size())) return;
            ui.packets.selected = static_cast<std::size_t>(j);
            ui.packets.follow = false;
            ui.selected_number = list[ui.visible[static_cast<std::size_t>(j)]].number;
            ui.detail_scroll = 0;
            return;
        }
    }

    // Enter applies the typed filter: empty clears, ":words" is a text match on
    // the rows, anything else a display filter; one that does not compile
    // stays in the editor with its error. Up/Down walk the history.
    Reaction filter_key(int ch) {
        if (ch == 27) {
            ui.editing_filter = false;
            ui.filter_error.clear();
            return Reaction::Redraw;
        }
        if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
            const std::string& text = ui.filter_edit;
            const bool is_display = text.find_first_not_of(' ') != std::string::npos && text[0] != ':';
            std::shared_ptr<DisplayFilter> compiled;
            if (is_display) {
                try {
                    compiled = std::make_shared<DisplayFilter>(text);
                } catch (const filter::FilterError& e) {
                    ui.filter_error = e.what();
                    return Reaction::Redraw;
                }
            }
            ui.display_filter = std::move(compiled);
            ui.filter = text.find_first_not_of(' ') == std::string::npos ? std::string() : text;
            ui.filter_error.clear();
            ui.editing_filter = false;
            ui.packets.follow = true;
            if (!ui.filter.empty() && (ui.filter_history.empty() || ui.filter_history.back() != ui.filter)) {
                ui.filter_history.push_back(ui.filter);
                if (ui.filter_history.size() > 50) ui.filter_history.erase(ui.filter_history.begin());
            }
            return Reaction::Redraw;
        }
        if (ch == KEY_UP || ch == KEY_DOWN) {
            const std::size_t n = ui.filter_history.size();
            if (ch == KEY_UP && ui.history_pos > 0) --ui.history_pos;
            else if (ch == KEY_DOWN && ui.history_pos < n) ++ui.history_pos;
            ui.filter_edit = ui.history_pos < n ? ui.filter_history[ui.history_pos] : std::string();
            ui.filter_error.clear();
            return Reaction::Redraw;
        }
        ui.filter_error.clear();
        if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
            if (!ui.filter_edit.empty()) ui.filter_edit.pop_back();
        } else if (ch >= 0x20 && ch < 0x7f && ui.filter_edit.size() < 200) {
            ui.filter_edit.push_back(static_cast<char>(ch));
        }
        return Reaction::Redraw;
    }

    void mouse() {
        MEVENT ev;
        if (getmouse(&ev) != OK) return;
        if (ev.bstate & BUTTON4_PRESSED) step(-3);
        else if (ev.bstate & BUTTON5_PRESSED) step(3);
        else if ((ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) && list()) {
            // The body starts after the header (3 lines), the tab line and the column titles.
            const int line = ev.y - 5;
            ListPos* p = list();
            if (line < 0 || line >= body_h) return;
            const std::size_t idx = p->top + static_cast<std::size_t>(line);
            if (idx < list_size()) {
                p->selected = idx;
                p->follow = false;
                remember_selection();
            }
        }
    }

    Reaction key(int ch) {
        if (ch == KEY_RESIZE) return Reaction::Redraw;  // the one place a resize is handled
        if (ch == KEY_MOUSE) { mouse(); return Reaction::Redraw; }
        if (ui.editing_filter) return filter_key(ch);
        if (ui.help) { ui.help = false; return Reaction::Redraw; }
        const int page = std::max(1, body_h - 1);
        switch (action_for(ch)) {
            case Action::Quit: return Reaction::Quit;
            case Action::Help: ui.help = true; break;
            case Action::ViewPackets: ui.view = View::Packets; break;
            case Action::ViewFlows: ui.view = View::Flows; break;
            case Action::ViewFindings: ui.view = View::Findings; break;
            case Action::ViewStats: ui.view = View::Stats; break;
            case Action::ViewDetail: show_detail(); break;
            case Action::NextView:
                ui.view = ui.view == View::Packets ? View::Flows
                        : ui.view == View::Flows   ? View::Findings
                        : ui.view == View::Findings ? View::Stats
                                                    : View::Packets;
                break;
            case Action::Enter:
                if (ui.view == View::Findings && ui.findings.selected < model.findings().size()) {
                    // Jump to the first evidence frame in the packet list.
                    const FindingRow& f = model.findings()[ui.findings.selected];
                    if (!f.frames.empty()) {
                        ui.view = View::Packets;
                        ui.filter.clear();
                        ui.flow_filter = 0;
                        ui.packets.follow = false;
                        ui.selected_number = f.frames.front();
                    }
                } else if (ui.view == View::Packets && !ui.visible.empty()) show_detail();
                else if (ui.view == View::Flows && !ui.flow_order.empty()) {
                    ui.flow_filter = ui.flow_order[ui.flows.selected]->id;
                    ui.view = View::Packets;
                    ui.packets.follow = true;
                }
                break;
            case Action::Back:
                if (ui.view == View::Detail) ui.view = ui.detail_from;
                else if (ui.view == View::Payload) ui.view = View::Flows;
                else if (ui.flow_filter) ui.flow_filter = 0;
                else if (!ui.filter.empty()) ui.filter.clear();
                break;
            case Action::Up: step(-1); break;
            case Action::Down: step(1); break;
            case Action::PageUp: step(-page); break;
            case Action::PageDown: step(page); break;
            case Action::Home:
                if (ListPos* p = list()) { p->selected = 0; p->top = 0; p->follow = false; remember_selection(); }
                else if (int* s = scroll_of()) *s = 0;
                break;
            case Action::End:
                if (ListPos* p = list()) {
                    p->selected = list_size() ? list_size() - 1 : 0;
                    p->follow = ui.view == View::Packets;
                    remember_selection();
                } else if (int* s = scroll_of()) *s = 1 << 30;
                break;
            case Action::Left: if (ui.view == View::Detail) step_packet(-1); break;
            case Action::Right: if (ui.view == View::Detail) step_packet(1); break;
            case Action::Filter:
                ui.editing_filter = true;
                ui.filter_edit = ui.filter;
                ui.history_pos = ui.filter_history.size();
                ui.filter_error.clear();
                break;
            case Action::Pause:
                ui.paused = !ui.paused;
                worker.set_paused(ui.paused);
                break;
            case Action::Clear:
                model.clear_list();
                ui.packets = ListPos{};
                ui.selected_number = 0;
                break;
            case Action::Names:
                ui.names = !ui.names;
                if (ui.names && !resolver) resolver = std::make_unique<Resolver>();
                break;
            case Action::Sort:
                ui.sort = static_cast<FlowSort>((static_cast<int>(ui.sort) + 1) % static_cast<int>(FlowSort::Count_));
                break;
            case Action::Colour: scr.toggle_colour(); break;
            case Action::Payload:
                if (ui.view == View::Flows && !ui.flow_order.empty()) {
                    ui.payload_flow = ui.flow_order[ui.flows.selected]->id;
                    ui.payload_scroll = 0;
                    ui.view = View::Payload;
                }
                break;
            case Action::None: return Reaction::Handled;
        }
        return Reaction::Redraw;
    }

    std::string findings_summary() const {
        if (!model.findings_ready()) return opts.findings_ms > 0 ? "none yet" : "when the capture ends";
        int n[4] = {0, 0, 0, 0};
        for (const FindingRow& f : model.findings()) ++n[std::clamp(f.severity, 0, 3)];
        return fmt::format("{} error, {} warning, {} notice, {} info{}", n[3], n[2], n[1], n[0],
                           model.findings_final() ? "" : " so far");
    }

    void draw_header() {
        const Totals& t = model.totals();
        const Rates& r = model.rates();
        const int w = scr.cols();
        const auto secs = static_cast<long>(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        std::string state;
        if (ui.paused) state += "  [PAUSED]";
        if (t.finished) state += t.error.empty() ? "  [END OF FILE]" : "  [STOPPED: " + t.error + "]";
        if (!ui.paused && !t.finished) state += worker.live() ? "  [LIVE]" : "  [READING]";
        scr.put(0, 0, w,
                fmt::format(" netdx live{}  elapsed {:02}:{:02}:{:02}  {} {}{}", state, secs / 3600, secs / 60 % 60,
                            secs % 60, worker.live() ? "interface" : "file", worker.source_name(),
                            opts.source.filter.empty() ? "" : "  bpf: " + opts.source.filter),
                scr.attr(kHeader) | A_BOLD, true);
        const std::string drops = t.kernel.available ? fmt::format("{}", t.kernel.dropped + t.kernel.if_dropped) : "n/a";
        scr.put(1, 0, w,
                fmt::format(" Packets: {}  Bytes: {}  Rate: {} pkt/s {} (peak {} pkt/s {})  Drops: {}", t.packets,
                            human_bytes(t.bytes), human_count(r.pps), human_rate(r.bps), human_count(r.peak_pps),
                            human_rate(r.peak_bps), drops),
                scr.attr(kHeader), true);
        scr.put(2, 0, w,
                fmt::format(" Flows: {} live, {} seen  Findings: {}  List: {} of {} kept{}", t.conv_live,
                            t.conv_total, findings_summary(), model.list().size(), model.list().capacity(),
                            ui.names ? "  names: on" : ""),
                scr.attr(kHeader), true);
        // Tabs.
        int x = 0;
        const std::pair<View, const char*> tabs[] = {
            {View::Packets, " 1 Packets "}, {View::Flows, " 2 Flows "}, {View::Findings, " 3 Findings "},
            {View::Stats, " 4 Stats "}, {View::Detail, " Detail "}, {View::Payload, " Payload "}};
        scr.fill(3, 0, w, A_NORMAL);
        for (const auto& [v, label] : tabs) {
            scr.put(3, x, w - x, label, v == ui.view ? scr.attr(kTabActive) | A_BOLD : A_NORMAL);
            x += static_cast<int>(std::string_view(label).size()) + 1;
        }
    }

    void draw_footer() {
        const int y = scr.rows() - 1, w = scr.cols();
        if (ui.editing_filter) {
            const std::string hint = ui.filter_error.empty()
                                         ? "   (display filter, or :words for text; Enter apply, Esc cancel, Up/Down history)"
                                         : "   error: " + ui.filter_error;
            scr.put(y, 0, w, "Filter: " + ui.filter_edit + "_" + hint,
                    ui.filter_error.empty() ? scr.attr(kFooter) : scr.attr(kProblem) | A_BOLD, true);
            return;
        }
        std::string left;
        if (ui.flow_filter) left += fmt::format("[flow #{}] ", ui.flow_filter);
        if (!ui.filter.empty()) left += "[filter: " + ui.filter + "] ";
        if ((ui.flow_filter || !ui.filter.empty()) && ui.view == View::Packets)
            left += fmt::format("{} shown  ", ui.visible.size());
        if (ui.view == View::Packets && !ui.packets.follow) left += "[scrolled: End follows] ";
        scr.put(y, 0, w,
                left + "?:help q:quit 1-4:views Enter:open Esc:back /:filter p:pause c:clear n:names s:sort f:payload",
                scr.attr(kFooter), true);
    }

    void draw() {
        erase();
        if (scr.cols() < kMinCols || scr.rows() < kMinRows) {
            scr.put(0, 0, scr.cols(), fmt::format("Terminal too small ({}x{}).", scr.cols(), scr.rows()), A_BOLD);
            scr.put(1, 0, scr.cols(), fmt::format("netdx live needs at least {}x{}.", kMinCols, kMinRows));
            scr.put(2, 0, scr.cols(), fmt::format("Packets: {}  q quits.", model.totals().packets));
            wnoutrefresh(stdscr);
            doupdate();
            return;
        }
        ViewContext c = ctx();
        collect_packets(c);
        collect_flows(c);
        draw_header();
        const Rect body{4, 0, scr.rows() - 5, scr.cols()};
        body_h = body.h - 1;
        switch (ui.view) {
            case View::Packets: draw_packets(c, body); break;
            case View::Flows: draw_flows(c, body); break;
            case View::Findings: draw_findings(c, body); break;
            case View::Stats: draw_stats(c, body); break;
            case View::Detail: draw_detail(c, body); body_h = body.h; break;
            case View::Payload: draw_payload(c, body); break;
        }
        draw_footer();
        wnoutrefresh(stdscr);
        if (ui.help) draw_help(c);
        doupdate();
    }

    int run() {
        timeout(opts.refresh_ms);
        model.tick(started);  // the rate of a short file is measured from the start
        auto next_tick = std::chrono::steady_clock::now();
        for (;;) {
            if (quit_requested()) break;
            const int ch = getch();
            if (ch != ERR) {
                if (key(ch) == Reaction::Quit) break;
                // Drain queued keys before drawing, so a burst of input is one redraw.
                int more;
                bool quit = false;
                while (!quit && (more = getch()) != ERR) quit = key(more) == Reaction::Quit;
                if (quit) break;
                timeout(opts.refresh_ms);
            }
            const auto now = std::chrono::steady_clock::now();
            if (!ui.paused) {
                if (Batch* b = worker.mailbox().take()) {
                    model.absorb(*b);
                    worker.mailbox().give_back(b);
                }
            }
            if (now >= next_tick) {
                model.tick(now);
                next_tick = now + std::chrono::milliseconds(opts.refresh_ms);
            }
            if (resolver && ui.names) resolver->poll();
            draw();
        }
        return 0;
    }
};

}  // namespace

int run_live(const LiveOptions& opts) {
    std::unique_ptr<CaptureWorker> worker;
    try {
        worker = std::make_unique<CaptureWorker>(opts);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    int rc = 0;
    Totals final_totals;
    {
        Screen scr(!opts.no_color && std::getenv("NO_COLOR") == nullptr);
        App app{opts, *worker, scr, Model(opts.ring), UiState{}, nullptr};
        if (opts.names) {
            app.ui.names = true;
            app.resolver = std::make_unique<Resolver>();
        }
        worker->start();
        rc = app.run();
        worker->stop();
        final_totals = app.model.totals();
    }
    // After the terminal is restored: a one-line summary like tcpdump's.
    fmt::print(stderr, "netdx live: {} packets seen\n", final_totals.packets);
    if (!final_totals.error.empty()) {
        fmt::print(stderr, "netdx: {}\n", final_totals.error);
        if (rc == 0) rc = code(final_totals.error_code);
    }
    return rc;
}

}  // namespace netdx::tui
