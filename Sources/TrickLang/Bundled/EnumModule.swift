/// Python's `enum` (CPython 3.11) in trick: `Enum`, `IntEnum`, `StrEnum`, `auto`, `unique`, and
/// the mixed-in forms `class Mode(str, Enum)` / `class Level(int, Enum)`. The members are made
/// when the class is built (`Interpreter.finishEnumClass`, the part EnumMeta does in CPython:
/// trick has no metaclasses); the methods below are EnumType's and Enum's. Where trick differs:
/// no `Flag`/`IntFlag`, no functional API (`Enum('Color', 'RED GREEN')`), and a member's
/// `name`/`value` are properties of the class, so an enum cannot define its own `name` member;
/// a mixed-in member (`class Format(str, Enum)`) is not an instance of str and does not find its
/// value's key in a dict.
enum EnumModule {
    static let source = #"""
class auto:
    def __init__(self):
        self.value = None

    def __repr__(self):
        return 'auto(%r)' % (self.value,)


class Enum:
    def __init__(self, *args, **kwds):
        pass

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        for last in reversed(last_values):
            try:
                return last + 1
            except TypeError:
                pass
        return start

    @property
    def name(self):
        return self._name_

    @property
    def value(self):
        return self._value_

    def __repr__(self):
        return '<%s.%s: %r>' % (type(self).__name__, self._name_, self._value_)

    def __str__(self):
        return '%s.%s' % (type(self).__name__, self._name_)

    def __format__(self, spec):
        return format(str(self), spec)

    def __hash__(self):
        return hash(self._name_)

    def __reduce_ex__(self, proto):
        return type(self), (self._value_,)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class _ValueMixin(Enum):
    # a member of `class X(int, Enum)` / `class X(str, Enum)` is its value for comparison,
    # hashing and the operators both types have
    def __eq__(self, other):
        return self._value_ == other

    def __ne__(self, other):
        return self._value_ != other

    def __lt__(self, other):
        return self._value_ < other

    def __hash__(self):
        return hash(self._value_)

    def __add__(self, other):
        return self._value_ + other

    def __radd__(self, other):
        return other + self._value_


class _IntMixin(_ValueMixin):
    def __le__(self, other):
        return self._value_ <= other

    def __gt__(self, other):
        return self._value_ > other

    def __ge__(self, other):
        return self._value_ >= other

    def __int__(self):
        return self._value_

    def __index__(self):
        return self._value_

    def __float__(self):
        return float(self._value_)

    def __bool__(self):
        return self._value_ != 0

    def __sub__(self, other):
        return self._value_ - other

    def __rsub__(self, other):
        return other - self._value_

    def __mul__(self, other):
        return self._value_ * other

    def __rmul__(self, other):
        return other * self._value_

    def __truediv__(self, other):
        return self._value_ / other

    def __rtruediv__(self, other):
        return other / self._value_

    def __floordiv__(self, other):
        return self._value_ // other

    def __rfloordiv__(self, other):
        return other // self._value_

    def __mod__(self, other):
        return self._value_ % other

    def __rmod__(self, other):
        return other % self._value_

    def __pow__(self, other):
        return self._value_ ** other

    def __and__(self, other):
        return self._value_ & other

    def __rand__(self, other):
        return other & self._value_

    def __or__(self, other):
        return self._value_ | other

    def __ror__(self, other):
        return other | self._value_

    def __neg__(self):
        return -self._value_

    def __format__(self, spec):
        return format(self._value_, spec)


class _StrMixin(_ValueMixin):
    def __len__(self):
        return len(self._value_)

    def __contains__(self, item):
        return item in self._value_

    def __getattr__(self, attr):
        return getattr(self._value_, attr)


class IntEnum(_IntMixin):
    def __str__(self):
        return str(self._value_)


class StrEnum(_StrMixin):
    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()

    def __str__(self):
        return self._value_

    def __format__(self, spec):
        return format(self._value_, spec)


def unique(enumeration):
    duplicates = []
    for name, member in enumeration.__members__.items():
        if name != member.name:
            duplicates.append((name, member.name))
    if duplicates:
        alias_details = ', '.join(['%s -> %s' % (alias, name) for (alias, name) in duplicates])
        raise ValueError('duplicate values found in %r: %s' % (enumeration, alias_details))
    return enumeration
"""#

    /// The value types `class X(int, Enum)` may mix in, and the class standing for each.
    static let mixins: [String: String] = ["int": "_IntMixin", "str": "_StrMixin"]
}

extension Interpreter {
    /// Whether a class is an enum (derives from `enum.Enum`).
    static func isEnum(_ info: ClassInfo) -> Bool {
        info.mro.contains { $0.module == "enum" && $0.name == "Enum" }
    }

    /// `class Mode(str, Enum)`: the value type becomes the `enum` mixin that behaves as it
    /// (trick classes cannot derive from str or int). Other bases are left as they are.
    func enumMixinBases(_ bases: [Value]) throws -> [Value] {
        let isEnumBase = { (v: Value) -> Bool in
            if case .object(let o) = v, let ci = o.payload as? ClassInfo { return Interpreter.isEnum(ci) }
            return false
        }
        guard bases.contains(where: isEnumBase) else { return bases }
        guard case .object(let module)? = try library.importModule("enum") else { return bases }
        return try bases.map { b in
            guard case .builtin(let f) = b, let mixin = EnumModule.mixins[f.name], let cls = try module.getter?(mixin) ?? module.attributes[mixin] else { return b }
            return cls
        }
    }

    /// EnumType's work when an enum class is made: each plain attribute becomes a member (an
    /// instance holding `_name_` and `_value_`; `auto()` values from `_generate_next_value_`;
    /// an equal value makes an alias), and the class gets `Color(value)`, `Color['NAME']`,
    /// iteration, `len`, `in` and `__members__` with CPython 3.11's errors.
    func finishEnumClass(_ info: ClassInfo, _ cls: BuiltObject) throws {
        guard Interpreter.isEnum(info), info.module != "enum" else { return }
        for base in info.mro.dropFirst() where base.module != "enum" {
            if let found = base.object.attributes["_member_names_"], case .list(let l) = found, !l.items.isEmpty {
                throw RuntimeError("<enum '\(info.name)'> cannot extend <enum '\(base.name)'>", kind: "TypeError")
            }
        }
        var ignored: Set<String> = []
        if let ig = info.namespace["_ignore_"] {
            if case .str(let s) = ig { ignored = Set(s.split(separator: " ").map(String.init)) }
            if case .list(let l) = ig { ignored = Set(l.items.compactMap { if case .str(let s) = $0 { return s } else { return nil } }) }
        }
        var members: [(String, BuiltObject)] = []
        var canonical: [BuiltObject] = []
        var lastValues: [Value] = []
        for key in info.order {
            guard let raw = info.namespace[key], Interpreter.isEnumMember(key, raw), !ignored.contains(key) else { continue }
            var value = raw
            if case .object(let a) = raw, a.instanceClass.map({ ($0 as? ClassInfo)?.name == "auto" && ($0 as? ClassInfo)?.module == "enum" }) == true {
                let next = try classAttribute(info, "_generate_next_value_") ?? .none
                value = try call(next, Arguments([.str(key), .int(1), .int(canonical.count), .list(ListRef(lastValues))]))
                a.set("value", value)
            }
            lastValues.append(value)
            if let alias = canonical.first(where: { Ops.equal($0.attributes["_value_"] ?? .none, value) }) {
                members.append((key, alias))
                info.namespace[key] = .object(alias)
                continue
            }
            let args: [Value]
            if case .tuple(let t) = value { args = t } else { args = [value] }
            guard case .object(let member) = try instantiate(info, Arguments(args)) else { continue }
            member.set("_name_", .str(key))
            member.set("_value_", value)
            members.append((key, member))
            canonical.append(member)
            info.namespace[key] = .object(member)
        }
        let membersDict = DictRef()
        for (k, m) in members { membersDict[str: k] = .object(m) }
        cls.set("__members__", .dict(membersDict))
        cls.set("_member_names_", .list(ListRef(canonical.map { .str(($0.attributes["_name_"]).map(Printer.str) ?? "") })))
        cls.repr = { "<enum '\(info.name)'>" }
        cls.callable = BuiltinFunction(raw: "\(info.name)(value)") { args in
            guard args.positional.count == 1, args.keywords.isEmpty else {
                throw RuntimeError("\(info.name)() takes exactly one argument (the value of a member)", kind: "TypeError")
            }
            let v = args.positional[0]
            if case .object(let o) = v, canonical.contains(where: { $0 === o }) { return v }
            for m in canonical where Ops.equal(m.attributes["_value_"] ?? .none, v) { return .object(m) }
            throw RuntimeError("\(Printer.repr(v)) is not a valid \(info.name)", kind: "ValueError")
        }
        cls.method("__getitem__(name)") { a in
            guard case .str(let name) = a["name"], let m = membersDict[str: name] else {
                var e = RuntimeError(Printer.repr(a["name"]), kind: "KeyError")
                e.raised = CoreBuiltins.exception("KeyError", [a["name"]])
                throw e
            }
            return m
        }
        cls.method("__iter__()") { _ in .list(ListRef(canonical.map { .object($0) })) }
        cls.method("__len__()") { _ in .int(canonical.count) }
        cls.method("__contains__(member)") { a in
            guard case .object(let o) = a["member"], let c = o.instanceClass as? ClassInfo, Interpreter.isEnum(c) else {
                throw RuntimeError("unsupported operand type(s) for 'in': '\(a["member"].typeName)' and 'EnumType'", kind: "TypeError")
            }
            return .bool(canonical.contains { $0 === o })
        }
    }

    /// What EnumType makes a member: not a dunder, sunder or private name, not a function or
    /// descriptor (methods, properties, classmethods stay methods).
    static func isEnumMember(_ key: String, _ v: Value) -> Bool {
        if key.hasPrefix("__") && key.hasSuffix("__") { return false }
        if key.count > 2, key.hasPrefix("_"), key.hasSuffix("_") { return false }
        if key.hasPrefix("_") && key.contains("__") { return false }
        switch v {
        case .function, .builtin: return false
        case .object(let o):
            if o.payload is MethodWrapper { return false }
            if Interpreter.descriptor(v, "__get__") != nil { return false }
            return true
        default: return true
        }
    }
}
