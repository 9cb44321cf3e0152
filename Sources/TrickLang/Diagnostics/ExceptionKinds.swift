/// Python's built-in exception classes that trick raises or a user catches, with their parents, so
/// `except LookupError` catches a KeyError and `except RuntimeError` a NotImplementedError, as in
/// CPython. One table: `except` matching, `issubclass` and the names bound as built-ins read it.
public enum ExceptionKinds {
    /// An instance of a built-in exception type (`KeyError('x')`, or a caught one): an object whose
    /// type name is its `kind`.
    public static func isExceptionObject(_ o: BuiltObject) -> Bool {
        if case .str(let k)? = o.attributes["kind"] { return o.typeName == k }
        return false
    }

    /// Each class's base (CPython 3.11's hierarchy, the branches trick uses).
    public static let parent: [String: String] = [
        "Exception": "BaseException", "KeyboardInterrupt": "BaseException", "SystemExit": "BaseException",
        "GeneratorExit": "BaseException",
        "ArithmeticError": "Exception", "ZeroDivisionError": "ArithmeticError", "OverflowError": "ArithmeticError",
        "FloatingPointError": "ArithmeticError",
        "LookupError": "Exception", "KeyError": "LookupError", "IndexError": "LookupError",
        "ValueError": "Exception", "UnicodeError": "ValueError",
        "TypeError": "Exception", "AttributeError": "Exception", "AssertionError": "Exception",
        "NameError": "Exception", "UnboundLocalError": "NameError",
        "RuntimeError": "Exception", "NotImplementedError": "RuntimeError", "RecursionError": "RuntimeError",
        "OSError": "Exception", "FileNotFoundError": "OSError", "IsADirectoryError": "OSError",
        "PermissionError": "OSError", "FileExistsError": "OSError",
        "ImportError": "Exception", "ModuleNotFoundError": "ImportError",
        "StopIteration": "Exception", "MemoryError": "Exception", "BufferError": "Exception", "EOFError": "Exception",
        "SyntaxError": "Exception", "IndentationError": "SyntaxError",
        "Warning": "Exception", "UserWarning": "Warning", "DeprecationWarning": "Warning", "RuntimeWarning": "Warning",
        "FutureWarning": "Warning", "PendingDeprecationWarning": "Warning", "SyntaxWarning": "Warning",
        "ImportWarning": "Warning", "ResourceWarning": "Warning", "UnicodeWarning": "Warning", "BytesWarning": "Warning",
        "SkipTest": "Exception",
    ]

    /// The classes above that live in a module (`unittest.SkipTest`), not among the built-in names.
    public static let inModules: Set<String> = ["SkipTest"]

    /// Exception classes defined in trick code (`class MyError(ValueError)`), with their parents.
    nonisolated(unsafe) static var userParent: [String: String] = [:]

    static func register(_ name: String, parent p: String) { userParent[name] = p }

    /// True when `kind` is `base` or derives from it. An unknown kind derives from Exception.
    public static func isSubclass(_ kind: String, of base: String) -> Bool {
        var k: String? = kind
        var steps = 0
        while let c = k, steps < 16 {
            if c == base { return true }
            k = userParent[c] ?? parent[c] ?? (c == "BaseException" ? nil : "Exception")
            steps += 1
        }
        return false
    }
}
