#pragma once
#include <stdexcept>
#include <string>

namespace netdx::filter {

// A filter that does not compile: what is wrong and where (1-based column).
// what() is the one-line message shown to the user:
//   unknown field "dns.qname" at column 1; did you mean "dns.qry.name"?
//   unexpected ")" at column 9; expected a field, a protocol, "not" or "("
class FilterError : public std::runtime_error {
public:
    FilterError(int column, const std::string& subject, const std::string& detail = {})
        : std::runtime_error(subject + " at column " + std::to_string(column) + (detail.empty() ? "" : "; " + detail)),
          column_(column) {}
    [[nodiscard]] int column() const { return column_; }

private:
    int column_;
};

}  // namespace netdx::filter
