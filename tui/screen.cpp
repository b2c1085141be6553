#include "tui/screen.hpp"

#include <langinfo.h>

#include <clocale>
#include <csignal>
#include <cstring>

namespace netdx::tui {

namespace {

volatile std::sig_atomic_t g_quit = 0;
volatile std::sig_atomic_t g_curses_active = 0;

extern "C" void on_quit_signal(int) { g_quit = 1; }

// A crash must not leave the terminal raw and on the alternate screen. endwin
// is not async-signal-safe, but the process is dying anyway (htop does the same);
// then the default action runs so a core dump still happens.
extern "C" void on_crash_signal(int sig) {
    if (g_curses_active) {
        g_curses_active = 0;
        endwin();
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

void install_signals() {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    sa.sa_handler = on_crash_signal;
    sa.sa_flags = SA_RESETHAND;
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
}

// Length of the UTF-8 sequence starting with byte c (1 for ASCII or stray bytes).
std::size_t seq_len(unsigned char c) {
    if (c >= 0xf0 && c <= 0xf4) return 4;
    if (c >= 0xe0) return 3;
    if (c >= 0xc2 && c <= 0xdf) return 2;
    return 1;
}

}  // namespace

bool quit_requested() { return g_quit != 0; }

Screen::Screen(bool colour) {
    std::setlocale(LC_ALL, "");
    utf8_ = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    install_signals();
    initscr();
    g_curses_active = 1;
    cbreak();  // Ctrl-C stays a signal, handled above as "quit"
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, nullptr);
    colour_ = false;
    if (colour) toggle_colour();
}

void Screen::toggle_colour() {
    if (colour_ || !has_colors()) {
        colour_ = false;
        return;
    }
    colour_ = true;
    if (colour_started_) return;
    colour_started_ = true;
    start_color();
    use_default_colors();
    init_pair(kHeader, COLOR_BLACK, COLOR_CYAN);
    init_pair(kFooter, COLOR_BLACK, COLOR_WHITE);
    init_pair(kSelected, COLOR_BLACK, COLOR_YELLOW);
    init_pair(kTabActive, COLOR_WHITE, COLOR_BLUE);
    init_pair(kTcp, COLOR_GREEN, -1);
    init_pair(kUdp, COLOR_CYAN, -1);
    init_pair(kIcmp, COLOR_MAGENTA, -1);
    init_pair(kArp, COLOR_YELLOW, -1);
    init_pair(kOther, -1, -1);
    init_pair(kProblem, COLOR_WHITE, COLOR_RED);
    init_pair(kTitle, COLOR_BLUE, -1);
    init_pair(kWarn, COLOR_YELLOW, -1);
    init_pair(kError, COLOR_RED, -1);
    init_pair(kNote, COLOR_CYAN, -1);
}

Screen::~Screen() {
    if (g_curses_active) {
        g_curses_active = 0;
        endwin();
    }
}

attr_t Screen::attr(Colour c) const {
    if (colour_) {
        attr_t a = COLOR_PAIR(c);
        if (c == kTitle) a |= A_BOLD;
        return a;
    }
    // Without colour, keep the structure readable with reverse and bold.
    switch (c) {
        case kHeader: case kFooter: case kSelected: case kTabActive: case kProblem: return A_REVERSE;
        case kTitle: case kError: return A_BOLD;
        default: return A_NORMAL;
    }
}

void Screen::put(int y, int x, int width, std::string_view text, attr_t a, bool pad) const {
    if (width <= 0 || y < 0 || y >= LINES) return;
    std::string out;
    out.reserve(text.size());
    int used = 0;
    for (std::size_t i = 0; i < text.size() && used < width;) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
            ++i;
        } else if (utf8_ && seq_len(c) > 1 && i + seq_len(c) <= text.size()) {
            out.append(text.substr(i, seq_len(c)));
            i += seq_len(c);
        } else if (text.substr(i, 3) == "\xe2\x86\x92") {
            // The info column's own arrow reads better as ASCII than as three escapes.
            if (used + 2 > width) break;
            out += "->";
            ++used;
            i += 3;
        } else {
            // Not a UTF-8 terminal: show the byte instead of whatever it would draw.
            static constexpr char kHex[] = "0123456789abcdef";
            if (used + 4 > width) break;
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
            used += 3;
            ++i;
        }
        ++used;
    }
    if (pad) out.append(static_cast<std::size_t>(width - used), ' ');
    attron(a);
    mvaddstr(y, x, out.c_str());
    attroff(a);
}

void Screen::fill(int y, int x, int width, attr_t a) const {
    if (width <= 0) return;
    attron(a);
    mvhline(y, x, ' ', width);
    attroff(a);
}

}  // namespace netdx::tui
