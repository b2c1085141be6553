#pragma once
// Manual pages and shell completions written from the CLI11 definition of
// every command, the same definition `--help` prints, so the three cannot
// drift apart. A command added to main.cpp appears in all of them.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace netdx {

// The commands a user sees (hidden ones, whose group is empty, are left out).
std::vector<const CLI::App*> visible_commands(const CLI::App& app);

// roff source of netdx(1) (cmd == nullptr) or netdx-<cmd>(1).
std::string man_page(const CLI::App& root, const CLI::App* cmd);

// A completion script for "bash", "zsh" or "fish"; empty for another shell.
std::string completion_script(const CLI::App& root, const std::string& shell);

// `netdx completion SHELL` (public) and `netdx _install-docs PREFIX MANDIR DATADIR`
// (hidden; meson install runs it through scripts/install-docs.sh).
std::function<int()> add_docs_commands(CLI::App& root);

}  // namespace netdx
