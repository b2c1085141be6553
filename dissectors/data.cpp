// Payload no dissector claimed.
#include "dissectors/common.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

void data_len(const FieldContext& c, FieldOut& out) { out.uint(c.layer->length); }

const FieldDef kFields[] = {{"data.len", "Length", data_len}};

}  // namespace

const DissectorDef data_dissector = {Proto::Data, "data", "Data", decode, nullptr, kFields, {}};

}  // namespace netdx
