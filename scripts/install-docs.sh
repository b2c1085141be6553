#!/bin/sh
# meson install step: the installed netdx writes its manual pages and shell
# completions from its own command definitions (the ones --help prints).
# Usage (from meson): install-docs.sh NETDX MANDIR DATADIR
set -eu
exec "$1" _install-docs "${MESON_INSTALL_DESTDIR_PREFIX:?run by meson install}" "$2" "$3"
