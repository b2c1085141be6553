#pragma once
// xmlrpc and jsonrpc: one line per call read from an HTTP body (Zeek has
// neither log): the method, how it ended, the fault or error code and text.
// One class for both: they differ only in JSON-RPC's id and batch fields.
#include <vector>

#include "dissectors/webrpc/webrpc_parse.hpp"
#include "log/transaction_log.hpp"

namespace netdx {

struct WebRpcCall;

template <WebRpcKind Kind>
class WebRpcLog final : public TransactionLog {
public:
    explicit WebRpcLog(std::size_t max_rows) : TransactionLog(max_rows) {}
    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;
    void on_call(const WebRpcCall& c);

private:
};

using XmlRpcLog = WebRpcLog<WebRpcKind::XmlRpc>;
using JsonRpcLog = WebRpcLog<WebRpcKind::JsonRpc>;

}  // namespace netdx
