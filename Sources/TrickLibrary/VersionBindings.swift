import TrickCore
import TrickLang

/// `torch.__version__` — the torch release whose numbers trick matches (2.4.1, the reference
/// environment's) — and MMEngine's `digit_version(version_str, length=4)`, which test files use to
/// branch on it: the release padded to `length` numbers, then `(0, 0)` for a final release,
/// `(-3|-2|-1, n)` for `aN`/`bN`/`rcN`, `(-4, 0)` for a `.devN` without one, `(1, n)` for `.postN`.
enum VersionBindings {
    static let torchVersion = "2.4.1"

    /// PEP 440's common forms: `2.4.1`, `2.0.0rc1`, `1.13.0a0`, `2.1.0.dev20230801`, `0.10.7.post1`,
    /// with a `+local` part ignored.
    static func digitVersion(_ s: String, length: Int) throws -> [Int] {
        let text = String(s.lowercased().split(separator: "+", maxSplits: 1).first ?? "")
        var release: [Int] = []
        var rest = Substring(text)
        while let n = Int(rest.prefix { $0.isNumber }) {
            release.append(n)
            rest = rest.drop { $0.isNumber }
            guard rest.first == ".", rest.dropFirst().first?.isNumber == true else { break }
            rest = rest.dropFirst()
        }
        guard !release.isEmpty else { throw RuntimeError("failed to parse version \(s)", kind: "AssertionError") }
        release = Array(release.prefix(length)) + [Int](repeating: 0, count: Swift.max(0, length - release.count))
        if rest.hasPrefix(".") || rest.hasPrefix("-") || rest.hasPrefix("_") { rest = rest.dropFirst() }
        for (tag, val) in [("rc", -1), ("a", -3), ("b", -2)] where rest.hasPrefix(tag) {
            return release + [val, Int(rest.dropFirst(tag.count).prefix { $0.isNumber }) ?? 0]
        }
        if rest.hasPrefix("dev") { return release + [-4, 0] }
        if rest.hasPrefix("post") { return release + [1, Int(rest.dropFirst(4).prefix { $0.isNumber }) ?? 0] }
        guard rest.isEmpty else { throw RuntimeError("failed to parse version \(s)", kind: "AssertionError") }
        return release + [0, 0]
    }

    static func register(_ lib: Library) {
        lib.namespace("torch").set("__version__", .str(torchVersion))
        lib.function("digit_version(version_str, length=4)",
                     doc: "mmengine.utils.digit_version: a version string as a tuple of ints for comparison (pre-releases a < b < rc < final).") { a in
            .tuple(try digitVersion(try a.string("version_str"), length: try a.int("length")).map { .int($0) })
        }
    }
}
