#if canImport(Glibc)
import Glibc
#endif

/// The fallback driver when libFuzzer is not linked in: seeded random mutations of the corpus
/// (byte edits, token insertions from a dictionary of the language's syntax and built-in names,
/// line splices between corpus files), run until the time is up. Deterministic for a seed.
enum MutationFuzzer {
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let tokens = [
        "(", ")", "[", "]", "{", "}", ":", ",", ";", ".", "=", "==", "+", "-", "*", "**", "/", "//", "%", "@",
        "<<", ">>", "<", ">", "not ", " and ", " or ", " in ", "lambda x: ", "if ", "else ", "for ", "while ",
        "def f(", "return ", "\n", "\n    ", "'", "\"", "f'{", "}'", "#", "#%%\n", "0", "1", "-1", "2**63", "1e308",
        "9223372036854775807", "None", "True", "[]", "()", "{}", "[1 2; 3 4]", "x", "*args", "**kw", "\\",
        "tensor(", "zeros(", "nms(", "soft_nms(", "build(dict(type=", "interpolate(", "cat(", "stack(",
        "range(", "len(", ".shape", ".sum(", "reshape(", "[0]", "[:, None]", "[-1:]", "[::-1]",
    ]

    static func main(_ args: [String]) {
        var seconds = 60.0, seed: UInt64 = 1, paths: [String] = []
        for a in args {
            if a.hasPrefix("-seconds=") { seconds = Double(a.dropFirst(9)) ?? seconds } else if a.hasPrefix("-max_total_time=") {
                seconds = Double(a.dropFirst(16)) ?? seconds
            } else if a.hasPrefix("-seed=") { seed = UInt64(a.dropFirst(6)) ?? seed } else if !a.hasPrefix("-") { paths.append(a) }
        }
        var corpus: [[UInt8]] = []
        for p in paths { for f in files(p) { if let b = read(f) { corpus.append(b) } } }
        if corpus.isEmpty { corpus = [Array("x = 1\nprint(x)\n".utf8)] }
        var rng = RNG(state: seed)
        let start = FuzzTarget.now()
        var runs = 0
        let here = "fuzz-current.trick"
        let saveTo = (getcwd(nil, 0).map { String(cString: $0) } ?? ".") + "/" + here
        while Double(FuzzTarget.now() - start) / 1e9 < seconds {
            var input = corpus[rng.below(corpus.count)]
            for _ in 0...rng.below(4) { mutate(&input, &rng, corpus) }
            if input.count > 4096 { input.removeLast(input.count - 4096) }
            write(saveTo, input)
            FuzzTarget.runOne(String(decoding: input, as: UTF8.self))
            runs += 1
        }
        unlink(saveTo)
        print("trick-fuzz (random mutation, seed \(seed)): \(runs) runs in \(Int(seconds)) s, no crash")
    }

    static func mutate(_ b: inout [UInt8], _ rng: inout RNG, _ corpus: [[UInt8]]) {
        let pos = rng.below(b.count + 1)
        switch rng.below(6) {
        case 0 where !b.isEmpty: b[Swift.min(pos, b.count - 1)] = UInt8(32 + rng.below(95))
        case 1 where !b.isEmpty: b.removeSubrange(pos..<Swift.min(b.count, pos + 1 + rng.below(8)))
        case 2: b.insert(contentsOf: Array(tokens[rng.below(tokens.count)].utf8), at: pos)
        case 3:
            let other = corpus[rng.below(corpus.count)]
            let a = rng.below(other.count + 1), n = rng.below(200)
            b.insert(contentsOf: other[a..<Swift.min(other.count, a + n)], at: pos)
        case 4 where !b.isEmpty:
            let n = Swift.min(b.count - pos, rng.below(40))
            let piece = Array(b[pos..<(pos + n)])
            b.insert(contentsOf: piece, at: pos)
        default: b.insert(UInt8(rng.below(256)), at: pos)
        }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = [], buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
        }
        return out
    }

    static func write(_ path: String, _ bytes: [UInt8]) {
        guard let f = fopen(path, "wb") else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }

    static func files(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [path] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name.hasPrefix(".") { continue }
            out += files(path + "/" + name)
        }
        return out
    }
}
