#include "core/inflate.hpp"

#include <zlib.h>

namespace netdx {

Inflated inflate_bounded(std::string_view in, bool raw, std::size_t cap) {
    Inflated r;
    z_stream z{};
    if (inflateInit2(&z, raw ? -MAX_WBITS : MAX_WBITS + 32) != Z_OK) {
        r.broken = true;
        return r;
    }
    char buf[16384];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK && r.out.size() < cap) {
        const std::size_t room = cap - r.out.size();
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = static_cast<uInt>(room < sizeof buf ? room : sizeof buf);
        const uInt offered = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        r.out.append(buf, offered - z.avail_out);
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // the input ended first
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;               // likewise, with nothing more to give
    }
    inflateEnd(&z);
    r.complete = rc == Z_STREAM_END;
    r.broken = rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR;
    return r;
}

}  // namespace netdx
