// Which bodies are worth keeping: the media type of Content-Type, compared
// without case and parameters (charset). XML-RPC's spec says text/xml; some
// servers answer application/xml. JSON-RPC 2.0 names no type; the common ones
// are application/json and the drafts' application/json-rpc and
// application/jsonrequest.
#include <algorithm>
#include <cctype>

#include "dissectors/webrpc/webrpc_parse.hpp"

namespace netdx {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

bool webrpc_kind_for_content_type(std::string_view ct, WebRpcKind& kind) {
    ct = ct.substr(0, ct.find(';'));
    while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
    while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
    if (iequals(ct, "text/xml") || iequals(ct, "application/xml")) {
        kind = WebRpcKind::XmlRpc;
        return true;
    }
    if (iequals(ct, "application/json") || iequals(ct, "application/json-rpc") ||
        iequals(ct, "application/jsonrequest")) {
        kind = WebRpcKind::JsonRpc;
        return true;
    }
    return false;
}

}  // namespace netdx
