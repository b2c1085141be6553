// Precompiled for the netdx executable: its command files all include CLI11
// and most include nlohmann/json, the two heaviest headers of the build.
#include "netdx_pch.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
