#pragma once
// A compiled filter: a flat list of instructions over one boolean register.
// `a and b` is a; jump-if-false to the end; b. `a or b` the same with
// jump-if-true. Tests read field values into buffers the program owns and
// reuses, so evaluating a packet allocates nothing once they have grown.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dissectors/registry.hpp"
#include "filter/value.hpp"

namespace netdx::filter {

// Where a test reads its values: a field, a protocol's bytes (each layer of
// it, from its first byte to the end of the frame), or the whole frame.
struct Source {
    enum Kind { Field, Protocol, Frame } kind = Field;
    std::string name;
    const Registry::FieldRef* ref = nullptr;
    std::array<bool, kProtoCount> protos{};
    FieldType type = FieldType::Unknown;  // the field's own type
    std::vector<SliceRange> slices;
    // The type its values have once sliced: a slice is bytes.
    [[nodiscard]] FieldType effective() const {
        if (!slices.empty() || kind != Field) return FieldType::Bytes;
        return type;
    }
};

struct Regex {
    pcre2_code* code = nullptr;
    pcre2_match_data* data = nullptr;
    Regex() = default;
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    ~Regex() {
        if (data) pcre2_match_data_free(data);
        if (code) pcre2_code_free(code);
    }
};

struct Test {
    enum Kind { Exists, CompareLiteral, CompareField, InSet } kind = Exists;
    Source lhs, rhs;
    Rel rel = Rel::Eq;
    bool negate = false;
    Quant quant = Quant::Any;
    Literal lit;
    struct Item {
        Literal lo, hi;
        bool range = false;
    };
    std::vector<Item> set;
    std::unique_ptr<Regex> regex;
};

struct Instr {
    enum Op : std::uint8_t { Run, JumpIfFalse, JumpIfTrue, Not, Push, Xor } op;
    std::uint32_t arg;  // Run: test index; jumps: target
};

struct Program {
    std::vector<Instr> code;
    std::vector<Test> tests;
    std::vector<std::string> fields;  // names of the fields and protocols the filter reads
    int stack_depth = 0;               // for xor
};

// Throws FilterError.
Program compile(const Node& root);

// "did you mean" for an unknown name: the closest field or protocol name, or empty.
std::string closest_name(std::string_view name);

}  // namespace netdx::filter
