#pragma once
// The parsed filter, before names and literals are resolved. Built once per
// filter, so it may allocate freely.
#include <memory>
#include <string>
#include <vector>

#include "filter/lexer.hpp"

namespace netdx::filter {

// One range of a slice, tshark's forms: [i:n] n bytes from i, [i-j] i to j
// inclusive, [i] one byte, [:n] the first n, [i:] from i to the end. Negative
// offsets count from the end.
struct SliceRange {
    int start = 0;
    int length = 1;      // ignored when to_end
    bool to_end = false;
};

struct Operand {
    std::string text;    // field/protocol name, or the literal as written (unescaped for strings)
    int column = 0;
    bool quoted = false; // a "..." string: always a literal
    std::vector<SliceRange> slices;
    int slice_column = 0;
};

enum class Rel { Eq, Lt, Le, Gt, Ge, Contains, Matches };
// Which values of a multi-valued field must satisfy the relation.
enum class Quant { Any, All };

struct Node {
    enum Kind { Or, And, Xor, Not, Exists, Compare, In } kind = Exists;
    std::unique_ptr<Node> a, b;  // Or/And/Xor: both; Not: a
    Operand lhs, rhs;            // Exists: lhs; Compare: both; In: lhs
    Rel rel = Rel::Eq;
    bool negate = false;         // each value's result negated (!=, !==)
    Quant quant = Quant::Any;
    struct SetItem {
        Operand lo, hi;
        bool range = false;
    };
    std::vector<SetItem> set;    // In
    int column = 0;              // of the operator (Compare/In) or the operand (Exists)
};

// Throws FilterError naming the column and what was expected.
std::unique_ptr<Node> parse(std::string_view filter);

}  // namespace netdx::filter
