// `make bench`: trick against the reference implementations on fixed, realistic work.
// Each row runs the same work in trick and (when available) in Python, in the same run, and
// reports medians after a warm-up. Without the reference stack only trick's numbers are shown.
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Runs a command, discarding its output; returns its wall time, or nil if it failed.
func timeCommand(_ argv: [String]) -> Double? {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    let start = now()
    guard posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ) == 0 else { return nil }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let t = now() - start
    return status == 0 ? t : nil
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
}

func measure(_ argv: [String], repeats: Int) -> Double? {
    guard timeCommand(argv) != nil else { return nil }   // warm-up (and availability check)
    var ts: [Double] = []
    for _ in 0..<repeats { if let t = timeCommand(argv) { ts.append(t) } }
    return ts.isEmpty ? nil : median(ts)
}

func ms(_ t: Double?) -> String {
    guard let t else { return "n/a" }
    return t < 0.01 ? String(format1(t * 1000, 2)) + " ms" : String(format1(t * 1000, 1)) + " ms"
}

func format1(_ x: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return String(cString: buf)
}

func writeTemp(_ name: String, _ text: String) -> String {
    let path = "/tmp/trick-bench-\(getpid())-\(name)"
    let f = fopen(path, "w")!
    fputs(text, f)
    fclose(f)
    return path
}

struct Row {
    var work: String
    var trick: Double?
    var reference: Double?
    var referenceName: String
}

let trickBin = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".build/release/trick"
let python = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "python3"

let fibTrick = writeTemp("fib.trick", """
    def fib(n):
        if n < 2:
            return n
        return fib(n - 1) + fib(n - 2)
    print(fib(27))
    """ + "\n")
let fibPython = writeTemp("fib.py", """
    def fib(n):
        if n < 2:
            return n
        return fib(n - 1) + fib(n - 2)
    print(fib(27))
    """ + "\n")
let loopTrick = writeTemp("loop.trick", """
    d = {}
    acc = []
    for i in range(1000000):
        k = i % 1000
        d[k] = d.get(k, 0) + i
        if i % 100 == 0:
            acc.append(k)
    print(len(d), len(acc))
    """ + "\n")
let loopPython = writeTemp("loop.py", """
    d = {}
    acc = []
    for i in range(1000000):
        k = i % 1000
        d[k] = d.get(k, 0) + i
        if i % 100 == 0:
            acc.append(k)
    print(len(d), len(acc))
    """ + "\n")

var rows: [Row] = []
rows.append(Row(work: "start-up: `-c 'print(1 + 1)'`",
                trick: measure([trickBin, "-c", "print(1 + 1)"], repeats: 15),
                reference: measure([python, "-c", "print(1 + 1)"], repeats: 15), referenceName: "CPython"))
rows.append(Row(work: "interpreter: naive fib(27)",
                trick: measure([trickBin, "run", fibTrick], repeats: 5),
                reference: measure([python, fibPython], repeats: 5), referenceName: "CPython"))
rows.append(Row(work: "interpreter: 10^6-iteration loop with dict/list work",
                trick: measure([trickBin, "run", loopTrick], repeats: 3),
                reference: measure([python, loopPython], repeats: 3), referenceName: "CPython"))

print("| work | trick (median) | reference (median) | ratio trick/reference |")
print("|---|---|---|---|")
for r in rows {
    let ratio: String
    if let a = r.trick, let b = r.reference { ratio = format1(a / b, 2) + "×" } else { ratio = "—" }
    print("| \(r.work) | \(ms(r.trick)) | \(ms(r.reference)) (\(r.referenceName)) | \(ratio) |")
}
for p in [fibTrick, fibPython, loopTrick, loopPython] { unlink(p) }
