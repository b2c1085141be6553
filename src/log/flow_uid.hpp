#pragma once
// The uid that joins one flow's lines across logs (Zeek's `uid`): "C" and 11
// base62 digits of a bijective 64-bit mix of the flow's id (its creation
// order in the flow table). A bijection, so two flows of a run never share a
// uid; deterministic, so the same capture read with the same options gives
// the same uids every time. Unlike Zeek's random uids they repeat across
// captures: join on uid within one capture's logs only.
#include <cstdint>
#include <string>

namespace netdx {

std::string flow_uid(std::uint64_t flow_id);

}  // namespace netdx
