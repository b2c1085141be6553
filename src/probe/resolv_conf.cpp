#include "probe/resolv_conf.hpp"

#include <fstream>
#include <sstream>

namespace netdx {

std::vector<std::string> resolv_conf_servers(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ss(line);
        std::string key, value;
        if (ss >> key >> value && key == "nameserver") out.push_back(value);
    }
    return out;
}

}  // namespace netdx
