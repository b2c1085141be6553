#include "rules/state_budget.hpp"

#include <algorithm>

namespace netdx {

std::vector<TableLimit> StateBudget::limits() const {
    std::vector<TableLimit> out;
    for (const Account* a : accounts_)
        if (a->refused) out.push_back({std::string(a->name), std::string(a->missing), a->refused, a->entries, a->peak});
    std::stable_sort(out.begin(), out.end(), [](const TableLimit& a, const TableLimit& b) { return a.refused > b.refused; });
    return out;
}

}  // namespace netdx
