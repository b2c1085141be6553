// AST -> Program: names resolved to fields or protocols, literals read by the
// type of the field they meet, regular expressions compiled once.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "dissectors/finding_marks.hpp"
#include "filter/program.hpp"

namespace netdx::filter {

namespace {

bool resolve(const Operand& o, Source& s) {
    if (o.quoted) return false;
    s = Source{};
    s.name = o.text;
    s.slices = o.slices;
    if (o.text == "frame") {
        s.kind = Source::Frame;
        s.type = FieldType::Protocol;
        return true;
    }
    const Registry& reg = Registry::get();
    if (const Registry::FieldRef* ref = reg.field(o.text)) {
        s.kind = Source::Field;
        s.ref = ref;
        s.type = field_type(o.text);
        if (s.type == FieldType::Unknown) s.type = FieldType::String;
        return true;
    }
    bool any = false;
    for (const DissectorDef* d : reg.all())
        if (d->name == o.text) s.protos[static_cast<std::size_t>(d->proto)] = any = true;
    if (!any) return false;
    s.kind = Source::Protocol;
    s.type = FieldType::Protocol;
    return true;
}

bool looks_like_name(std::string_view w) {
    return !w.empty() && std::isalpha(static_cast<unsigned char>(w[0])) &&
           std::all_of(w.begin(), w.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
           });
}

[[noreturn]] void unknown(const Operand& o) {
    if (o.quoted || !looks_like_name(o.text))
        throw FilterError(o.column, "\"" + o.text + "\" is neither a field nor a protocol name",
                          "a filter starts with a field (netdx fields lists them) or a protocol");
    const std::string guess = closest_name(o.text);
    throw FilterError(o.column, "unknown field \"" + o.text + "\"",
                      guess.empty() ? "netdx fields lists the known fields" : "did you mean \"" + guess + "\"?");
}

void check_slices(const Source& s, const Operand& o) {
    if (s.slices.empty()) return;
    switch (s.type) {
        case FieldType::Bytes: case FieldType::String: case FieldType::Ether: case FieldType::IPv4:
        case FieldType::IPv6: case FieldType::Protocol: return;
        default:
            throw FilterError(o.slice_column, "cannot slice " + o.text,
                              "it is a " + std::string(type_name(s.type)) + "; slices apply to bytes, strings and addresses");
    }
}

class Compiler {
public:
    Program run(const Node& root) {
        emit(root, 0);
        // The tests are in place now (moving the Program moves the vector's
        // buffer, not its elements): literals may view their own storage.
        for (Test& t : p_.tests) {
            t.lit.bind();
            for (Test::Item& it : t.set) {
                it.lo.bind();
                it.hi.bind();
            }
        }
        std::sort(p_.fields.begin(), p_.fields.end());
        p_.fields.erase(std::unique(p_.fields.begin(), p_.fields.end()), p_.fields.end());
        return std::move(p_);
    }

private:
    std::uint32_t here() const { return static_cast<std::uint32_t>(p_.code.size()); }
    std::uint32_t add(Instr::Op op, std::uint32_t arg = 0) {
        p_.code.push_back({op, arg});
        return here() - 1;
    }

    void emit(const Node& n, int depth) {
        switch (n.kind) {
            case Node::Or:
            case Node::And: {
                emit(*n.a, depth);
                const std::uint32_t j = add(n.kind == Node::Or ? Instr::JumpIfTrue : Instr::JumpIfFalse);
                emit(*n.b, depth);
                p_.code[j].arg = here();
                return;
            }
            case Node::Xor:
                emit(*n.a, depth);
                add(Instr::Push);
                if (depth + 1 > 32) throw FilterError(n.column, "too many nested \"xor\"");
                p_.stack_depth = std::max(p_.stack_depth, depth + 1);
                emit(*n.b, depth + 1);
                add(Instr::Xor);
                return;
            case Node::Not:
                emit(*n.a, depth);
                add(Instr::Not);
                return;
            default: add(Instr::Run, test(n)); return;
        }
    }

    Source field_of(const Operand& o) {
        Source s;
        if (!resolve(o, s)) unknown(o);
        if (!FindingMarks::available && s.ref && FindingMarks::is_finding_field(s.ref->field->name))
            throw FilterError(o.column, o.text + " is known only after an analysis of the whole file",
                              "use it with `netdx packets -r FILE`; `netdx analyze --evidence` saves the same frames");
        check_slices(s, o);
        if (s.kind != Source::Frame) p_.fields.push_back(s.name);
        return s;
    }

    std::uint32_t test(const Node& n) {
        Test t;
        t.rel = n.rel;
        t.negate = n.negate;
        t.quant = n.quant;
        switch (n.kind) {
            case Node::Exists: t.kind = Test::Exists, t.lhs = field_of(n.lhs); break;
            case Node::In: set_test(n, t); break;
            default: compare_test(n, t); break;
        }
        p_.tests.push_back(std::move(t));
        return static_cast<std::uint32_t>(p_.tests.size() - 1);
    }

    static Rel mirrored(Rel r) {
        switch (r) {
            case Rel::Lt: return Rel::Gt;
            case Rel::Le: return Rel::Ge;
            case Rel::Gt: return Rel::Lt;
            case Rel::Ge: return Rel::Le;
            default: return r;
        }
    }

    // The type a literal is read as: contains on a MAC or bytes takes any byte string.
    static FieldType literal_type(const Source& s, Rel rel) {
        const FieldType t = s.effective();
        if (rel == Rel::Contains && (t == FieldType::Ether || t == FieldType::Bytes)) return FieldType::Bytes;
        return t;
    }

    void check_relation(const Source& s, const Operand& o, Rel rel, int column) {
        const FieldType t = s.effective();
        if (t == FieldType::None)
            throw FilterError(o.column, o.text + " has no value to compare",
                              "test its presence alone (\"" + o.text + "\")");
        const bool text_like = t == FieldType::String || t == FieldType::Bytes || t == FieldType::Ether ||
                               t == FieldType::AbsTime;
        if ((rel == Rel::Contains || rel == Rel::Matches) && !text_like)
            throw FilterError(column, std::string(rel == Rel::Contains ? "\"contains\"" : "\"matches\"") +
                                          " cannot apply to " + o.text,
                              "it is a " + std::string(type_name(t)) + "; use == or a slice");
    }

    void compare_test(const Node& n, Test& t) {
        Source a, b;
        const Operand* lhs = &n.lhs;
        const Operand* rhs = &n.rhs;
        bool lhs_field = resolve(*lhs, a);
        bool rhs_field = resolve(*rhs, b);
        Rel rel = n.rel;
        if (!lhs_field && rhs_field && rel != Rel::Contains && rel != Rel::Matches) {
            std::swap(lhs, rhs);
            std::swap(a, b);
            std::swap(lhs_field, rhs_field);
            rel = mirrored(rel);
        }
        if (!lhs_field) unknown(*lhs);
        t.lhs = field_of(*lhs);
        t.rel = rel;
        check_relation(t.lhs, *lhs, rel, n.column);
        if (rel == Rel::Matches) {  // the right side is the pattern, even a word that names a field
            t.kind = Test::CompareLiteral;
            compile_regex(*rhs, t);
            return;
        }
        if (rhs_field) {
            t.kind = Test::CompareField;
            t.rhs = field_of(*rhs);
            if (!comparable(t.lhs.effective(), t.rhs.effective()))
                throw FilterError(n.column, "cannot compare " + lhs->text + " with " + rhs->text,
                                  std::string(type_name(t.lhs.effective())) + " vs " +
                                      std::string(type_name(t.rhs.effective())));
            return;
        }
        t.kind = Test::CompareLiteral;
        parse_literal(*rhs, literal_type(t.lhs, rel), lhs->text, t.lit);
    }

    void compile_regex(const Operand& o, Test& t) {
        int err = 0;
        PCRE2_SIZE off = 0;
        auto re = std::make_unique<Regex>();
        re->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(o.text.data()), o.text.size(), 0, &err, &off, nullptr);
        if (!re->code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            throw FilterError(o.column, "bad regular expression \"" + o.text + "\"",
                              fmt::format("{} at offset {}", reinterpret_cast<const char*>(msg), off));
        }
        re->data = pcre2_match_data_create_from_pattern(re->code, nullptr);
        t.regex = std::move(re);
    }

    void set_test(const Node& n, Test& t) {
        t.kind = Test::InSet;
        t.lhs = field_of(n.lhs);
        check_relation(t.lhs, n.lhs, Rel::Eq, n.column);
        const FieldType lt = literal_type(t.lhs, Rel::Eq);
        for (const Node::SetItem& item : n.set) {
            Test::Item it;
            it.range = item.range;
            parse_literal(item.lo, lt, n.lhs.text, it.lo);
            if (item.range) parse_literal(item.hi, lt, n.lhs.text, it.hi);
            t.set.push_back(std::move(it));
        }
    }

    Program p_;
};

}  // namespace

Program compile(const Node& root) { return Compiler().run(root); }

}  // namespace netdx::filter
