#include "tui/keymap.hpp"

#include <curses.h>

namespace netdx::tui {

namespace {

const KeyBinding kBindings[] = {
    {'1', Action::ViewPackets, "1", "packets view"},
    {'2', Action::ViewFlows, "2", "flows view (Enter: the flow's packets)"},
    {'3', Action::ViewFindings, "3", "findings view"},
    {'4', Action::ViewStats, "4", "stats view (protocols, top talkers)"},
    {'\t', Action::NextView, "Tab", "next view"},
    {'\r', Action::Enter, "Enter", "detail of the packet / packets of the flow"},
    {'\n', Action::Enter, nullptr, nullptr},
    {KEY_ENTER, Action::Enter, nullptr, nullptr},
    {'d', Action::ViewDetail, "d", "detail view of the selected packet"},
    {'f', Action::Payload, "f", "flows: stream payload of the selected flow"},
    {27, Action::Back, "Esc", "back; clear the flow selection"},
    {KEY_BACKSPACE, Action::Back, nullptr, nullptr},
    {KEY_UP, Action::Up, "Up/k", "previous line"},
    {'k', Action::Up, nullptr, nullptr},
    {KEY_DOWN, Action::Down, "Down/j", "next line"},
    {'j', Action::Down, nullptr, nullptr},
    {KEY_PPAGE, Action::PageUp, "PgUp", "page up"},
    {KEY_NPAGE, Action::PageDown, "PgDn", "page down"},
    {KEY_HOME, Action::Home, "Home/g", "first line (stops following)"},
    {'g', Action::Home, nullptr, nullptr},
    {KEY_END, Action::End, "End/G", "last line (follows new packets)"},
    {'G', Action::End, nullptr, nullptr},
    {KEY_LEFT, Action::Left, "Left", "detail: previous packet"},
    {KEY_RIGHT, Action::Right, "Right", "detail: next packet"},
    {'/', Action::Filter, "/", "display filter (tshark language; :words for a text match; Up/Down history)"},
    {'p', Action::Pause, "p/Space", "pause/resume the display (and a file replay)"},
    {' ', Action::Pause, nullptr, nullptr},
    {'c', Action::Clear, "c", "clear the packet list"},
    {'n', Action::Names, "n", "host names on/off (resolved in background)"},
    {'s', Action::Sort, "s", "flows: next sort column"},
    {'C', Action::Colour, "C", "colours on/off"},
    {'?', Action::Help, "?/h", "this help"},
    {'h', Action::Help, nullptr, nullptr},
    {'q', Action::Quit, "q", "quit"},
};

}  // namespace

std::span<const KeyBinding> key_bindings() { return kBindings; }

Action action_for(int key) {
    for (const KeyBinding& b : kBindings)
        if (b.key == key) return b.action;
    return Action::None;
}

}  // namespace netdx::tui
