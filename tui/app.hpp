#pragma once
// The live view's loop: one thread, input with a timeout that sets the
// refresh rate (htop's halfdelay, btop's Input::poll), batches taken from the
// capture thread without waiting, then the current view drawn.
#include "tui/live_options.hpp"

namespace netdx::tui {

// Runs until the user quits; returns the process exit code.
int run_live(const LiveOptions& opts);

}  // namespace netdx::tui
