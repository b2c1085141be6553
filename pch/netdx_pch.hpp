// Precompiled for every target (meson cpp_pch): the standard and fmt headers
// nearly every file includes. Parsing them was about a third of each file's
// compile time, and the two builds were half of CI's time. Only headers that
// do not change with the project belong here: a project header would make
// every edit rebuild everything.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
