// "did you mean": the known name at the smallest edit distance, when that
// distance is small for the length of the name.
#include <algorithm>
#include <vector>

#include "filter/program.hpp"

namespace netdx::filter {

namespace {

std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// Whether `a` is `b` with characters left out ("dns.qname" in "dns.qry.name"):
// a shortened name is a likelier slip than a swapped letter.
bool subsequence(std::string_view a, std::string_view b) {
    std::size_t j = 0;
    for (char c : b)
        if (j < a.size() && a[j] == c) ++j;
    return j == a.size();
}

}  // namespace

std::string closest_name(std::string_view name) {
    const Registry& reg = Registry::get();
    std::string_view best;
    std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
    std::string_view shortened;
    std::size_t fewest_missing = std::max<std::size_t>(3, name.size() / 3) + 1;
    auto consider = [&](std::string_view cand) {
        if (cand.size() > name.size() && cand.size() - name.size() < fewest_missing && subsequence(name, cand))
            fewest_missing = cand.size() - name.size(), shortened = cand;
        // The lengths' difference bounds the distance from below: most names
        // need no table (an unknown name of kilobytes cost milliseconds each
        // against every field before this).
        const std::size_t gap = cand.size() > name.size() ? cand.size() - name.size() : name.size() - cand.size();
        if (gap >= best_d) return;
        const std::size_t d = distance(name, cand);
        if (d < best_d) best_d = d, best = cand;
    };
    for (const auto& ref : reg.fields()) consider(ref.field->name);
    for (const DissectorDef* d : reg.all()) consider(d->name);
    consider("frame");
    // A name the user shortened (letters left out: "dns.qname" for
    // "dns.qry.name") is the likelier intent than one a letter away ("dns.cname").
    if (!shortened.empty()) return std::string(shortened);
    return std::string(best);
}

}  // namespace netdx::filter
