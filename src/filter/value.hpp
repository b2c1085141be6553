#pragma once
// Typed values: a field's value read back from the text netdx prints for it
// (the same text -T fields shows, so the filter sees what the user sees), and
// literals read according to the type of the field they are compared with.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "filter/ast.hpp"
#include "filter/field_types.hpp"

namespace netdx::filter {

struct Value {
    FieldType type = FieldType::Unknown;
    std::uint64_t u = 0;          // UInt, Bool
    std::int64_t i = 0;           // Int
    double d = 0;                 // Double
    std::array<std::uint8_t, 16> addr{};  // IPv4 (4 bytes), IPv6, Ether (6)
    std::string_view bytes;       // String, Bytes, AbsTime: not owned
};

// Reads one printed value of a field of type `t`. Text and bytes that need
// rewriting (escapes, hex digits) go to `scratch`, which `out.bytes` may view;
// scratch keeps its capacity, so steady state does not allocate.
bool decode_value(FieldType t, std::string_view text, Value& out, std::vector<std::uint8_t>& scratch);

// The bytes of a value, for slices: MAC, address, byte string, string.
std::string_view value_bytes(const Value& v);

struct Literal {
    Value v;
    int prefix = -1;       // CIDR prefix length for addresses, -1 for none
    std::string storage;   // what v.bytes views, once bind() has run
    // Points v.bytes at storage. Moving a Literal moves a short string's
    // characters, so this runs once the literal has its final place.
    void bind() {
        if (!storage.empty() || v.type == FieldType::String || v.type == FieldType::Bytes) v.bytes = storage;
    }
};

// Reads `o` as a value of type `t`; throws FilterError naming the literal.
// `field` names the field in the message.
void parse_literal(const Operand& o, FieldType t, std::string_view field, Literal& out);

// v (a field value) related to lit; both have the same type family.
bool relate(const Value& v, Rel rel, const Value& lit, int prefix);

// Numeric and address types compare by value, the rest by bytes.
bool comparable(FieldType a, FieldType b);

}  // namespace netdx::filter
