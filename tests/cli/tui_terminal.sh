#!/bin/bash
# netdx live and the terminal it gets: mouse click selects a row and the
# wheel scrolls (X10 mouse reports as the terminal sends them); colours on a
# 256-colour and an 8-colour terminal, none with --no-color, NO_COLOR or a
# terminal without colours (reverse video keeps the selection and header
# visible); and a non-UTF-8 locale gets ASCII instead of raw UTF-8 bytes.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
CAP="$CAPTURES/dns-problems.pcap"
[ -f "$CAP" ] || { echo "capture absent: $CAP"; exit 77; }
trap tui_stop EXIT
total=$("$NETDX" packets -r "$CAP" | wc -l)
[ "$total" -gt 40 ] || { echo "unexpected capture size $total"; exit 1; }

# start_env ENV_ASSIGNMENTS ARGS...: like tui_start with other TERM/LANG/NO_COLOR.
start_env() {
    local envs=$1; shift
    tui_start_cmd 120 30 "export $envs; $NETDX live $*; echo \"[netdx exited \$?]\""
}
# Colour SGR codes (30-37, 40-47, 90-97, 100-107, 38;5;N, 48;5;N) in the pane with attributes.
colours() { tmx capture-pane -e -p -t "$TUI_SESSION" | grep -Eo $'\e\\[[0-9;]*m' | grep -Ec '(^|[[;])(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5|48;5)(;|m)'; }
reverse() { tmx capture-pane -e -p -t "$TUI_SESSION" | grep -Eo $'\e\\[[0-9;]*m' | grep -Ec '(^|[[;])7(;|m)'; }
x10() { printf "\\$(printf %o $((32 + $1)))"; }  # one X10 coordinate/button byte

# --- mouse: click on the row of packet 30, then two wheel-ups (3 rows each)
tui_start 120 30 -r "$CAP"
tui_wait "END OF FILE" 20 || exit 1
L=$(tui_screen | grep -nE "^ +30 +[0-9]+\.[0-9]{6} " | cut -d: -f1)
[ -n "$L" ] || fail "packet 30 not on screen"
tui_keys -l $'\e[M'"$(x10 0)$(x10 5)$(x10 "$L")"   # press button 1 at column 5, line L (1-based)
tui_keys -l $'\e[M'"$(x10 3)$(x10 5)$(x10 "$L")"   # release
tui_wait "scrolled: End follows" || exit 1
tui_keys Enter
tui_wait "^Frame 30: " || fail "click on packet 30 did not select it"
tui_keys Escape
tui_wait "No\. +Time +Source" || exit 1
tui_keys -l $'\e[M'"$(x10 64)$(x10 5)$(x10 10)"
tui_keys -l $'\e[M'"$(x10 64)$(x10 5)$(x10 10)"
sleep 0.5
tui_keys Enter
tui_wait "^Frame 24: " || fail "two wheel-ups from packet 30 did not select packet 24"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
tui_stop

# --- colours: 256 and 8 colours on; --no-color, NO_COLOR, vt100 off (reverse video instead)
check_colour() {  # label, want (yes/no), env, args
    local label=$1 want=$2 envs=$3; shift 3
    start_env "$envs" -r "$CAP" "$@"
    tui_wait "END OF FILE" 20 || exit 1
    sleep 0.3
    local n r
    n=$(colours) r=$(reverse)
    if [ "$want" = yes ]; then
        [ "$n" -gt 0 ] || fail "$label: no colour codes on screen"
    else
        [ "$n" -eq 0 ] || fail "$label: $n colour codes on screen"
        [ "$r" -gt 0 ] || fail "$label: no reverse video for header/selection"
    fi
    tui_keys q
    tui_wait "\[netdx exited 0\]" || exit 1
    tui_stop
}
check_colour "256 colours" yes "TERM=tmux-256color LANG=C.UTF-8"
check_colour "8 colours" yes "TERM=xterm LANG=C.UTF-8"
check_colour "--no-color" no "TERM=tmux-256color LANG=C.UTF-8" --no-color
check_colour "NO_COLOR" no "TERM=tmux-256color LANG=C.UTF-8 NO_COLOR=1"
check_colour "vt100" no "TERM=vt100 LANG=C.UTF-8"

# --- a non-UTF-8 locale: the TCP info arrow as ASCII, no raw UTF-8 on screen
start_env "TERM=tmux-256color LANG=C LC_ALL=C" -r "$CAP"
tui_wait "END OF FILE" 20 || exit 1
tui_wait "33775 -> 53 \[FIN, ACK\]" || fail "no ASCII arrow in the C locale"
tui_screen | grep -q "→" && fail "UTF-8 arrow drawn in the C locale"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
echo "ok: mouse click and wheel, colours on 256/8-colour terminals and off with --no-color/NO_COLOR/vt100, C locale"
