#!/bin/bash
# netdx installs like a real tool: `meson install` into a DESTDIR puts the
# binary, a manual page per command and bash/zsh/fish completions in the usual
# places; the installed binary runs, `man -l` renders a page, and the bash
# completion completes `netdx an<TAB>` to analyze.
set -u
: "${NETDX:?}" "${BUILD_ROOT:?}" "${CAPTURES:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

meson install -C "$BUILD_ROOT" --destdir "$tmp" --no-rebuild --quiet >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log"; echo "FAIL: meson install"; exit 1; }
prefix=$(meson introspect "$BUILD_ROOT" --buildoptions | python3 -c \
    'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$tmp$prefix
bin=$root/bin/netdx
[[ -x $bin ]] || { echo "FAIL: $bin not installed"; exit 1; }

# The installed binary works on its own.
"$bin" --version | grep -q '^netdx ' || fail "installed --version"
"$bin" analyze -T json "$CAPTURES/duplicate-ip.pcap" | grep -q '"arp.duplicate_ip"' || fail "installed analyze"
# E-mail parsing is a module (dissectors/imf/imf_module.hpp) that the installed
# binary finds from its own place: PREFIX/bin/../LIBDIR/netdx in the DESTDIR.
[[ -f $root/$(meson introspect "$BUILD_ROOT" --buildoptions | python3 -c \
    'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"))')/netdx/netdx-imf.so ]] \
    || fail "netdx-imf.so not installed in LIBDIR/netdx"
"$bin" mail -r "$CAPTURES/mail-messages.pcap" >"$tmp/mail.txt" 2>"$tmp/mail.err"
grep -q 'subject: Rechnung für Dezember' "$tmp/mail.txt" || fail "installed netdx mail parsed no subject: $(head -1 "$tmp/mail.err")"
[[ -s $tmp/mail.err ]] && fail "installed netdx mail: $(head -1 "$tmp/mail.err")"

# One page per command the binary lists, plus netdx(1); each renders with man.
mapfile -t cmds < <("$bin" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
[[ ${#cmds[@]} -ge 8 ]] || fail "only ${#cmds[@]} commands listed by --help"
for page in netdx "${cmds[@]/#/netdx-}"; do
    f=$root/share/man/man1/$page.1
    [[ -f $f ]] || { fail "no manual page $page.1"; continue; }
    MANWIDTH=100 man -l "$f" >"$tmp/page.txt" 2>"$tmp/man.err" || fail "man -l $page.1: $(head -1 "$tmp/man.err")"
    [[ -s $tmp/man.err ]] && fail "man -l $page.1 warns: $(head -1 "$tmp/man.err")"
done
# The analyze page says what --help says (same source): every option of --help is in it.
MANWIDTH=200 man -l "$root/share/man/man1/netdx-analyze.1" >"$tmp/analyze.txt" 2>/dev/null
grep -q 'NAME' "$tmp/analyze.txt" && grep -q 'EXIT STATUS' "$tmp/analyze.txt" || fail "analyze page sections"
for opt in $("$bin" analyze --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    [[ $opt == --help ]] && continue
    grep -q -- "$opt" "$tmp/analyze.txt" || fail "netdx-analyze(1) lacks $opt"
done

# README's exit-code table and the manual's EXIT STATUS come from different places
# (hand-written table, kExitCodeDocs): every code README lists is in netdx(1) under its name.
if [[ -n ${SOURCE_ROOT:-} && -f $SOURCE_ROOT/README.md ]]; then
    MANWIDTH=200 man -l "$root/share/man/man1/netdx.1" >"$tmp/netdx.txt" 2>/dev/null
    rows=$(sed -n '/^## Exit codes/,/^## /p' "$SOURCE_ROOT/README.md" | grep -E '^\| [0-9]+ \|')
    [[ -n $rows ]] || fail "README has no exit-code table"
    while IFS='|' read -r _ num name _; do
        num=${num// /}; name=${name// /}
        grep -Eq "^ *$num +.*$name|^ *$num$" "$tmp/netdx.txt" || fail "netdx(1) EXIT STATUS lacks $num $name (README lists it)"
    done <<<"$rows"
fi

# bash completion: netdx an<TAB> -> analyze; netdx analyze --fa<TAB> -> --fail-on.
comp=$root/share/bash-completion/completions/netdx
[[ -f $comp ]] || fail "no bash completion"
out=$(bash -c '. "$1"; COMP_WORDS=(netdx an); COMP_CWORD=1; _netdx; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp")
[[ $out == analyze ]] || fail "bash: netdx an<TAB> gave '$out'"
out=$(bash -c '. "$1"; COMP_WORDS=(netdx analyze --fa); COMP_CWORD=2; _netdx; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp")
[[ $out == --fail-on ]] || fail "bash: netdx analyze --fa<TAB> gave '$out'"
# zsh and fish scripts at least parse.
[[ -f $root/share/zsh/site-functions/_netdx ]] || fail "no zsh completion"
zsh -n "$root/share/zsh/site-functions/_netdx" || fail "zsh completion does not parse"
[[ -f $root/share/fish/vendor_completions.d/netdx.fish ]] || fail "no fish completion"
fish --no-execute "$root/share/fish/vendor_completions.d/netdx.fish" || fail "fish completion does not parse"

[[ $fails -eq 0 ]] && echo "install checks passed"
exit $((fails > 0))
