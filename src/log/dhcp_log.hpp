#pragma once
// dhcp: one line per DHCPv4 exchange the tracker closed (Zeek's dhcp.log):
// the client's hardware address and name, the address asked for and the one
// leased, the server, and how the exchange ended. DHCP travels in broadcast
// datagrams between 0.0.0.0 and 255.255.255.255, so a line names no flow
// (Zeek's uids) and no client address.
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct DhcpExchange;

class DhcpLog final : public TransactionLog {
public:
    explicit DhcpLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_dhcp(const DhcpExchange& e);

private:
};

}  // namespace netdx
