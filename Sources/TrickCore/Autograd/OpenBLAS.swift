#if canImport(Glibc)
import Glibc
#endif

/// Debian's OpenBLAS (`libopenblas-dev`, installed by `make deps`), opened on the first product
/// that goes to it rather than linked: linked, its initialisation (CPU detection, buffers, its
/// thread pool) costs every trick process 3–4 ms of CPU at start-up — the start-up row of
/// `make bench` — also scripts that never multiply a matrix. Without the library (another
/// system), `sgemm` is nil and every product runs on trick's own kernel.
enum OpenBLAS {
    /// `cblas_sgemm` as Debian builds it (32-bit integers): order, transA, transB, m, n, k, alpha,
    /// a, lda, b, ldb, beta, c, ldc.
    typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias Describe = @convention(c) () -> UnsafePointer<CChar>?
    /// CBLAS's enum values (cblas.h).
    static let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112

    static let handle: UnsafeMutableRawPointer? = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL)

    /// `cblas_sgemm`, with OpenBLAS told to use one thread of its own (see `Gemm.openBLAS`).
    static let sgemm: SGEMM? = {
        guard let h = handle, let f = dlsym(h, "cblas_sgemm"), let t = dlsym(h, "openblas_set_num_threads") else { return nil }
        unsafeBitCast(t, to: SetThreads.self)(1)
        return unsafeBitCast(f, to: SGEMM.self)
    }()

    /// `openblas_set_num_threads` (the benchmark compares OpenBLAS's own threads).
    static func setThreads(_ n: Int32) {
        if let h = handle, let t = dlsym(h, "openblas_set_num_threads") { unsafeBitCast(t, to: SetThreads.self)(n) }
    }

    /// OpenBLAS's build and the kernel it picked for this CPU, e.g. "OpenBLAS 0.3.21 … (core Zen)".
    static var description: String {
        guard let h = handle, let c = dlsym(h, "openblas_get_config"), let k = dlsym(h, "openblas_get_corename"),
              let config = unsafeBitCast(c, to: Describe.self)(), let core = unsafeBitCast(k, to: Describe.self)() else {
            return "OpenBLAS not found (libopenblas.so.0)"
        }
        return "\(String(cString: config)) (core \(String(cString: core)))"
    }
}
