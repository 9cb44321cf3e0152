/// Python iterators built in Swift: `iter(x)`, `next(it[, default])` and the lazy objects of
/// `itertools` (see Itertools.swift). An iterator is a `BuiltObject` whose payload is a
/// `PyIterator`: `next()` pulls one value at a time, so `islice(count(), 5)`, `zip(count(), xs)`
/// and `next(cycle(xs))` stop where Python stops; a `for` loop (and a comprehension) pulls them
/// one item at a time too, so `for i in count(): ... break` works. Where trick differs: `list`,
/// `sorted` and other built-ins taking an iterable (through `__iter__`) take all remaining items
/// first, so an infinite iterator (`count()`, `cycle()`, `repeat(x)`) given to them is an error
/// that says so, not a hang.
public final class PyIterator {
    let pull: () throws -> Value?
    /// count(), cycle(), repeat(x) without times: never exhausted.
    let infinite: Bool
    private var done = false

    init(infinite: Bool = false, _ pull: @escaping () throws -> Value?) {
        self.pull = pull
        self.infinite = infinite
    }

    /// Over a fixed list of items.
    convenience init(items: [Value]) {
        var i = 0
        self.init { guard i < items.count else { return nil }; defer { i += 1 }; return items[i] }
    }

    /// The next value, or nil once exhausted (and for ever after, as Python's iterators).
    func next() throws -> Value? {
        if done { return nil }
        if let v = try pull() { return v }
        done = true
        return nil
    }

    /// `next(it)` as Python's `__next__`: the next value, or StopIteration.
    func nextOrStop() throws -> Value {
        guard let v = try next() else { throw RuntimeError("", kind: "StopIteration") }
        return v
    }

    /// Everything that is left (what `list(it)` and a `for` loop take).
    func rest(_ typeName: String) throws -> [Value] {
        if infinite {
            throw RuntimeError("\(typeName)() is an infinite iterator: list() and the built-ins taking an iterable take all items first, so cut it with itertools.islice(it, n) or zip() first (a for loop may take it as it is)", kind: "TypeError")
        }
        var out: [Value] = []
        while let v = try next() { out.append(v) }
        return out
    }

    /// An iterator object: `<itertools.chain object>`, iterable once, with `__next__`.
    static func object(_ typeName: String, _ it: PyIterator) -> Value {
        let o = BuiltObject(typeName: typeName, payload: it)
        o.repr = { "<\(typeName) object>" }
        o.method("__iter__()") { _ in .list(ListRef(try it.rest(typeName))) }
        o.method("__next__()") { _ in try it.nextOrStop() }
        return .object(o)
    }

    static func object(_ typeName: String, infinite: Bool = false, _ pull: @escaping () throws -> Value?) -> Value {
        object(typeName, PyIterator(infinite: infinite, pull))
    }

    /// Pulls from any iterable: a trick iterator lazily, an object with `__next__` through it,
    /// anything else through its items.
    static func of(_ v: Value, _ interp: Interpreter) throws -> PyIterator {
        if case .object(let o) = v {
            if let it = o.payload as? PyIterator { return it }
            if o.special("__iter__") == nil, let n = o.special("__next__") {
                return PyIterator {
                    do { return try n.call(Arguments()) } catch where PyIterator.isStop(error) { return nil }
                }
            }
            // an iterable whose __iter__ gives an iterator (a DataLoader's pass, a class returning
            // an object with __next__): pulled lazily, as Python's iter()
            if let f = o.special("__iter__") {
                let r = try f.call(Arguments())
                if case .object(let ro) = r {
                    if let it = ro.payload as? PyIterator { return it }
                    if let n = ro.special("__next__") {
                        return PyIterator {
                            do { return try n.call(Arguments()) } catch where PyIterator.isStop(error) { return nil }
                        }
                    }
                }
                return PyIterator(items: try interp.iterate(r))
            }
        }
        return PyIterator(items: try interp.iterate(v))
    }

    /// A StopIteration, raised by a built-in (RuntimeError) or a script (TrickError).
    static func isStop(_ e: Error) -> Bool {
        (e as? RuntimeError)?.kind == "StopIteration" || (e as? TrickError)?.kind == "StopIteration"
    }

    static func isInfinite(_ v: Value) -> Bool {
        if case .object(let o) = v, let it = o.payload as? PyIterator { return it.infinite }
        return false
    }

    static func register(_ lib: Library, _ interp: Interpreter) {
        lib.function("iter(object)", doc: "Python's iter(): an iterator over the items, consumed by next() and loops.") { [unowned interp] a in
            if case .object(let o) = a["object"], o.payload is PyIterator { return a["object"] }
            return object("iterator", try of(a["object"], interp))
        }
        lib.function("next(iterator, *default)", doc: "Python's next(): the iterator's next item, else `default`, else StopIteration.") { a in
            let it = a["iterator"]
            if case .object(let o) = it, let n = o.special("__next__") {
                do { return try n.call(Arguments()) } catch where isStop(error) {
                    if let d = a.varargs.first { return d }
                    throw error
                }
            }
            throw RuntimeError("'\(it.typeName)' object is not an iterator", kind: "TypeError")
        }
    }
}
