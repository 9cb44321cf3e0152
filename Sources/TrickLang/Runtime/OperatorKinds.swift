/// Python's operators, each written once: its symbol (as the parser and error messages spell
/// it) and the dunder methods an object defines for it. The bytecode stores the raw value.

/// `a op b` (and `a op= b`).
enum BinaryOperator: UInt8, CaseIterable {
    case add, sub, mul, div, floorDiv, mod, pow, matmul, and, or, xor, lshift, rshift

    var symbol: String {
        switch self {
        case .add: "+"
        case .sub: "-"
        case .mul: "*"
        case .div: "/"
        case .floorDiv: "//"
        case .mod: "%"
        case .pow: "**"
        case .matmul: "@"
        case .and: "&"
        case .or: "|"
        case .xor: "^"
        case .lshift: "<<"
        case .rshift: ">>"
        }
    }

    /// The method an object on the left defines, and the reflected one on the right.
    var dunders: (String, String) {
        switch self {
        case .add: ("__add__", "__radd__")
        case .sub: ("__sub__", "__rsub__")
        case .mul: ("__mul__", "__rmul__")
        case .div: ("__truediv__", "__rtruediv__")
        case .floorDiv: ("__floordiv__", "__rfloordiv__")
        case .mod: ("__mod__", "__rmod__")
        case .pow: ("__pow__", "__rpow__")
        case .matmul: ("__matmul__", "__rmatmul__")
        case .and: ("__and__", "__rand__")
        case .or: ("__or__", "__ror__")
        case .xor: ("__xor__", "__rxor__")
        case .lshift: ("__lshift__", "__rlshift__")
        case .rshift: ("__rshift__", "__rrshift__")
        }
    }

    init?(symbol: String) {
        guard let op = BinaryOperator.allCases.first(where: { $0.symbol == symbol }) else { return nil }
        self = op
    }
}

/// `a cmp b`. The first six order; `in`, `is` and their negations do not dispatch to dunders
/// of the left operand (`in` asks the container's `__contains__`).
enum Comparison: UInt8, CaseIterable {
    case lt, le, gt, ge, eq, ne, `in`, notIn, `is`, isNot

    var symbol: String {
        switch self {
        case .lt: "<"
        case .le: "<="
        case .gt: ">"
        case .ge: ">="
        case .eq: "=="
        case .ne: "!="
        case .in: "in"
        case .notIn: "not in"
        case .is: "is"
        case .isNot: "is not"
        }
    }

    /// The rich-comparison methods (left, reflected on the right); nil for membership and identity.
    var dunders: (String, String)? {
        switch self {
        case .lt: ("__lt__", "__gt__")
        case .gt: ("__gt__", "__lt__")
        case .le: ("__le__", "__ge__")
        case .ge: ("__ge__", "__le__")
        case .eq: ("__eq__", "__eq__")
        case .ne: ("__ne__", "__ne__")
        case .in, .notIn, .is, .isNot: nil
        }
    }

    /// Orders numbers (the int fast paths of the VM handle these six).
    var isOrdering: Bool { rawValue <= Comparison.ne.rawValue }

    init?(symbol: String) {
        guard let op = Comparison.allCases.first(where: { $0.symbol == symbol }) else { return nil }
        self = op
    }
}

/// `op x` (`not` compiles to its own instruction).
enum UnaryOperator: UInt8, CaseIterable {
    case neg, pos, invert

    var symbol: String {
        switch self {
        case .neg: "-"
        case .pos: "+"
        case .invert: "~"
        }
    }

    var dunder: String {
        switch self {
        case .neg: "__neg__"
        case .pos: "__pos__"
        case .invert: "__invert__"
        }
    }

    init?(symbol: String) {
        guard let op = UnaryOperator.allCases.first(where: { $0.symbol == symbol }) else { return nil }
        self = op
    }
}
