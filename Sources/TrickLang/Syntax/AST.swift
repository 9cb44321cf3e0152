/// The syntax tree. Parsed once, then lowered to closures by the compiler.
public final class Expr {
    let kind: Kind
    let loc: SourceLocation
    init(_ kind: Kind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
    }

    enum Kind {
        case name(String)
        case int(Int)
        case float(Double)
        case string(String)
        case fstring([FPart])
        case none, true_, false_, ellipsis
        case list([Expr])
        case tuple([Expr])
        case dict([(Expr?, Expr)])          // nil key: `**mapping`
        case set([Expr])
        case matrix([[Expr]])               // `[1 2; 3 4]`
        case unary(String, Expr)            // "-", "+", "~", "not"
        case binary(String, Expr, Expr)
        case compare(Expr, [(String, Expr)])
        case and(Expr, Expr)
        case or(Expr, Expr)
        case ifExp(Expr, Expr, Expr)        // cond, then, else
        case call(Expr, [Arg])
        case attribute(Expr, String)
        case `subscript`(Expr, [Expr])        // items may be .slice
        case slice(Expr?, Expr?, Expr?)
        case lambda(Params, Expr)
        case listComp(Expr, [Comprehension])
        case setComp(Expr, [Comprehension])
        case dictComp(Expr, Expr, [Comprehension])
        case starred(Expr)
        /// `yield x` / `yield` (a generator function's pause); `yield from it`
        case yield(Expr?)
        case yieldFrom(Expr)
        /// `(name := value)`: assigns and evaluates to the value (in a comprehension, the
        /// enclosing function's name, as Python's)
        case namedExpr(String, Expr)
    }
}

enum FPart {
    case literal(String)
    case expr(Expr, conversion: Character?, spec: String?)
}

struct Arg {
    enum Kind { case positional, keyword(String), star, doubleStar }
    var kind: Kind
    var value: Expr
}

struct Comprehension {
    var target: Expr
    var iter: Expr
    var conditions: [Expr]
}

struct Params {
    struct P { var name: String; var defaultValue: Expr?; var loc: SourceLocation }
    var positional: [P] = []
    var varargs: String?
    var keywordOnly: [P] = []
    var kwargs: String?
    var allNames: [String] {
        positional.map(\.name) + (varargs.map { [$0] } ?? []) + keywordOnly.map(\.name) + (kwargs.map { [$0] } ?? [])
    }
}

public final class Stmt {
    let kind: Kind
    let loc: SourceLocation
    /// Last source line the statement spans (golden output goes right below it).
    var endLine: Int
    init(_ kind: Kind, _ loc: SourceLocation, endLine: Int) {
        self.kind = kind
        self.loc = loc
        self.endLine = endLine
    }

    enum Kind {
        case expr(Expr, suppressed: Bool)
        case assign([Expr], Expr)
        case augAssign(Expr, String, Expr)
        /// `target: annotation = value` (value optional)
        case annAssign(Expr, Expr?, annotation: Expr)
        case ifStmt([(Expr, [Stmt])], [Stmt]?)
        case whileStmt(Expr, [Stmt], [Stmt]?)
        case forStmt(Expr, Expr, [Stmt], [Stmt]?)
        case breakStmt, continueStmt, pass
        case returnStmt(Expr?)
        case def(String, Params, [Stmt])
        /// `class Name(bases, key=value): body`
        case classDef(String, [Arg], [Stmt])
        /// `@d1 @d2 def/class …`: decorators, outermost first, around a def or class.
        case decorated([Expr], Stmt)
        case global([String])
        case nonlocal([String])
        case assert(Expr, Expr?)
        case del([Expr])
        case raise(Expr?)
        case tryStmt([Stmt], [Handler], [Stmt]?, [Stmt]?)   // body, handlers, else, finally
        /// `with a as x, b:`: each context manager with its optional target, then the body.
        case withStmt([(Expr, Expr?)], [Stmt])
        /// `import a.b as c` (`from` false: each path and its alias) or `from a.b import c as d`
        /// (`from` true: each path is `a.b.c`). A relative `from . import x` keeps its dots.
        case importStmt([(String, String?)], from: Bool)
    }

    struct Handler {
        var type: Expr?
        var name: String?
        var body: [Stmt]
        var loc: SourceLocation
    }
}

/// A parsed program: top-level statements in order.
public struct Program {
    public let file: SourceFile
    let statements: [Stmt]
    /// (first line, last line) of each top-level statement, for notebooks.
    public var statementLines: [(Int, Int)] { statements.map { ($0.loc.line, $0.endLine) } }
    public var count: Int { statements.count }
}
