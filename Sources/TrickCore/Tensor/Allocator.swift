import CTrickKernels

/// The process's malloc policy for tensor work (glibc): freed buffers below 32 MB stay in the
/// process and are reused instead of going back to the kernel.
///
/// By default glibc serves a block above a sliding threshold (128 KB, rising towards 32 MB as
/// such blocks are freed) with its own `mmap`, returns it with `munmap` when freed, and trims a
/// heap's free top; a training step then takes a fresh zeroed page (a page fault) for every 4 KB
/// of many of its activations, gradients and im2col buffers, every step — about 1/8 of a small
/// convnet's step. With the threshold fixed at glibc's maximum and a high trim threshold, the next
/// buffer of the same size reuses the freed one. Blocks of 32 MB and more still get their own
/// mapping (returned when freed), so the peak memory of large tensors does not change; memory
/// freed after a peak stays mapped up to `trimThreshold` above the live data. Call once, before
/// tensors are made.
public enum Allocator {
    /// Blocks from this size on get their own mapping (glibc's largest allowed threshold).
    public static let mmapThreshold = 32 << 20
    /// Free memory at the top of a heap above which glibc returns it to the kernel.
    public static let trimThreshold = 512 << 20

    public static func keepFreedMemory() {
        trick_malloc_keep_freed(Int32(mmapThreshold), Int32(trimThreshold))
    }
}
