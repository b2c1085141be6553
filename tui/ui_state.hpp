#pragma once
// What the user has chosen (view, selection, filter, sort) and the per-frame
// "collect" results the views draw from. Owned by the UI loop.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "filter/display_filter.hpp"
#include "tui/model.hpp"
#include "tui/resolver.hpp"
#include "tui/screen.hpp"

namespace netdx::tui {

enum class View { Packets, Flows, Findings, Stats, Detail, Payload };
enum class FlowSort { Bytes, Rate, Packets, Retrans, Rtt, Start, Count_ };

const char* sort_name(FlowSort s);

// A scrolling list: selection and first shown line, both as positions in
// the list the view collected this frame.
struct ListPos {
    std::size_t selected = 0;
    std::size_t top = 0;
    bool follow = true;  // keep the selection on the newest row
    // Clamps to `n` rows and scrolls so the selection is inside `height` lines.
    void fit(std::size_t n, int height);
};

// The payload view's text, rebuilt only when the list or the flow changes.
struct PayloadLine {
    std::string text;
    int dir = -1;  // 0 A>B, 1 B>A, -1 a note
};
struct PayloadCache {
    std::uint64_t flow = 0, version = ~0ull;
    int width = 0;
    std::chrono::steady_clock::time_point built{};
    std::vector<PayloadLine> lines;
    std::uint64_t bytes = 0, dir_bytes[2] = {0, 0}, packets = 0, first_frame = 0;
    bool capped = false;
};

struct UiState {
    View view = View::Packets;
    View detail_from = View::Packets;
    bool help = false;
    bool paused = false;
    bool names = false;
    bool editing_filter = false;
    std::string filter;       // applied filter: a display filter, or ":words" for a text match
    std::string filter_edit;  // text being typed
    std::string filter_error; // why the typed display filter does not compile (shown inline)
    std::shared_ptr<DisplayFilter> display_filter;  // `filter` compiled, when it is a display filter
    std::vector<std::string> filter_history;         // applied filters, oldest first
    std::size_t history_pos = 0;                     // while editing: == size() for the new text
    std::uint64_t flow_filter = 0;  // show only this conversation's packets

    ListPos packets;
    std::uint64_t selected_number = 0;  // the packet the detail view shows
    std::vector<std::size_t> visible;   // list positions passing the filters
    std::uint64_t visible_version = ~0ull;
    std::string visible_filter;
    std::uint64_t visible_flow = 0;
    bool visible_names = false;

    ListPos flows;
    FlowSort sort = FlowSort::Bytes;
    std::uint64_t selected_flow = 0;
    std::vector<const ConvRow*> flow_order;

    std::uint64_t payload_flow = 0;  // the flow whose stream payload is shown
    int payload_scroll = 0;
    PayloadCache payload;

    int detail_scroll = 0;
    int detail_lines = 0;  // set by the detail view, for paging
    int stats_scroll = 0;
    ListPos findings{0, 0, false};
    std::string selected_finding;  // finding_key() of the selection: kept while the list re-sorts
};

struct Rect {
    int y = 0, x = 0, h = 0, w = 0;
};

struct ViewContext {
    const Screen& scr;
    const Model& model;
    UiState& ui;
    Resolver* names;  // null when names are off
};

// Identifies a finding across re-evaluations (its title's counts change).
std::string finding_key(const FindingRow& f);

// Address text for a row: the host name when names are on and known.
std::string_view shown_address(ViewContext& ctx, const IpAddress& ip, const std::string& text);

// Collect steps (list positions from the model and the filters).
void collect_packets(ViewContext& ctx);
void collect_flows(ViewContext& ctx);

void draw_packets(ViewContext& ctx, Rect r);
void draw_detail(ViewContext& ctx, Rect r);
void draw_flows(ViewContext& ctx, Rect r);
void draw_findings(ViewContext& ctx, Rect r);
void collect_payload(ViewContext& ctx, int width);
void draw_payload(ViewContext& ctx, Rect r);
void draw_stats(ViewContext& ctx, Rect r);
void draw_help(ViewContext& ctx);

}  // namespace netdx::tui
