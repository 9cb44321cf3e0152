// `make bench`: trick against the reference implementations on fixed, realistic work.
//
// Usage: trick-bench [TRICK_BIN] [PYTHON] [ROOT]   (ROOT holds bench/ and tools/; default ".")
//
// Each row runs the same work in trick and (when the reference stack imports) in Python, in the
// same run, one right after the other:
// - kernel rows are timed in-process: bench/<name>.trick (after bench/_prelude.trick) and
//   `tools/bench_kernels.py <name>` each time their own call with perf_counter (one warm-up,
//   then at least REPEATS calls and more until 0.5 s have passed) and print `min_ms` (reported),
//   `median_ms`, the timed `window` and a `check` line (e.g. the kept-box count; the box inputs
//   are bit-identical on both sides, so those checks must agree). Most kernels run at 3–4 sizes
//   (`SIZE`, the same literal on both sides) and get the fitted exponent of time against work on
//   each side. While each side runs, /proc/stat and the child's /proc/PID/stat are sampled every
//   20 ms: the CPU time other processes took during the timed window, as a share of all CPUs, is
//   printed with each row, and rows above `busyLimit` are marked (a loaded machine stalls torch's
//   2-thread kernels more than trick's and flatters trick);
// - the interpreter rows are timed in-process too: bench/interp/*.py (valid trick and Python) and
//   *.lua define the same `work()`, timed by a harness appended to each (see below);
// - only the start-up row times whole processes (`trick -c` vs `python3 -c`).
// `BENCH_ONLY=interp` runs the interpreter rows alone, `BENCH_ONLY=kernels` the kernel rows alone,
// `BENCH_ONLY=ce,wbf` (kernel names, comma-separated) those kernels alone.
// `BENCH_BASELINE=path/to/an/older/trick` adds a column with that binary's time on each kernel row
// (measured in the same run, right before the current one: a before/after under the same load).
// Without the reference stack only trick's numbers are shown.
#if canImport(Glibc)
import Glibc
#endif
import TrickCore

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

struct RunResult {
    var ok: Bool
    var seconds: Double
    var stdout: String
    var maxRSSKB: Int
    /// (monotonic time, busy jiffies of the whole machine, jiffies of the child) every ~20 ms.
    var samples: [(t: Double, busy: Double, child: Double)] = []
}

/// Busy jiffies of all CPUs (user + nice + system + irq + softirq + steal) from /proc/stat.
func machineBusyJiffies() -> Double {
    guard let text = readText("/proc/stat"), let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return .nan }
    let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard f.count >= 8 else { return .nan }
    return f[0] + f[1] + f[2] + f[5] + f[6] + f[7]
}

/// utime + stime (all threads) of a process, in jiffies, from /proc/PID/stat.
func processJiffies(_ pid: pid_t) -> Double {
    guard let text = readText("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return .nan }
    let f = text[text.index(after: close)...].split(separator: " ")
    // after the command: state is field 3, utime 14, stime 15
    guard f.count > 12, let u = Double(f[11]), let s = Double(f[12]) else { return .nan }
    return u + s
}

/// `processJiffies` of a process and its children: a `--measure-rss` wrapper's child is the
/// program measured, whose time is not other processes' time.
func treeJiffies(_ pid: pid_t) -> Double {
    var total = processJiffies(pid)
    for child in (readText("/proc/\(pid)/task/\(pid)/children") ?? "").split(separator: " ") {
        if let c = pid_t(child) { total += processJiffies(c) }
    }
    return total
}

let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))
let onlineCPUs = Double(sysconf(Int32(_SC_NPROCESSORS_ONLN)))

/// Runs a command, capturing stdout (stderr discarded); wall time and the child's peak RSS.
/// With `sample`, the machine's and the child's CPU time are sampled every ~20 ms while it runs.
func run(_ argv: [String], sample: Bool = false) -> RunResult {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return RunResult(ok: false, seconds: 0, stdout: "", maxRSSKB: 0) }
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    let start = now()
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
    close(fds[1])
    guard rc == 0 else { close(fds[0]); return RunResult(ok: false, seconds: 0, stdout: "", maxRSSKB: 0) }
    var samples: [(t: Double, busy: Double, child: Double)] = []
    func takeSample() { if sample { samples.append((now(), machineBusyJiffies(), treeJiffies(pid))) } }
    takeSample()
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, sample ? 20 : -1)
        takeSample()
        if ready == 0 { continue }
        let n = read(fds[0], &buf, buf.count)
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let t = now() - start
    let exited = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
    return RunResult(ok: exited, seconds: t, stdout: String(decoding: bytes, as: UTF8.self), maxRSSKB: Int(usage.ru_maxrss),
                     samples: samples)
}

/// The share of all CPUs that processes other than the child used between the samples
/// around [t0, t1] (the whole run when there is no window).
func othersShare(_ r: RunResult, window: (Double, Double)?) -> Double? {
    let s = r.samples.filter { !$0.busy.isNaN && !$0.child.isNaN }
    guard s.count >= 2 else { return nil }
    var a = 0, b = s.count - 1
    if let (t0, t1) = window {
        a = s.lastIndex { $0.t <= t0 } ?? 0
        b = s.firstIndex { $0.t >= t1 } ?? s.count - 1
        if b <= a { b = Swift.min(s.count - 1, a + 1); a = Swift.max(0, b - 1) }
    }
    let dt = s[b].t - s[a].t
    guard dt > 0 else { return nil }
    let others = (s[b].busy - s[a].busy) - (s[b].child - s[a].child)
    return Swift.max(0, others / clockTicks / (dt * onlineCPUs))
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
}

/// Whole-process wall time: one warm-up run, then the median of `repeats` runs.
func measureProcess(_ argv: [String], repeats: Int) -> Double? {
    guard run(argv).ok else { return nil }
    var ts: [Double] = []
    for _ in 0..<repeats { let r = run(argv); if r.ok { ts.append(r.seconds) } }
    return ts.isEmpty ? nil : median(ts)
}

func format(_ x: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return String(cString: buf)
}

func ms(_ t: Double?) -> String {
    guard let t else { return "n/a" }
    if t < 0.01 { return format(t * 1000, 2) + " ms" }
    if t < 1 { return format(t * 1000, 1) + " ms" }
    return format(t * 1000, 0) + " ms"
}

func readText(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

func writeTemp(_ name: String, _ text: String) -> String {
    let path = "/tmp/trick-bench-\(getpid())-\(name)"
    let f = fopen(path, "w")!
    fputs(text, f)
    fclose(f)
    return path
}

var tempFiles: [String] = []

/// `min_ms X` (else `median_ms X`), `window T0 T1` and `check ...` lines of an in-process
/// benchmark's output, with the other processes' share of the CPUs during the window.
struct KernelResult {
    var seconds: Double
    var check: String
    var maxRSSKB: Int
    var othersShare: Double? = nil
}

func parseKernel(_ r: RunResult) -> KernelResult? {
    guard r.ok else { return nil }
    var tMin: Double?, tMedian: Double?
    var window: (Double, Double)?
    var check = ""
    var peak: Int?   // from `--measure-rss`
    for line in r.stdout.split(separator: "\n") {
        if line.hasPrefix("min_ms ") { tMin = Double(line.dropFirst(7).trimmingSpaces()).map { $0 / 1000 } }
        if line.hasPrefix("median_ms ") { tMedian = Double(line.dropFirst(10).trimmingSpaces()).map { $0 / 1000 } }
        if line.hasPrefix("window ") {
            let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if f.count == 2 { window = (f[0], f[1]) }
        }
        if line.hasPrefix("check ") { check = String(line.dropFirst(6)) }
        if line.hasPrefix("peak_rss_kb ") { peak = Int(line.dropFirst(12).trimmingSpaces()) }
    }
    guard let t = tMin ?? tMedian else { return nil }
    return KernelResult(seconds: t, check: check, maxRSSKB: peak ?? r.maxRSSKB, othersShare: othersShare(r, window: window))
}

extension Substring {
    func trimmingSpaces() -> String { String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

/// Peak RSS (KB) of this process so far.
func maxRSSKB() -> Int {
    var u = rusage()
    getrusage(0, &u)   // RUSAGE_SELF
    return Int(u.ru_maxrss)
}

/// `trick-bench --measure-rss CMD...`: runs CMD in a child forked from this fresh process and, after
/// its output, prints `peak_rss_kb N`, the child's own peak RSS; exits with the child's status.
/// A child started by posix_spawn (vfork) from the main bench process inherits that process's
/// high-water mark in ru_maxrss (Linux records the old address space's peak at exec): a row could
/// read no less than the bench's own peak so far. Forked from this small process, the floor is
/// ~2.5 MB (`trick-bench --measure-rss /bin/true`), below every row.
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "--measure-rss" {
    let argv = Array(CommandLine.arguments.dropFirst(2))
    let cargs = argv.map { strdup($0) } + [nil]
    fflush(stdout)
    let pid = fork()
    if pid == 0 {
        execvp(cargs[0]!, cargs)
        _exit(127)
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    print("peak_rss_kb \(usage.ru_maxrss)")
    exit((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
}

if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--bandwidth" {
    let bw = bandwidth()
    print("copy \(format(bw.copy, 1)) GB/s (read + write), read \(format(bw.read, 1)) GB/s")
    exit(0)
}

/// `trick-bench --gemm` (`make gemm-bench`): trick's GEMM against OpenBLAS at the bench's shapes.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--gemm" {
    print(GemmBenchmark.run())
    exit(0)
}

/// `trick-bench --ce-memory`: build the CE benchmark's inputs (same shapes and label mix as
/// bench/ce.trick, simple LCG values), then make one call of the core behind `cross_entropy`;
/// prints the peak RSS before and after the call (run in a fresh process by the main program).
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--ce-memory" {
    let n = 2 * 19 * 512 * 1024, s = 2 * 512 * 1024
    var state: UInt64 = 12345
    @inline(__always) func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    let logits = Tensor(shape: [2, 19, 512, 1024], float32: (0..<n).map { _ in Float(next() % 65536) / 8192 - 4 })
    let labels = Tensor(shape: [2, 512, 1024], int64: (0..<s).map { _ in
        let r = next()
        return r % 10 == 0 ? 255 : Int64((r / 10) % 19)
    })
    let cw = Tensor(shape: [19], float32: (0..<19).map { 0.5 + Float($0) / 18 })
    let before = maxRSSKB()
    let loss = try! CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: 255)
    let after = maxRSSKB()
    print("median_ms 0")
    print("check peak_kb \(before) \(after) loss \(loss.floats[0])")
    exit(0)
}

// Line-buffered stdout: with `make bench > file 2>&1` the progress dots (stderr) then never land
// inside a table row where a block buffer happened to flush.
setvbuf(stdout, nil, _IOLBF, 0)
let args = CommandLine.arguments
let trickBin = args.count > 1 ? args[1] : ".build/release/trick"
let python = args.count > 2 ? args[2] : "python3"
let root = args.count > 3 ? args[3] : "."
let prelude = readText("\(root)/bench/_prelude.trick") ?? ""

func trickKernel(_ name: String, repeats: Int, size: String?, binary: String = trickBin) -> KernelResult? {
    guard let body = readText("\(root)/bench/\(name).trick") else { return nil }
    let head = "REPEATS = \(repeats)\n" + (size.map { "SIZE = \($0)\n" } ?? "")
    let path = writeTemp("\(name).trick", head + prelude + body)
    tempFiles.append(path)
    return parseKernel(run([binary, "run", path], sample: true))
}

func referenceKernel(_ pyName: String, repeats: Int, size: String?) -> KernelResult? {
    parseKernel(run([python, "\(root)/tools/bench_kernels.py", pyName, String(repeats)] + (size.map { [$0] } ?? []), sample: true))
}

// MARK: the machine

func cpuModel() -> String {
    guard let info = readText("/proc/cpuinfo") else { return "unknown CPU" }
    for line in info.split(separator: "\n") where line.hasPrefix("model name") {
        if let c = line.firstIndex(of: ":") { return line[line.index(after: c)...].trimmingSpaces() }
    }
    return "unknown CPU"
}

/// Single-thread memory bandwidth: best of 5 `memcpy`s of 256 MB (read + write counted), and of
/// 5 vectorisable sums over 256 MB (read only). The floor for a kernel that streams its input.
func bandwidth() -> (copy: Double, read: Double) {
    let n = 64 << 20
    var src = [Float](repeating: 1, count: n)
    var dst = [Float](repeating: 0, count: n)
    for i in stride(from: 0, to: n, by: 1024) { src[i] = Float(i & 7) }
    var bestCopy = Double.infinity, bestRead = Double.infinity
    var sink: Float = 0
    for _ in 0..<5 {
        let t0 = now()
        src.withUnsafeBytes { s in dst.withUnsafeMutableBytes { d in _ = memcpy(d.baseAddress!, s.baseAddress!, s.count) } }
        bestCopy = min(bestCopy, now() - t0)
        let t1 = now()
        var acc = SIMD8<Float>()
        src.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: SIMD8<Float>.self, capacity: n / 8) { v in
                for i in 0..<(n / 8) { acc += v[i] }
            }
        }
        sink += acc.sum()
        bestRead = min(bestRead, now() - t1)
    }
    if sink == -1 { print(dst[0]) }
    let bytes = Double(n * 4)
    return (2 * bytes / bestCopy / 1e9, bytes / bestRead / 1e9)
}

// MARK: the benchmarks

struct Kernel {
    var name: String
    var work: String
    var repeats: Int
    var target: Double?
    var reference: String
    var pyName: String?
    /// `SIZE` literals (valid trick and Python: a count or a shape tuple); empty: the program's own size.
    var sizes: [String] = []
}

/// Seg-map shapes from 0.16 M to 80 M elements.
let segSizes = ["(1, 19, 64, 128)", "(2, 19, 128, 256)", "(2, 19, 512, 1024)", "(8, 19, 512, 1024)"]
/// Inputs upsampled ×4 to 0.16 M … 80 M output elements.
let upSizes = ["(1, 19, 16, 32)", "(1, 19, 64, 128)", "(2, 19, 128, 256)", "(8, 19, 128, 256)"]

/// Box counts for the Soft-NMS rows: up to 40 000, where the reference's O(n²) takes over from
/// its per-step overhead (about 15 s a call) and the ratio's trend with n shows.
let softNMSSizes = ["1000", "5000", "20000", "40000"]

let kernels: [Kernel] = [
    Kernel(name: "ce", work: "CE + class weights + ignore", repeats: 3, target: 0.7,
           reference: "torch F.cross_entropy", pyName: "ce", sizes: segSizes),
    Kernel(name: "softmax", work: "softmax, dim=1", repeats: 3, target: 0.7,
           reference: "torch.softmax", pyName: "softmax", sizes: segSizes),
    Kernel(name: "log_softmax", work: "log_softmax, dim=1", repeats: 3, target: 0.7,
           reference: "torch.log_softmax", pyName: "log_softmax", sizes: segSizes),
    Kernel(name: "interpolate", work: "bilinear ×4, align_corners=False", repeats: 3, target: 0.7,
           reference: "torch F.interpolate", pyName: "interpolate", sizes: upSizes),
    Kernel(name: "interpolate_ac", work: "bilinear ×4, align_corners=True", repeats: 3, target: 0.7,
           reference: "torch F.interpolate", pyName: "interpolate_ac", sizes: upSizes),
    Kernel(name: "interpolate_nearest", work: "nearest ×4", repeats: 3, target: 0.7,
           reference: "torch F.interpolate", pyName: "interpolate_nearest", sizes: upSizes),
    Kernel(name: "interpolate_bicubic", work: "bicubic ×4, align_corners=False", repeats: 3, target: 0.7,
           reference: "torch F.interpolate", pyName: "interpolate_bicubic", sizes: upSizes),
    Kernel(name: "ohem_thresh", work: "OHEM pixel sampler, thresh=0.7, min_kept H·W/5", repeats: 3, target: 0.5,
           reference: "mmseg OHEMPixelSampler", pyName: "ohem_thresh", sizes: segSizes),
    Kernel(name: "ohem_loss", work: "OHEM pixel sampler, top-k loss, min_kept H·W/5", repeats: 3, target: 0.5,
           reference: "mmseg OHEMPixelSampler", pyName: "ohem_loss", sizes: segSizes),
    Kernel(name: "lovasz", work: "LovaszLoss (softmax, present classes)", repeats: 1, target: 0.7,
           reference: "mmseg LovaszLoss", pyName: "lovasz", sizes: segSizes),
    Kernel(name: "tversky", work: "TverskyLoss", repeats: 3, target: 0.7,
           reference: "mmseg TverskyLoss", pyName: "tversky", sizes: segSizes),
    Kernel(name: "nms", work: "nms, IoU 0.5, boxes", repeats: 3, target: 0.25,
           reference: "torchvision.ops.nms", pyName: "nms", sizes: ["1000", "5000", "20000", "100000"]),
    Kernel(name: "soft_nms", work: "ensemble_boxes.soft_nms linear, boxes", repeats: 1, target: 0.1,
           reference: "ensemble_boxes.soft_nms", pyName: "soft_nms", sizes: softNMSSizes),
    Kernel(name: "soft_nms_mmcv", work: "mmcv soft_nms linear, the same boxes", repeats: 1, target: 0.1,
           reference: "ensemble_boxes.soft_nms ¹", pyName: "soft_nms", sizes: softNMSSizes),
    Kernel(name: "wbf", work: "weighted_boxes_fusion, (models, boxes each)", repeats: 1, target: 0.05,
           reference: "ensemble_boxes", pyName: "wbf", sizes: ["(5, 100)", "(5, 1000)", "(10, 5000)", "(10, 20000)"]),
    Kernel(name: "param_groups", work: "param_groups, 294-parameter skeleton", repeats: 21, target: nil,
           reference: "MMEngine DefaultOptimWrapperConstructor.add_params", pyName: "param_groups"),
    Kernel(name: "convnet_fwd_bwd", work: "forward + backward, conv-BN-ReLU ×3 net", repeats: 11, target: 1.0,
           reference: "torch autograd", pyName: "convnet_fwd_bwd", sizes: ["(8, 3, 64, 64)", "(8, 3, 128, 128)"]),
    Kernel(name: "train_step", work: "training step (fwd, bwd, SGD 2 groups, PolynomialLR), same net at 64×64", repeats: 11, target: 1.0,
           reference: "torch + torch.optim", pyName: "train_step"),
    Kernel(name: "mlp_fwd_bwd", work: "forward + backward, MLP 784→256→10 + CE, batch 128", repeats: 21, target: 1.0,
           reference: "torch autograd", pyName: "mlp_fwd_bwd"),
    // The torch functions of decoder / head code (session 10): forward + backward, inputs requiring grad, loss = sum().
    Kernel(name: "conv_transpose", work: "forward + backward, ConvTranspose2d (N, C_in, H, W, C_out, k, stride, pad)", repeats: 11,
           target: 1.0, reference: "torch autograd", pyName: "conv_transpose",
           sizes: ["(4, 64, 32, 32, 32, 2, 2, 0)", "(4, 32, 32, 32, 32, 4, 2, 1)"]),
    Kernel(name: "grid_sample", work: "forward + backward, affine_grid + grid_sample bilinear", repeats: 11, target: 1.0,
           reference: "torch autograd", pyName: "grid_sample", sizes: ["(4, 32, 64, 64)"]),
    Kernel(name: "einsum", work: "forward + backward, einsum attention (B, heads, tokens, dim)", repeats: 11, target: 1.0,
           reference: "torch autograd", pyName: "einsum", sizes: ["(2, 8, 256, 64)"]),
]

let probe = run([python, "\(root)/tools/bench_kernels.py", "--probe"])
let haveReference = probe.ok
let torchInfo = probe.stdout.split(separator: "\n").first.map(String.init) ?? ""
let loadAvg = (readText("/proc/loadavg") ?? "").split(separator: " ").prefix(3).joined(separator: " ")

print("trick-bench: \(cpuModel()), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, load average \(loadAvg) at start")
if haveReference {
    print("reference: \(python) (\(torchInfo); torch uses its default thread count)")
} else {
    print("reference stack not importable with \(python): showing trick's numbers only (see tools/bench_kernels.py to install it)")
}
// In a child process: a 512 MB high-water mark here would be inherited by every child's ru_maxrss.
let bwLine = run([args[0], "--bandwidth"]).stdout.split(separator: "\n").first.map(String.init) ?? "n/a"
print("memory bandwidth (one thread): \(bwLine)")
print("")

struct Row {
    var work: String
    var how: String
    var trick: Double?
    var reference: Double?
    var referenceName: String
    var target: Double?
    var check: String
    /// `BENCH_BASELINE`'s time on the same work.
    var baseline: Double? = nil
    /// Other processes' share of the CPUs while trick's / the reference's side was timed.
    var busy: (Double?, Double?) = (nil, nil)
    var size: String = ""
    /// The work count behind `size` (the product of its numbers), for the fitted exponent.
    var amount: Double = 0
    /// Set on a kernel's last size: the fitted exponents (trick, reference) over its sizes.
    var exponents: (Double?, Double?)? = nil
}
var rows: [Row] = []

/// Rows measured while other processes used more than this share of all CPUs are marked.
let busyLimit = 0.10

/// The product of the integers in a size literal: "(2, 19, 128, 256)" → 1 245 184.
func amount(_ size: String) -> Double {
    size.split { !$0.isNumber }.compactMap { Double($0) }.reduce(1, *)
}

/// Least-squares slope of log(time) against log(work): time ∝ work^k.
func fittedExponent(_ pts: [(Double, Double?)]) -> Double? {
    let p = pts.compactMap { a, t in t.map { (log(a), log($0)) } }
    guard p.count >= 2 else { return nil }
    let mx = p.map(\.0).reduce(0, +) / Double(p.count), my = p.map(\.1).reduce(0, +) / Double(p.count)
    let sxy = p.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +), sxx = p.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
    return sxx > 0 ? sxy / sxx : nil
}

let only = getenv("BENCH_ONLY").map { String(cString: $0) } ?? ""
let interpOnly = only == "interp"
let kernelsOnly = !interpOnly && !only.isEmpty
let onlyNames = Set(only.split(separator: ",").map(String.init))
let baselineBin = getenv("BENCH_BASELINE").map { String(cString: $0) }
for k in kernels where !interpOnly && (only.isEmpty || only == "kernels" || onlyNames.contains(k.name)) {
    let sizes: [String?] = k.sizes.isEmpty ? [nil] : k.sizes
    var first = rows.count
    for size in sizes {
        // Both sides back to back for each size.
        let before = baselineBin.flatMap { trickKernel(k.name, repeats: k.repeats, size: size, binary: $0) }
        let t = trickKernel(k.name, repeats: k.repeats, size: size)
        var p: KernelResult?
        if haveReference, let py = k.pyName { p = referenceKernel(py, repeats: k.repeats, size: size) }
        var check = t?.check ?? "failed"
        if let p { check += " / " + p.check }
        rows.append(Row(work: k.work, how: "in-process", trick: t?.seconds, reference: haveReference ? p?.seconds : nil,
                        referenceName: k.reference, target: k.target, check: check, baseline: before?.seconds, busy: (t?.othersShare, p?.othersShare),
                        size: size ?? "", amount: size.map(amount) ?? 0))
        fputs(".", stderr)
    }
    if sizes.count > 1 {
        let pts = rows[first...]
        rows[rows.count - 1].exponents = (fittedExponent(pts.map { ($0.amount, $0.trick) }),
                                          fittedExponent(pts.map { ($0.amount, $0.reference) }))
    }
    first = rows.count
}

// Start-up: whole processes (the only row timed that way).
// The start-up row compares with plain CPython (python3), the reference for the language:
// the interpreter binary itself, not a launcher such as a pyenv shim (a bash script that would
// add its own start-up to every CPython row).
let cpython: String = {
    let r = run(["python3", "-c", "import sys; print(sys.executable)"])
    let path = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
    return path.isEmpty ? "python3" : path
}()
if !kernelsOnly {
    rows.append(Row(work: "start-up: `-c 'print(1 + 1)'`", how: "process",
                    trick: measureProcess([trickBin, "-c", "print(1 + 1)"], repeats: 15),
                    reference: measureProcess([cpython, "-c", "print(1 + 1)"], repeats: 15),
                    referenceName: "\(cpython) -c", target: 0.5, check: ""))
}
fputs("\n", stderr)

func percent(_ x: Double?) -> String { x.map { format($0 * 100, 0) + "%" } ?? "?" }
var busyRows = 0
print("Kernels: the minimum over the timed calls on each side; \"others\" is the CPU time other processes took while each side")
print("was timed, as a share of all \(Int(onlineCPUs)) CPUs (⚠: above \(format(busyLimit * 100, 0))% on either side — the ratio is not to be trusted);")
print("a kernel measured at several sizes ends with the fitted exponent k of time ∝ work^k on each side.")
print("")
let baseHead = baselineBin == nil ? "" : " baseline trick (min) | trick / baseline |"
print("| work | size | trick (min) | reference (min) | trick / reference | target | others (trick / ref) |\(baseHead) check (trick / reference) |")
print("|---|---|---|---|---|---|---|" + (baselineBin == nil ? "" : "---|---|") + "---|")
for r in rows {
    var ratio = "—"
    var target = r.target.map { "≤ " + format($0, 2) + "×" } ?? ""
    let busy = [r.busy.0, r.busy.1].contains { ($0 ?? 0) > busyLimit }
    if busy { busyRows += 1 }
    if let a = r.trick, let b = r.reference {
        ratio = format(a / b, a / b < 0.1 ? 3 : 2) + "×" + (busy ? " ⚠" : "")
        if let tg = r.target { target += a / b <= tg ? " met" : " **missed**" }
    }
    let ref = r.reference == nil ? "— (\(r.referenceName))" : "\(ms(r.reference)) (\(r.referenceName))"
    let others = r.how == "process" ? "" : "\(percent(r.busy.0)) / \(percent(r.busy.1))"
    let size = r.size.isEmpty ? (r.how == "process" ? "process" : "") : r.size
    var base = ""
    if baselineBin != nil {
        let speed = r.baseline.flatMap { b in r.trick.map { format($0 / b, 2) + "×" } } ?? "—"
        base = " \(ms(r.baseline)) | \(speed) |"
    }
    print("| \(r.work) | \(size) | \(ms(r.trick)) | \(ref) | \(ratio) | \(target) | \(others) |\(base) \(r.check) |")
    if let (et, er) = r.exponents {
        let e = { (x: Double?) in x.map { "work^" + format($0, 2) } ?? "?" }
        print("| ↳ scaling | | \(e(et)) | \(e(er)) | | | |" + (baselineBin == nil ? "" : " | |") + " |")
    }
}
print("")
print("¹ mmcv's compiled soft_nms is unavailable (mmcv-lite); ensemble_boxes' soft_nms on the same boxes stands in (a different tie/removal rule, the same O(n²) work).")
if busyRows > 0 {
    print("")
    print("⚠ \(busyRows) of \(rows.count) rows were measured while other processes used more than \(format(busyLimit * 100, 0))% of the CPUs: do not copy this table into the README; rerun on a quiet machine.")
}

// MARK: memory: peak RSS of the CE benchmark against its input size

/// (peak before the call, peak after) in KB from a `check peak_kb BEFORE AFTER ...` line.
func peaks(_ r: KernelResult?) -> (Int, Int)? {
    guard let parts = r?.check.split(separator: " "), parts.count >= 3, parts[0] == "peak_kb",
          let a = Int(parts[1]), let b = Int(parts[2]) else { return nil }
    return (a, b)
}
let inputMB = Double(2 * 19 * 512 * 1024 * 4 + 2 * 512 * 1024 * 8) / 1e6
let tMem = interpOnly || kernelsOnly ? nil : peaks(parseKernel(run([args[0], "--ce-memory"])))
let pMem = haveReference && !interpOnly && !kernelsOnly ? peaks(parseKernel(run([python, "\(root)/tools/bench_kernels.py", "ce_memory", "1"]))) : nil
if !interpOnly && !kernelsOnly {
print("")
print("Peak RSS of the CE benchmark, in-process (getrusage ru_maxrss before and after one call); inputs \(format(inputMB, 1)) MB = float32 logits 2×19×512×1024 + int64 labels 2×512×1024:")
print("")
print("| process | peak with the inputs built | peak after one CE call | added by the call |")
print("|---|---|---|---|")
func memRow(_ name: String, _ m: (Int, Int)?) {
    guard let m else { print("| \(name) | n/a | n/a | n/a |"); return }
    print("| \(name) | \(format(Double(m.0) / 1024, 0)) MB | \(format(Double(m.1) / 1024, 0)) MB | \(format(Double(m.1 - m.0) / 1024, 0)) MB |")
}
memRow("trick (core, `cross_entropy`)", tMem)
if haveReference { memRow("torch F.cross_entropy", pMem) }
}

// MARK: memory: peak RSS of a training forward + backward

/// bench/<name>.trick and `bench_kernels.py <name>` print `check peak_kb BUILT ONE FOUR`: ru_maxrss
/// (KB) with the model and inputs built, after one forward + backward and after three more.
func trainingPeaks(_ r: KernelResult?) -> [Int]? {
    guard let parts = r?.check.split(separator: " "), parts.count == 4, parts[0] == "peak_kb" else { return nil }
    let kb = parts.dropFirst().compactMap { Int($0) }
    return kb.count == 3 ? kb : nil
}
let trainingMemory: [(name: String, work: String, size: String?)] = [
    ("convnet_memory", "conv-BN-ReLU ×3 net, (8, 3, 128, 128)", "(8, 3, 128, 128)"),
    ("mlp_memory", "MLP 784→256→10 + CE, batch 128", nil),
]
if !interpOnly && (only.isEmpty || only == "kernels" || trainingMemory.contains { onlyNames.contains($0.name) }) {
    print("")
    print("Peak RSS of a forward + backward, in-process (getrusage ru_maxrss, each side in a fresh process: with the model and")
    print("inputs built, after the first forward + backward, after three more); what the calls added is the comparison — the")
    print("processes' own baselines (torch's libraries, trick's runtime) differ by hundreds of MB:")
    print("")
    print("| work | trick: built / 1 call / 4 calls | torch: built / 1 call / 4 calls | added by 1 call, trick / torch | added by 4 calls, trick / torch |")
    print("|---|---|---|---|---|")
    for m in trainingMemory {
        let t = trainingPeaks(trickKernel(m.name, repeats: 1, size: m.size))
        let p = haveReference ? trainingPeaks(parseKernel(run([python, "\(root)/tools/bench_kernels.py", m.name, "1"] + (m.size.map { [$0] } ?? [])))) : nil
        func mb(_ kb: Int) -> String { format(Double(kb) / 1024, 0) }
        func peaks(_ x: [Int]?) -> String { x.map { $0.map(mb).joined(separator: " / ") + " MB" } ?? "n/a" }
        func added(_ i: Int) -> String {
            let a = t.map { mb($0[i] - $0[0]) + " MB" } ?? "n/a", b = p.map { mb($0[i] - $0[0]) + " MB" } ?? "n/a"
            return "\(a) / \(b)"
        }
        print("| \(m.work) | \(peaks(t)) | \(peaks(p)) | \(added(1)) | \(added(2)) |")
    }
}

// MARK: the interpreter micro-suite: the same workloads in trick, CPython and Lua 5.4, in-process

/// bench/interp/NAME.py (valid trick and Python) and NAME.lua each define `work()`; a harness
/// appended here calls it once to warm up, then times it (perf_counter in trick and CPython,
/// os.clock — CPU time — in Lua, which has no finer wall clock) at least REPEATS times and until
/// 0.5 s have passed, as the kernel rows: a window long enough for the CPU-time sampling (10 ms
/// ticks) that gives the other processes' share of the CPUs. It prints the minimum (a call another
/// process interrupted only takes longer), the median, the timed window and the result, which
/// must agree across the three.
let interpWorkloads = ["calls", "int_loop", "matmul_lists", "dict_strings", "fstrings", "comprehension",
                       "closures", "tuple_tree", "sort_key", "config_merge"]
let interpRepeats = 7
let pyHarness = """

    REPEATS = \(interpRepeats)
    work()
    ts = []
    w0 = perf_counter()
    while len(ts) < REPEATS or perf_counter() - w0 < 0.5:
        t0 = perf_counter()
        c = work()
        ts.append(perf_counter() - t0)
    w1 = perf_counter()
    ts = sorted(ts)
    print("min_ms", ts[0] * 1000.0)
    print("median_ms", ts[len(ts) // 2] * 1000.0)
    print("window", w0, w1)
    print("check", c)

    """
let luaHarness = """

    work()
    local ts, c = {}, nil
    local w0 = os.clock()
    while #ts < \(interpRepeats) or os.clock() - w0 < 0.5 do
      local t0 = os.clock()
      c = work()
      ts[#ts + 1] = os.clock() - t0
    end
    table.sort(ts)
    print("min_ms " .. ts[1] * 1000.0)
    print("median_ms " .. ts[#ts // 2 + 1] * 1000.0)
    print("check " .. (math.tointeger(c) or c))

    """
let lua: String? = run(["lua5.4", "-v"]).ok ? "lua5.4" : nil

struct InterpRow { var name: String; var trick: KernelResult?; var python: KernelResult?; var lua: KernelResult? }
var interpRows: [InterpRow] = []
for w in interpWorkloads where !kernelsOnly {
    guard let py = readText("\(root)/bench/interp/\(w).py") else { continue }
    let trickFile = writeTemp("\(w).trick", py + pyHarness)
    let pyFile = writeTemp("\(w).py", "from time import perf_counter\n" + py + pyHarness)
    tempFiles += [trickFile, pyFile]
    // Through `--measure-rss`: each process's own peak RSS, not this process's inherited one.
    var row = InterpRow(name: w, trick: parseKernel(run([args[0], "--measure-rss", trickBin, "run", trickFile], sample: true)),
                        python: parseKernel(run([args[0], "--measure-rss", cpython, pyFile], sample: true)), lua: nil)
    if let lua, let src = readText("\(root)/bench/interp/\(w).lua") {
        let luaFile = writeTemp("\(w).lua", src + luaHarness)
        tempFiles.append(luaFile)
        row.lua = parseKernel(run([lua, luaFile]))
    }
    interpRows.append(row)
    fputs(".", stderr)
}
fputs("\n", stderr)

if !kernelsOnly {
print("")
print("The interpreter: the same workloads in trick, CPython (\(cpython)) and Lua 5.4 (bench/interp/), each timed in-process")
print("(the minimum over at least \(interpRepeats) calls and 0.5 s after a warm-up; Lua's os.clock is CPU time), with the other processes' share of the CPUs")
print("while trick and CPython were timed (⚠: above \(format(busyLimit * 100, 0))%) and each process's peak RSS:")
print("")
print("| workload | trick | CPython | Lua 5.4 | trick / CPython | Lua / CPython | others (trick / CPython) | peak RSS trick / CPython | check (trick / CPython / Lua) |")
print("|---|---|---|---|---|---|---|---|---|")
var logTrick = 0.0, logLua = 0.0, nTrick = 0, nLua = 0, worst = 0.0, busyInterp = 0
for r in interpRows {
    var ratio = "—", luaRatio = "—", rss = "—"
    let busy = [r.trick?.othersShare, r.python?.othersShare].contains { ($0 ?? 0) > busyLimit }
    if busy { busyInterp += 1 }
    if let t = r.trick, let p = r.python {
        ratio = format(t.seconds / p.seconds, 2) + "×" + (busy ? " ⚠" : "")
        logTrick += log(t.seconds / p.seconds); nTrick += 1
        worst = max(worst, t.seconds / p.seconds)
        rss = "\(t.maxRSSKB / 1024) / \(p.maxRSSKB / 1024) MB"
    }
    if let l = r.lua, let p = r.python {
        luaRatio = format(l.seconds / p.seconds, 2) + "×"
        logLua += log(l.seconds / p.seconds); nLua += 1
    }
    let checks = [r.trick?.check ?? "failed", r.python?.check ?? "failed", lua == nil ? "" : (r.lua?.check ?? "failed")]
    let others = "\(percent(r.trick?.othersShare)) / \(percent(r.python?.othersShare))"
    print("| \(r.name) | \(ms(r.trick?.seconds)) | \(ms(r.python?.seconds)) | \(lua == nil ? "not installed" : ms(r.lua?.seconds)) | \(ratio) | \(luaRatio) | \(others) | \(rss) | \(checks.filter { !$0.isEmpty }.joined(separator: " / ")) |")
}
if nTrick > 0 {
    let g = exp(logTrick / Double(nTrick))
    let gl = nLua > 0 ? format(exp(logLua / Double(nLua)), 2) + "×" : "—"
    print("| **geometric mean** | | | | **\(format(g, 2))×** (goal ≤ 0.6×; worst \(format(worst, 2))×, goal ≤ 1.0×) | \(gl) | | | |")
}
if busyInterp > 0 {
    print("")
    print("⚠ \(busyInterp) of \(interpRows.count) interpreter rows were measured while other processes used more than \(format(busyLimit * 100, 0))% of the CPUs: do not copy this table into the README; rerun on a quiet machine.")
}
}

for p in tempFiles { unlink(p) }
