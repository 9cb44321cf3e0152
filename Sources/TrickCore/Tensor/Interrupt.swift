import CTrickKernels

/// Ctrl-C reaching long computations. The SIGINT handler (or the fuzzer's watchdog) sets
/// `trickInterruptRequested`; the interpreter polls it at loop back-edges and calls. Kernels that
/// can run for seconds poll it at a coarse grain: the box kernels (NMS families, soft-NMS, matrix
/// NMS, ensembling, COCO eval) stop early and return a partial result, Lovász throws through
/// `Interrupt.check()`. Either way the built-in's call (`BuiltinFunction.call`) sees the flag when
/// it returns and raises KeyboardInterrupt instead of handing the result back, so a long call stops
/// instead of running on (or forcing a second Ctrl-C that ends the process), and no partial result
/// reaches a variable.
///
/// The flag is a C atomic (relaxed loads and stores: plain moves on x86, and safe in a signal
/// handler), so the optimiser cannot hoist its read out of a kernel's loop; a C global, so reading
/// it is one load (a Swift global in another module is reached through an accessor call).
public var trickInterruptRequested: Int32 {
    @inlinable @inline(__always) get { Int32(trick_interrupt_load()) }
    @inlinable @inline(__always) set { trick_interrupt_store(Int32(newValue)) }
}

public enum Interrupt {
    /// Thrown by a kernel that saw the interrupt flag; the interpreter turns it into its
    /// KeyboardInterrupt (and clears the flag).
    public struct Requested: Error, Sendable { public init() {} }

    @inline(__always)
    public static func check() throws {
        if trickInterruptRequested != 0 { throw Requested() }
    }
}
