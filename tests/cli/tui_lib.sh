# Helpers for the tmux-driven tests of `netdx live` (sourced, not run).
# Each test gets its own tmux server (-L) so tests never see each other.
TUI_SOCK="netdx-tui-$$"
TUI_SESSION=live

tui_need() {
    command -v tmux >/dev/null || { echo "tmux not installed"; exit 77; }
    [ -x "$NETDX" ] || { echo "NETDX not set"; exit 1; }
}

tmx() { tmux -L "$TUI_SOCK" "$@"; }

# tui_start COLS ROWS ARGS...: runs netdx live in a detached session of that size.
# TUI_PREFIX (e.g. "ip netns exec NS") runs it somewhere else.
tui_start() {
    local cols=$1 rows=$2; shift 2
    tui_start_cmd "$cols" "$rows" "${TUI_PREFIX:-} $NETDX live $*; echo \"[netdx exited \$?]\""
}

# tui_start_cmd COLS ROWS SHELL_COMMAND: the pane stays open afterwards so
# the test can read what the shell printed.
tui_start_cmd() {
    tmx -f /dev/null new-session -d -s "$TUI_SESSION" -x "$1" -y "$2" \
        "export TERM=tmux-256color LANG=C.UTF-8; $3; sleep 60"
}

# Waits until the server is really gone: a new session started on the same socket
# while the old server is still shutting down dies with it (seen under load).
tui_stop() {
    tmx kill-server 2>/dev/null || true
    for _ in $(seq 50); do
        tmx list-sessions >/dev/null 2>&1 || break
        sleep 0.1
    done
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK"
}

tui_screen() { tmx capture-pane -p -t "$TUI_SESSION"; }

tui_keys() { tmx send-keys -t "$TUI_SESSION" "$@"; }

# tui_wait REGEX [TIMEOUT_S]: polls the screen until it matches (grep -E).
tui_wait() {
    local re=$1 timeout=${2:-10} i=0
    while [ "$i" -lt $((timeout * 10)) ]; do
        if tui_screen | grep -Eq -- "$re"; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "timed out waiting for /$re/; screen was:"
    tui_screen
    return 1
}

# tui_wait_not REGEX [TIMEOUT_S]: polls until the screen no longer matches.
tui_wait_not() {
    local re=$1 timeout=${2:-10} i=0
    while [ "$i" -lt $((timeout * 10)) ]; do
        if ! tui_screen | grep -Eq -- "$re"; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "timed out waiting for /$re/ to go; screen was:"
    tui_screen
    return 1
}

fail() { echo "FAIL: $*"; tui_screen; exit 1; }
