#pragma once
// Which frames a finding names as its evidence, for the netdx.finding fields.
// The marks come from an analysis of the whole file made before its packets
// are shown (src/cli/evidence_marks.cpp): only `netdx packets -r FILE` makes
// one, so the filter compiler refuses these fields where no marks can exist
// rather than letting them silently match nothing.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netdx {

class FindingMarks {
public:
    struct Finding {
        std::string title;          // the report's concrete one-line title
        std::string_view rule;      // its rule id, e.g. "dns.servfail" (static storage)
        std::string_view severity;  // "warning", ...
    };
    struct Mark {
        std::uint64_t frame = 0;
        std::uint32_t finding = 0;  // index into findings()
    };

    FindingMarks() = default;
    FindingMarks(std::vector<Finding> findings, std::vector<Mark> marks)
        : findings_(std::move(findings)), marks_(std::move(marks)) {
        std::sort(marks_.begin(), marks_.end(), [](const Mark& a, const Mark& b) {
            return a.frame != b.frame ? a.frame < b.frame : a.finding < b.finding;
        });
    }

    [[nodiscard]] std::span<const Mark> of(std::uint64_t frame) const {
        const auto lo = std::lower_bound(marks_.begin(), marks_.end(), frame,
                                         [](const Mark& m, std::uint64_t f) { return m.frame < f; });
        auto hi = lo;
        while (hi != marks_.end() && hi->frame == frame) ++hi;
        return {lo, hi};
    }
    [[nodiscard]] const Finding& finding(const Mark& m) const { return findings_[m.finding]; }

    // A field or filter name of this family (netdx.finding, .id, .severity).
    [[nodiscard]] static bool is_finding_field(std::string_view name) { return name.starts_with("netdx.finding"); }

    // Set by the one command that computes marks, before it compiles its
    // filter; everywhere else a filter naming netdx.finding is an error.
    static inline bool available = false;

private:
    std::vector<Finding> findings_;
    std::vector<Mark> marks_;
};

}  // namespace netdx
