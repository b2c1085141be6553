// netdx.finding.*: the frames a finding gives as evidence, named as the JSON
// report names the finding (title, id, severity). Frame-level fields: a frame
// is evidence of the finding whatever protocol made it so.
#include "dissectors/common.hpp"
#include "dissectors/finding_marks.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

namespace {

template <typename Write>
void each_finding(const FieldContext& c, FieldOut& o, Write write) {
    if (!c.clock.findings) return;
    for (const FindingMarks::Mark& m : c.clock.findings->of(c.pkt.number)) write(c.clock.findings->finding(m), o);
}

const FieldDef kFields[] = {
    {"netdx.finding", "Evidence of the finding", [](const FieldContext& c, FieldOut& o) {
         each_finding(c, o, [](const FindingMarks::Finding& f, FieldOut& out) { out.text(f.title); });
     }},
    {"netdx.finding.id", "Rule id", [](const FieldContext& c, FieldOut& o) {
         each_finding(c, o, [](const FindingMarks::Finding& f, FieldOut& out) { out.raw(f.rule); });
     }},
    {"netdx.finding.severity", "Severity", [](const FieldContext& c, FieldOut& o) {
         each_finding(c, o, [](const FindingMarks::Finding& f, FieldOut& out) { out.raw(f.severity); });
     }},
};

}  // namespace

std::span<const FieldDef> finding_fields() { return kFields; }

}  // namespace netdx
