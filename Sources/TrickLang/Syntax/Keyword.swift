/// Python's keywords (`keyword.kwlist`), listed once: the parser's reserved words, REPL
/// completion, `namedtuple`'s field-name check and the fuzzer's dictionary all read this.
public enum Keyword: String, CaseIterable {
    case `False`, `None`, `True`, and, `as`, assert, async, await, `break`, `class`, `continue`, def, del, elif,
         `else`, except, finally, `for`, from, global, `if`, `import`, `in`, `is`, lambda, nonlocal, not, or,
         pass, raise, `return`, `try`, `while`, with, yield

    /// Every keyword, as Python spells it.
    public static let all: [String] = allCases.map(\.rawValue)

    /// The words the parser reserves: all but `async` and `await` (trick has no coroutines, so
    /// `async def` is reported where the name stands, as before).
    public static let reserved: Set<String> = Set(allCases.filter { $0 != .async && $0 != .await }.map(\.rawValue))
}
