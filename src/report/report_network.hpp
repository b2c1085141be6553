#pragma once
// The network picture in the text and JSON reports.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "network/network_picture.hpp"

namespace netdx {

void write_text_network(std::FILE* out, const NetworkPicture& n);
nlohmann::json network_json(const NetworkPicture& n);

}  // namespace netdx
