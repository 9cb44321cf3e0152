/// Ctrl-C reaching long computations. The SIGINT handler (or the fuzzer's watchdog) sets
/// `trickInterruptRequested`; the interpreter polls it at loop back-edges and calls, and kernels
/// that can run for seconds (NMS families, box ensembling, Lovász sorting, …) poll it at a coarse
/// grain through `Interrupt.check()`, so a long built-in call stops with a KeyboardInterrupt
/// instead of running on (or forcing a second Ctrl-C that ends the process).
nonisolated(unsafe) public var trickInterruptRequested: Int32 = 0

public enum Interrupt {
    /// Thrown by a kernel that saw the interrupt flag; the interpreter turns it into its
    /// KeyboardInterrupt (and clears the flag).
    public struct Requested: Error, Sendable { public init() {} }

    @inline(__always)
    public static func check() throws {
        if trickInterruptRequested != 0 { throw Requested() }
    }
}
