#pragma once
// Cache transactions (Redis, memcached) as the rules see them: one event per
// command, with the reply's kind, the lookups it answered (hits and misses)
// and the latency. The consumers (src/app/redis.cpp, src/app/memcache.cpp)
// pair commands and replies in order (both protocols answer in order, which
// makes pipelining pairable). Text fields are copies from the wire, escaped
// and capped.
#include <cstdint>
#include <string>

#include "events/common.hpp"

namespace netdx {

enum class CacheProto : std::uint8_t { Redis, Memcached };

enum class CacheReply : std::uint8_t {
    Ok,          // a status reply (+OK, STORED, DELETED, a number, ...)
    Value,       // data (a bulk string, an array, VALUE ... END)
    Null,        // nil / a miss (END alone, $-1, _)
    NotDone,     // memcached NOT_STORED, NOT_FOUND, EXISTS: refused by the data, not an error
    Error,       // -ERR..., ERROR, CLIENT_ERROR, SERVER_ERROR
    Unanswered,  // the connection ended before the reply
};

struct CacheTransaction : EventBase {  // where/ts: the reply (the command when unanswered)
    CacheProto proto = CacheProto::Redis;
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;

    FrameRef request_frame;   // the frame that completed the command
    double request_ts = 0;
    FrameRef reply_frame;     // the frame that completed the reply
    std::string command;      // Redis: upper-cased name; memcached: as sent (get, set, ...)
    std::string key;          // the first key, escaped, capped
    CacheReply reply = CacheReply::Ok;
    std::string error_kind;   // NOAUTH, WRONGTYPE, ERR, ERROR, CLIENT_ERROR, SERVER_ERROR
    std::string error_text;   // the error line, escaped, capped
    std::uint32_t hits = 0, misses = 0;  // lookups (GET/MGET/HGET, get/gets) answered with and without a value
    double latency = -1;      // seconds from the command to the reply's end; -1 unanswered
    bool at_capture_end = false;  // Unanswered: the flow was still open when the capture ended
};

inline constexpr std::size_t kCacheTextCap = 128;

}  // namespace netdx
