#pragma once
// The terminal: ncurses setup and teardown, colour pairs, and restoring the
// terminal on exit, Ctrl-C and crash signals. Drawing helpers clip text to a
// width without splitting UTF-8 sequences, and show non-ASCII bytes as \xHH
// when the terminal is not UTF-8.
#include <curses.h>

#include <string>
#include <string_view>

namespace netdx::tui {

enum Colour : short {
    kNone = 0,
    kHeader = 1,
    kFooter,
    kSelected,
    kTabActive,
    kTcp,
    kUdp,
    kIcmp,
    kArp,
    kOther,
    kProblem,
    kTitle,
    kWarn,
    kError,
    kNote,
    kColourCount
};

class Screen {
public:
    // Sets up curses; `colour` false forces monochrome.
    explicit Screen(bool colour);
    ~Screen();
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    [[nodiscard]] int rows() const { return LINES; }
    [[nodiscard]] int cols() const { return COLS; }
    [[nodiscard]] bool colour() const { return colour_; }
    [[nodiscard]] bool utf8() const { return utf8_; }
    attr_t attr(Colour c) const;
    // Switches colours on (when the terminal has them) or off.
    void toggle_colour();

    // Writes `text` at (y, x) clipped (and padded with spaces when `pad`) to `width` columns.
    void put(int y, int x, int width, std::string_view text, attr_t a = A_NORMAL, bool pad = false) const;
    void fill(int y, int x, int width, attr_t a) const;

private:
    bool colour_ = false;
    bool utf8_ = false;
    bool colour_started_ = false;
};

// True once SIGINT/SIGTERM/SIGHUP asked the UI to quit.
bool quit_requested();

}  // namespace netdx::tui
