#pragma once
// Key bindings as a table of named actions (sngrep's keybinding.c idea): the
// dispatcher and the help overlay both read it, so they cannot disagree.
#include <span>

namespace netdx::tui {

enum class Action {
    None, Quit, Help, Back, Enter,
    ViewPackets, ViewFlows, ViewFindings, ViewStats, ViewDetail, NextView,
    Up, Down, PageUp, PageDown, Home, End, Left, Right,
    Filter, Pause, Clear, Names, Sort, Colour, Payload,
};

struct KeyBinding {
    int key;
    Action action;
    const char* key_name;  // as the help shows it; null for aliases
    const char* help;
};

std::span<const KeyBinding> key_bindings();
Action action_for(int key);

}  // namespace netdx::tui
