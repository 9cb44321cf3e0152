/// Recursive-descent parser for trick (Python's grammar, plus tensor literals `[1 2; 3 4]`).
/// Errors name what was expected and point at the token where it went wrong; an input that
/// simply ended early is flagged `isIncompleteInput` so the REPL keeps reading.
public struct Parser {
    var tokens: [Token]
    var pos = 0
    let file: SourceFile
    var depth = 0
    static let maxDepth = 150
    /// Inside a `[...]` display whose elements may be whitespace-separated.
    var matrixContext = false

    public static func parse(_ file: SourceFile) throws -> Program {
        var lexer = Lexer(file)
        let tokens = try lexer.tokenize()
        var p = Parser(tokens: tokens, file: file)
        var stmts: [Stmt] = []
        while p.peek.kind != .eof {
            if p.peek.kind == .newline { p.advance(); continue }
            if p.peek.kind == .indent {
                throw p.error("unexpected indent", at: p.peek)
            }
            stmts.append(contentsOf: try p.statement())
        }
        return Program(file: file, statements: stmts)
    }

    init(tokens: [Token], file: SourceFile) {
        self.tokens = tokens
        self.file = file
    }

    // MARK: Token helpers

    var peek: Token { tokens[pos] }
    func peekAt(_ k: Int) -> Token { tokens[Swift.min(pos + k, tokens.count - 1)] }
    @discardableResult mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }
    func isOp(_ s: String) -> Bool { peek.kind == .op && peek.text == s }
    func isName(_ s: String) -> Bool { peek.kind == .name && peek.text == s }
    mutating func accept(_ s: String) -> Bool {
        if (peek.kind == .op || peek.kind == .name) && peek.text == s { advance(); return true }
        return false
    }

    func error(_ msg: String, at t: Token) -> TrickError {
        var e = TrickError(.syntax, msg, file: file, at: t.location)
        e.isIncompleteInput = t.kind == .eof
        return e
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .indent: return "an indent"
        case .dedent: return "a dedent"
        case .string, .fstring: return "string \(t.text)"
        default: return "'\(t.text)'"
        }
    }

    mutating func expect(_ s: String, _ context: String) throws -> Token {
        if (peek.kind == .op || peek.kind == .name) && peek.text == s { return advance() }
        throw error("expected '\(s)' \(context), found \(describe(peek))", at: peek)
    }

    mutating func expectName(_ context: String) throws -> Token {
        guard peek.kind == .name, !Parser.keywords.contains(peek.text) else {
            throw error("expected a name \(context), found \(describe(peek))", at: peek)
        }
        return advance()
    }

    static let keywords = Keyword.reserved

    mutating func enter(_ t: Token) throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", at: t)
        }
    }

    // MARK: Statements

    mutating func block(_ context: String) throws -> [Stmt] {
        _ = try expect(":", context)
        if peek.kind != .newline {
            // one-line suite: `if x: y = 1`
            return try simpleStatements()
        }
        advance()
        guard peek.kind == .indent else {
            var e = error("expected an indented block \(context)", at: peek)
            // `if x:` as the last line (the lexer closes open blocks with dedents before the end):
            // the REPL keeps reading, at any depth of nesting.
            if atEndOfInput { e.isIncompleteInput = true }
            throw e
        }
        advance()
        var body: [Stmt] = []
        while peek.kind != .dedent && peek.kind != .eof {
            if peek.kind == .newline { advance(); continue }
            body.append(contentsOf: try statement())
        }
        if peek.kind == .dedent { advance() } else {
            // The input ended inside a block: the REPL should keep reading.
            var e = error("expected more input to finish the block", at: peek)
            e.isIncompleteInput = true
            if body.isEmpty { throw e }
        }
        return body
    }

    /// Only the layout tokens that close the input are left.
    var atEndOfInput: Bool {
        tokens[pos...].allSatisfy { $0.kind == .dedent || $0.kind == .eof || $0.kind == .newline }
    }

    /// The last source line of the most recently consumed real token (skipping layout tokens).
    var lastLine: Int {
        var i = pos - 1
        while i > 0, [.newline, .indent, .dedent, .eof].contains(tokens[i].kind) { i -= 1 }
        guard i >= 0 else { return 1 }
        return tokens[i].line + tokens[i].text.filter { $0 == "\n" }.count
    }

    mutating func statement() throws -> [Stmt] {
        let t = peek
        if isOp("@") {
            // decorators: one per line, then the def or class they wrap
            var decorators: [Expr] = []
            while isOp("@") {
                advance()
                decorators.append(try expression())
                guard peek.kind == .newline else { throw unexpectedAfterStatement() }
                advance()
            }
            guard isName("def") || isName("class") else {
                throw error("expected 'def' or 'class' after a decorator", at: peek)
            }
            let inner = try statement()
            return [Stmt(.decorated(decorators, inner[0]), t.location, endLine: lastLine)]
        }
        if t.kind == .name {
            switch t.text {
            case "if": return [try ifStatement()]
            case "while":
                advance()
                let cond = try expression()
                let body = try block("after 'while' condition")
                var orelse: [Stmt]?
                if isName("else") { advance(); orelse = try block("after 'else'") }
                return [Stmt(.whileStmt(cond, body, orelse), t.location, endLine: lastLine)]
            case "for":
                advance()
                let target = try targetList()
                _ = try expect("in", "in 'for' statement")
                let iter = try expressionList()
                let body = try block("after 'for ... in ...'")
                var orelse: [Stmt]?
                if isName("else") { advance(); orelse = try block("after 'else'") }
                return [Stmt(.forStmt(target, iter, body, orelse), t.location, endLine: lastLine)]
            case "def":
                advance()
                let name = try expectName("after 'def'")
                _ = try expect("(", "after the function name")
                let params = try parameters(closing: ")")
                _ = try expect(")", "to close the parameter list")
                if accept("->") { _ = try expression() }
                let body = try block("after the function signature")
                return [Stmt(.def(name.text, params, body), t.location, endLine: lastLine)]
            case "try": return [try tryStatement()]
            case "class":
                advance()
                let name = try expectName("after 'class'")
                var bases: [Arg] = []
                if accept("(") {
                    bases = try callArguments()
                    _ = try expect(")", "to close the base classes")
                }
                let body = try block("after the class name")
                return [Stmt(.classDef(name.text, bases, body), t.location, endLine: lastLine)]
            case "with":
                advance()
                var items: [(Expr, Expr?)] = []
                repeat {
                    let ctx = try expression()
                    var target: Expr?
                    if accept("as") {
                        let tt = try orExpression()
                        try checkTarget(tt)
                        target = tt
                    }
                    items.append((ctx, target))
                } while accept(",")
                let body = try block("after 'with'")
                return [Stmt(.withStmt(items, body), t.location, endLine: lastLine)]
            default: break
            }
        }
        return try simpleStatements()
    }

    mutating func ifStatement() throws -> Stmt {
        let t = advance()
        var branches: [(Expr, [Stmt])] = []
        let cond = try expression()
        branches.append((cond, try block("after 'if' condition")))
        var orelse: [Stmt]?
        while true {
            if isName("elif") {
                advance()
                let c = try expression()
                branches.append((c, try block("after 'elif' condition")))
            } else if isName("else") {
                advance()
                orelse = try block("after 'else'")
                break
            } else { break }
        }
        return Stmt(.ifStmt(branches, orelse), t.location, endLine: lastLine)
    }

    mutating func tryStatement() throws -> Stmt {
        let t = advance()
        let body = try block("after 'try'")
        var handlers: [Stmt.Handler] = []
        var orelse: [Stmt]?, fin: [Stmt]?
        while isName("except") {
            let et = advance()
            var type: Expr?, name: String?
            if !isOp(":") {
                type = try expression()
                if accept("as") { name = try expectName("after 'as'").text }
            }
            handlers.append(.init(type: type, name: name, body: try block("after 'except'"), loc: et.location))
        }
        if isName("else") { advance(); orelse = try block("after 'else'") }
        if isName("finally") { advance(); fin = try block("after 'finally'") }
        if handlers.isEmpty && fin == nil {
            var e = error("expected 'except' or 'finally' after the 'try' block", at: peek)
            if atEndOfInput { e.isIncompleteInput = true }   // the REPL waits for the handler
            throw e
        }
        return Stmt(.tryStmt(body, handlers, orelse, fin), t.location, endLine: lastLine)
    }

    /// `a = 1; b = 2` on one line.
    mutating func simpleStatements() throws -> [Stmt] {
        var out: [Stmt] = []
        while true {
            var s = try simpleStatement()
            if isOp(";") {
                advance()
                if case .expr(let e, _) = s.kind { s = Stmt(.expr(e, suppressed: true), s.loc, endLine: s.endLine) }
                out.append(s)
                if peek.kind == .newline || peek.kind == .eof { break }
                continue
            }
            out.append(s)
            break
        }
        if peek.kind == .newline { advance() } else if peek.kind != .eof && peek.kind != .dedent {
            throw unexpectedAfterStatement()
        }
        return out
    }

    /// A good message for junk after a complete statement — notably a missing comma in a
    /// multi-line call, the classic config-file mistake.
    func unexpectedAfterStatement() -> TrickError {
        error("unexpected \(describe(peek)) after the end of the statement", at: peek)
    }

    mutating func simpleStatement() throws -> Stmt {
        let t = peek
        if t.kind == .name {
            switch t.text {
            case "pass": advance(); return Stmt(.pass, t.location, endLine: t.line)
            case "break": advance(); return Stmt(.breakStmt, t.location, endLine: t.line)
            case "continue": advance(); return Stmt(.continueStmt, t.location, endLine: t.line)
            case "return":
                advance()
                let v: Expr? = (peek.kind == .newline || isOp(";") || peek.kind == .eof) ? nil : try expressionList()
                return Stmt(.returnStmt(v), t.location, endLine: lastLine)
            case "global", "nonlocal":
                advance()
                var names = [try expectName("after '\(t.text)'").text]
                while accept(",") { names.append(try expectName("after ','").text) }
                return Stmt(t.text == "global" ? .global(names) : .nonlocal(names), t.location, endLine: lastLine)
            case "assert":
                advance()
                let c = try expression()
                let m: Expr? = accept(",") ? try expression() : nil
                return Stmt(.assert(c, m), t.location, endLine: lastLine)
            case "del":
                advance()
                var targets = [try postfixExpression()]
                while accept(",") { targets.append(try postfixExpression()) }
                return Stmt(.del(targets), t.location, endLine: lastLine)
            case "raise":
                advance()
                let v: Expr? = (peek.kind == .newline || peek.kind == .eof) ? nil : try expression()
                return Stmt(.raise(v), t.location, endLine: lastLine)
            case "import", "from":
                return try importStatement()
            default: break
            }
        }
        let first = try yieldOrExpressionList()
        if isOp("=") {
            var targets = [first]
            var value = first
            while accept("=") {
                value = try yieldOrExpressionList()
                targets.append(value)
            }
            targets.removeLast()
            for tg in targets { try checkTarget(tg) }
            return Stmt(.assign(targets, value), t.location, endLine: lastLine)
        }
        if peek.kind == .op, ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "&=", "|=", "^=", "<<=", ">>="].contains(peek.text) {
            let op = String(advance().text.dropLast())
            try checkTarget(first, augmented: true)
            let value = try expressionList()
            return Stmt(.augAssign(first, op, value), t.location, endLine: lastLine)
        }
        if isOp(":") {
            // annotated assignment `x: int = 1`
            advance()
            let annotation = try expression()
            try checkTarget(first)
            let v: Expr? = accept("=") ? try expressionList() : nil
            return Stmt(.annAssign(first, v, annotation: annotation), t.location, endLine: lastLine)
        }
        return Stmt(.expr(first, suppressed: false), t.location, endLine: lastLine)
    }

    mutating func importStatement() throws -> Stmt {
        let t = advance()
        var names: [(String, String?)] = []
        if t.text == "from" {
            // `from .x import y`, `from .. import y`: the leading dots stay on the path.
            var mod = ""
            while isOp(".") || isOp("...") { mod += advance().text }
            if !isName("import") || mod.isEmpty {
                mod += try expectName("after 'from'").text
                while accept(".") { mod += "." + (try expectName("in the module path").text) }
            }
            _ = try expect("import", "in 'from ... import'")
            let parenthesized = accept("(")
            repeat {
                if parenthesized && isOp(")") { break }      // a trailing comma
                if accept("*") { names.append((mod + ".*", nil)); continue }
                let n = try expectName("after 'import'").text
                let alias = accept("as") ? try expectName("after 'as'").text : nil
                names.append(((mod.hasSuffix(".") ? mod : mod + ".") + n, alias))
            } while accept(",")
            if parenthesized { _ = try expect(")", "to close the import list") }
            return Stmt(.importStmt(names, from: true), t.location, endLine: lastLine)
        } else {
            repeat {
                var mod = try expectName("after 'import'").text
                while accept(".") { mod += "." + (try expectName("in the module path").text) }
                let alias = accept("as") ? try expectName("after 'as'").text : nil
                names.append((mod, alias))
            } while accept(",")
        }
        return Stmt(.importStmt(names, from: false), t.location, endLine: lastLine)
    }

    func checkTarget(_ e: Expr, augmented: Bool = false) throws {
        switch e.kind {
        case .name(let n):
            if ["None", "True", "False"].contains(n) { throw TrickError(.syntax, "cannot assign to \(n)", file: file, at: e.loc) }
        case .attribute, .subscript: break
        case .tuple(let items), .list(let items):
            if augmented { throw TrickError(.syntax, "illegal target for augmented assignment", file: file, at: e.loc) }
            for i in items { try checkTarget(i) }
        case .starred(let inner): try checkTarget(inner)
        case .call:
            throw TrickError(.syntax, "cannot assign to a function call (did you mean '==' ?)", file: file, at: e.loc)
        default:
            throw TrickError(.syntax, "cannot assign to this expression", file: file, at: e.loc)
        }
    }

    /// `def f(a, b=1, *args, c, **kw)` and lambda parameters.
    mutating func parameters(closing: String) throws -> Params {
        var p = Params()
        var seenDefault = false, star = false
        var names = Set<String>()
        while !isOp(closing) {
            if accept("**") {
                p.kwargs = try expectName("after '**'").text
            } else if accept("*") {
                star = true
                if peek.kind == .name { p.varargs = advance().text }
            } else {
                let n = try expectName("in the parameter list")
                if names.contains(n.text) {
                    throw error("duplicate parameter '\(n.text)'", at: n)
                }
                names.insert(n.text)
                if closing != ":" && accept(":") { _ = try expression() }
                var d: Expr?
                if accept("=") { d = try expression(); seenDefault = true } else if seenDefault && !star {
                    throw error("parameter '\(n.text)' without a default follows a parameter with a default", at: n)
                }
                let param = Params.P(name: n.text, defaultValue: d, loc: n.location)
                if star { p.keywordOnly.append(param) } else { p.positional.append(param) }
            }
            if !accept(",") { break }
        }
        return p
    }

    // MARK: Expressions

    /// `a, b` (a tuple) or a single expression.
    mutating func expressionList(allowStar: Bool = false) throws -> Expr {
        let t = peek
        let first = try (allowStar && isOp("*")) ? starred() : expression()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if peek.kind == .newline || peek.kind == .eof || isOp("=") || isOp(")") || isOp(";") { break }
            items.append(try (allowStar && isOp("*")) ? starred() : expression())
        }
        return Expr(.tuple(items), t.location)
    }

    mutating func starred() throws -> Expr {
        let t = advance()
        return Expr(.starred(try orExpression()), t.location)
    }

    /// for-loop / comprehension targets: `x`, `i, (a, b)`.
    mutating func targetList() throws -> Expr {
        let t = peek
        var items = [try orExpressionNoIn()]
        var trailingComma = false
        while accept(",") {
            if isName("in") { trailingComma = true; break }
            items.append(try orExpressionNoIn())
        }
        // `for k, in pairs` unpacks one-item sequences, as `k, = x` does
        let e = items.count == 1 && !trailingComma ? items[0] : Expr(.tuple(items), t.location)
        try checkTarget(e)
        return e
    }

    mutating func orExpressionNoIn() throws -> Expr {
        // Targets are postfix expressions (names, attributes, subscripts) or parenthesised tuples.
        if isOp("*") { return try starred() }
        return try postfixExpression()
    }

    /// `yield x`, `yield`, `yield from it` where a statement or an assignment's value may be one.
    mutating func yieldOrExpressionList() throws -> Expr {
        guard isName("yield") else { return try expressionList(allowStar: true) }
        let t = advance()
        if isName("from") {
            advance()
            return Expr(.yieldFrom(try expression()), t.location)
        }
        if peek.kind == .newline || peek.kind == .eof || isOp(";") || isOp("=") || isOp(")") {
            return Expr(.yield(nil), t.location)
        }
        return Expr(.yield(try expressionList()), t.location)
    }

    mutating func expression() throws -> Expr {
        let t = peek
        try enter(t); defer { depth -= 1 }
        if isName("lambda") {
            advance()
            let params = try parameters(closing: ":")
            _ = try expect(":", "after lambda parameters")
            let body = try expression()
            return Expr(.lambda(params, body), t.location)
        }
        let e = try orExpression()
        if isOp(":=") {
            guard case .name(let n) = e.kind else { throw error("cannot use an assignment expression here: the target of := must be a name", at: peek) }
            advance()
            return Expr(.namedExpr(n, try expression()), t.location)
        }
        if isName("if") {
            // Conditional expression; but not inside a comprehension's `for ... if`.
            advance()
            let cond = try orExpression()
            _ = try expect("else", "in the conditional expression (x if cond else y)")
            let other = try expression()
            return Expr(.ifExp(cond, e, other), t.location)
        }
        return e
    }

    mutating func orExpression() throws -> Expr {
        var e = try andExpression()
        while isName("or") {
            let t = advance()
            e = Expr(.or(e, try andExpression()), t.location)
        }
        return e
    }

    mutating func andExpression() throws -> Expr {
        var e = try notExpression()
        while isName("and") {
            let t = advance()
            e = Expr(.and(e, try notExpression()), t.location)
        }
        return e
    }

    mutating func notExpression() throws -> Expr {
        if isName("not") {
            let t = advance()
            try enter(t); defer { depth -= 1 }
            return Expr(.unary("not", try notExpression()), t.location)
        }
        return try comparison()
    }

    mutating func comparison() throws -> Expr {
        let first = try binary(0)
        var ops: [(String, Expr)] = []
        while true {
            var op: String?
            if peek.kind == .op, ["<", ">", "==", "!=", "<=", ">="].contains(peek.text) {
                op = advance().text
            } else if isName("in") {
                advance(); op = "in"
            } else if isName("not"), peekAt(1).kind == .name, peekAt(1).text == "in" {
                advance(); advance(); op = "not in"
            } else if isName("is") {
                advance()
                if isName("not") { advance(); op = "is not" } else { op = "is" }
            }
            guard let o = op else { break }
            ops.append((o, try binary(0)))
        }
        return ops.isEmpty ? first : Expr(.compare(first, ops), first.loc)
    }

    static let binaryLevels: [[String]] = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"]]

    /// In a tensor literal, `[1 -2]` is two elements: a sign with space before and none after
    /// starts a new element.
    func startsMatrixElement() -> Bool {
        guard matrixContext, peek.kind == .op, peek.text == "-" || peek.text == "+", peek.spaceBefore else { return false }
        let next = peekAt(1)
        return !next.spaceBefore && next.line == peek.line
    }

    mutating func binary(_ level: Int) throws -> Expr {
        if level == Parser.binaryLevels.count { return try unaryExpression() }
        var e = try binary(level + 1)
        while peek.kind == .op, Parser.binaryLevels[level].contains(peek.text), !startsMatrixElement() {
            let t = advance()
            let rhs = try binary(level + 1)
            e = Expr(.binary(t.text, e, rhs), t.location)
        }
        return e
    }

    mutating func unaryExpression() throws -> Expr {
        if peek.kind == .op, ["-", "+", "~"].contains(peek.text) {
            let t = advance()
            try enter(t); defer { depth -= 1 }
            let operand = try unaryExpression()
            // Fold negative literals so `-1` is a constant (and -9223372036854775808 works).
            if t.text == "-" {
                if case .int(let i) = operand.kind { return Expr(.int(-i), t.location) }
                if case .float(let d) = operand.kind { return Expr(.float(-d), t.location) }
            }
            return Expr(.unary(t.text, operand), t.location)
        }
        return try power()
    }

    mutating func power() throws -> Expr {
        let base = try postfixExpression()
        if isOp("**") {
            let t = advance()
            let exp = try unaryExpression()   // right-associative, binds tighter than unary on the left
            return Expr(.binary("**", base, exp), t.location)
        }
        return base
    }

    mutating func postfixExpression() throws -> Expr {
        var e = try atom()
        while true {
            if isOp("("), !(matrixContext && peek.spaceBefore) {
                let t = advance()
                let args = try callArguments()
                _ = try expect(")", "to close the call (or a ',' is missing between arguments)")
                e = Expr(.call(e, args), t.location)
            } else if isOp("["), !(matrixContext && peek.spaceBefore) {
                let t = advance()
                let saved = matrixContext
                matrixContext = false
                defer { matrixContext = saved }
                var items: [Expr] = []
                repeat {
                    if isOp("]") { break }
                    items.append(try subscriptItem())
                } while accept(",")
                if items.isEmpty { throw error("invalid syntax: a subscript needs an index, as in x[0]", at: peek) }
                _ = try expect("]", "to close the subscript")
                e = Expr(.subscript(e, items), t.location)
            } else if isOp(".") {
                advance()
                guard peek.kind == .name else { throw error("expected an attribute name after '.', found \(describe(peek))", at: peek) }
                let n = advance()
                e = Expr(.attribute(e, n.text), n.location)
            } else {
                break
            }
        }
        return e
    }

    mutating func subscriptItem() throws -> Expr {
        let t = peek
        var lower: Expr?, upper: Expr?, step: Expr?
        if !isOp(":") {
            let e = try expression()
            if !isOp(":") { return e }
            lower = e
        }
        _ = try expect(":", "in slice")
        if !isOp(":") && !isOp("]") && !isOp(",") { upper = try expression() }
        if accept(":") {
            if !isOp("]") && !isOp(",") { step = try expression() }
        }
        return Expr(.slice(lower, upper, step), t.location)
    }

    mutating func callArguments() throws -> [Arg] {
        let saved = matrixContext
        matrixContext = false
        defer { matrixContext = saved }
        var args: [Arg] = []
        var seenKeywords = Set<String>()
        while !isOp(")") {
            if accept("**") {
                args.append(Arg(kind: .doubleStar, value: try expression()))
            } else if accept("*") {
                args.append(Arg(kind: .star, value: try expression()))
            } else if peek.kind == .name, !Parser.keywords.contains(peek.text), isKeywordArgumentAhead() {
                // `name=value`, also dotted `decode_head.conv_seg=value`: a str key, the way
                // `custom_keys` are written in the configs trick is checked against (a deliberate
                // extension: Python rejects it; see the README's "where trick differs").
                var key = advance().text
                let keyTok = tokens[pos - 1]
                while accept(".") { key += "." + advance().text }
                _ = try expect("=", "after the keyword name")
                if seenKeywords.contains(key) {
                    throw error("keyword argument repeated: '\(key)'", at: keyTok)
                }
                seenKeywords.insert(key)
                args.append(Arg(kind: .keyword(key), value: try expression()))
            } else {
                if case .keyword? = args.last.map({ $0.kind }) {
                    let t = peek
                    let v = try expression()
                    throw TrickError(.syntax, "positional argument follows keyword argument", file: file, at: v.loc.line > 0 ? v.loc : t.location)
                }
                let v = try expression()
                if isName("for") {
                    let comps = try comprehensionClauses()
                    args.append(Arg(kind: .positional, value: Expr(.listComp(v, comps), v.loc)))
                } else {
                    args.append(Arg(kind: .positional, value: v))
                }
            }
            if isOp(")") { break }
            if !isOp(",") {
                // A missing comma between arguments: the classic config mistake
                //     featmap_strides=[4, 8, 16, 32])
                //     bbox_head=dict(...)
                if peek.kind == .name && isKeywordArgumentAhead() || peek.line > tokens[pos - 1].line {
                    throw error("missing ',' before \(describe(peek)): arguments must be separated by commas", at: peek)
                }
                throw error("expected ',' or ')' in the argument list, found \(describe(peek))", at: peek)
            }
            advance()
        }
        return args
    }

    func isKeywordArgumentAhead() -> Bool {
        var k = 1
        while peekAt(k).kind == .op && peekAt(k).text == "." && peekAt(k + 1).kind == .name { k += 2 }
        let t = peekAt(k)
        return t.kind == .op && t.text == "="
    }

    mutating func comprehensionClauses() throws -> [Comprehension] {
        var comps: [Comprehension] = []
        while isName("for") {
            advance()
            let target = try targetList()
            _ = try expect("in", "in the comprehension")
            let iter = try orExpression()
            var conds: [Expr] = []
            while isName("if") {
                advance()
                conds.append(try orExpression())
            }
            comps.append(Comprehension(target: target, iter: iter, conditions: conds))
        }
        return comps
    }

    mutating func atom() throws -> Expr {
        let t = peek
        switch t.kind {
        case .int:
            advance()
            guard let v = Int(t.value) else { throw error("integer literal '\(t.text)' is too large for a 64-bit int", at: t) }
            return Expr(.int(v), t.location)
        case .float:
            advance()
            return Expr(.float(Double(t.value) ?? .nan), t.location)
        case .string, .fstring:
            // adjacent literals are one string, f-strings among them included ('a' f'{x}')
            var parts: [FPart] = []
            var isFormatted = false
            while peek.kind == .string || peek.kind == .fstring {
                let s = peek
                advance()
                if s.kind == .string { parts.append(.literal(s.value)) } else { parts += try fstringParts(s); isFormatted = true }
            }
            if !isFormatted {
                return Expr(.string(parts.map { if case .literal(let l) = $0 { return l } else { return "" } }.joined()), t.location)
            }
            return Expr(.fstring(parts), t.location)
        case .name:
            switch t.text {
            case "None": advance(); return Expr(.none, t.location)
            case "True": advance(); return Expr(.true_, t.location)
            case "False": advance(); return Expr(.false_, t.location)
            default:
                if Parser.keywords.contains(t.text) && t.text != "lambda" {
                    throw error("unexpected keyword '\(t.text)'", at: t)
                }
                advance()
                return Expr(.name(t.text), t.location)
            }
        case .op:
            switch t.text {
            case "(": return try parenthesised()
            case "[": return try listDisplay()
            case "{": return try dictDisplay()
            case "...": advance(); return Expr(.ellipsis, t.location)
            default: break
            }
        default: break
        }
        if t.kind == .newline || t.kind == .eof {
            throw error("expected an expression, found \(describe(t))", at: t)
        }
        throw error("expected an expression, found \(describe(t))", at: t)
    }

    mutating func parenthesised() throws -> Expr {
        let open = advance()
        let saved = matrixContext
        matrixContext = false
        defer { matrixContext = saved }
        if accept(")") { return Expr(.tuple([]), open.location) }
        let first = try isOp("*") ? starred() : expression()
        if isName("for") {
            let comps = try comprehensionClauses()
            _ = try expect(")", "to close the generator expression")
            return Expr(.listComp(first, comps), open.location)
        }
        if accept(")") { return first }
        var items = [first]
        while accept(",") {
            if isOp(")") { break }
            items.append(try isOp("*") ? starred() : expression())
        }
        _ = try expect(")", "to close the parenthesis (or a ',' is missing)")
        return Expr(.tuple(items), open.location)
    }

    /// `[a, b]`, `[x for x in y]`, or a tensor literal `[1 2 3]` / `[1 2; 3 4]`.
    mutating func listDisplay() throws -> Expr {
        let open = advance()
        let saved = matrixContext
        defer { matrixContext = saved }
        matrixContext = true
        if accept("]") { return Expr(.list([]), open.location) }
        if isOp(";") { throw error("a tensor literal row cannot be empty", at: peek) }
        let first = try isOp("*") ? starred() : expression()
        if isName("for") {
            matrixContext = false
            let comps = try comprehensionClauses()
            _ = try expect("]", "to close the list comprehension")
            return Expr(.listComp(first, comps), open.location)
        }
        if isOp(",") || isOp("]") {
            matrixContext = false
            var items = [first]
            while accept(",") {
                if isOp("]") { break }
                items.append(try isOp("*") ? starred() : expression())
            }
            _ = try expect("]", "to close the list (or a ',' is missing)")
            return Expr(.list(items), open.location)
        }
        // Tensor literal: whitespace-separated elements, ';' between rows.
        var rows: [[Expr]] = [[first]]
        while !isOp("]") {
            if accept(";") {
                rows.append([])
                continue
            }
            if peek.kind == .eof { throw error("'[' was never closed", at: open) }
            if isOp(",") { throw error("a tensor literal separates elements with spaces, not commas (use [a, b] for a list)", at: peek) }
            rows[rows.count - 1].append(try expression())
        }
        advance()
        if rows.last?.isEmpty == true && rows.count > 1 { rows.removeLast() }
        let width = rows[0].count
        for (i, r) in rows.enumerated() where r.count != width {
            throw TrickError(.syntax, "tensor literal rows must have the same length: row 1 has \(width) elements, row \(i + 1) has \(r.count)", file: file, at: open.location)
        }
        return Expr(.matrix(rows), open.location)
    }

    mutating func dictDisplay() throws -> Expr {
        let open = advance()
        let saved = matrixContext
        matrixContext = false
        defer { matrixContext = saved }
        if accept("}") { return Expr(.dict([]), open.location) }
        var pairs: [(Expr?, Expr)] = []
        var setItems: [Expr] = []
        var isSet = false
        // first item decides dict vs set
        if accept("**") {
            pairs.append((nil, try expression()))
        } else {
            let k = try expression()
            if accept(":") {
                let v = try expression()
                if isName("for") {
                    let comps = try comprehensionClauses()
                    _ = try expect("}", "to close the dict comprehension")
                    return Expr(.dictComp(k, v, comps), open.location)
                }
                pairs.append((k, v))
            } else {
                isSet = true
                if isName("for") {
                    let comps = try comprehensionClauses()
                    _ = try expect("}", "to close the set comprehension")
                    return Expr(.setComp(k, comps), open.location)
                }
                setItems.append(k)
            }
        }
        while accept(",") {
            if isOp("}") { break }
            if isSet { setItems.append(try expression()); continue }
            if accept("**") { pairs.append((nil, try expression())); continue }
            let k = try expression()
            _ = try expect(":", "between a dict key and its value")
            pairs.append((k, try expression()))
        }
        _ = try expect("}", isSet ? "to close the set" : "to close the dict (or a ',' is missing)")
        return isSet ? Expr(.set(setItems), open.location) : Expr(.dict(pairs), open.location)
    }

    /// Splits an f-string into literal text and `{expr!r:spec}` parts.
    func fstringParts(_ t: Token) throws -> [FPart] {
        var parts: [FPart] = []
        let s = Array(t.value)
        var i = 0, lit = ""
        while i < s.count {
            let c = s[i]
            if c == "{" {
                if i + 1 < s.count, s[i + 1] == "{" { lit.append("{"); i += 2; continue }
                if !lit.isEmpty { parts.append(.literal(lit)); lit = "" }
                var j = i + 1, depth = 0
                var exprText = "", conv: Character?, spec: String?
                var quote: Character?
                while j < s.count {
                    let d = s[j]
                    if let q = quote { exprText.append(d); if d == q { quote = nil }; j += 1; continue }
                    if d == "'" || d == "\"" { quote = d; exprText.append(d); j += 1; continue }
                    if d == "(" || d == "[" || d == "{" { depth += 1 }
                    if d == ")" || d == "]" || (d == "}" && depth > 0) { depth -= 1; exprText.append(d); j += 1; continue }
                    if depth == 0 && (d == "}" || d == ":" || (d == "!" && j + 1 < s.count && s[j + 1] != "=")) { break }
                    exprText.append(d); j += 1
                }
                if j < s.count, s[j] == "!" { conv = j + 1 < s.count ? s[j + 1] : nil; j += 2 }
                if j < s.count, s[j] == ":" {
                    var sp = ""
                    j += 1
                    while j < s.count, s[j] != "}" { sp.append(s[j]); j += 1 }
                    spec = sp
                }
                guard j < s.count, s[j] == "}" else { throw error("f-string: expecting '}'", at: t) }
                var selfDoc = false
                if exprText.hasSuffix("=") && !exprText.hasSuffix("==") { selfDoc = true; exprText.removeLast() }
                let sub = SourceFile(name: file.name, text: exprText, lineOffset: file.lineOffset + t.line - 1)
                var lx = Lexer(sub)
                let toks: [Token]
                do { toks = try lx.tokenize() } catch { throw self.error("f-string: invalid expression '\(exprText)'", at: t) }
                var p = Parser(tokens: toks.map { var k = $0; k.line = t.line; k.column = t.column; return k }, file: file)
                let e: Expr
                do { e = try p.expression() } catch { throw self.error("f-string: invalid expression '\(exprText)'", at: t) }
                if selfDoc { parts.append(.literal(exprText + "=")); if conv == nil && spec == nil { conv = "r" } }
                parts.append(.expr(e, conversion: conv, spec: spec))
                i = j + 1
                continue
            }
            if c == "}" {
                if i + 1 < s.count, s[i + 1] == "}" { lit.append("}"); i += 2; continue }
                throw error("f-string: single '}' is not allowed", at: t)
            }
            lit.append(c); i += 1
        }
        if !lit.isEmpty { parts.append(.literal(lit)) }
        return parts
    }
}
