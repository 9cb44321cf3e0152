import CTrickKernels

/// The process's malloc policy for tensor work (glibc): freed buffers of every size stay in the
/// process and are reused instead of going back to the kernel.
///
/// By default glibc serves a block above a sliding threshold (128 KB, rising towards 32 MB as
/// such blocks are freed) with its own `mmap` and returns it with `munmap` when freed; each thread
/// that allocates gets an arena of its own, whose heaps are at most 64 MB, so every larger block
/// of the interpreter's thread is such a mapping; and a heap's free top is trimmed. Each of those
/// blocks then takes a fresh zeroed page (a page fault) for every 4 KB (2 MB on huge pages) it
/// writes, every time: about 1/8 of a small convnet's training step, and on this project's
/// virtual bench machine most of a softmax over 2×19×512×1024 floats (an 80 MB output each call:
/// 116 ms in a quiet bench where the 4× larger input took 78 ms; `perf` showed the kernel zeroing
/// fresh pages for ~3× as long as the softmax itself).
/// With one arena (`M_ARENA_MAX` 1: the lock is uncontended, trick's worker threads allocate
/// little) and no mappings of their own (`M_MMAP_MAX` 0), every freed block goes back to the one
/// heap and the next block of that size reuses it. Memory freed after a peak stays mapped up to
/// `trimThreshold` above the live data (a hole below live data until it is reused): the peak
/// resident memory is that of the live tensors plus what the heap could not reuse. Call once,
/// before any other thread starts and before tensors are made.
public enum Allocator {
    /// Free memory at the top of the heap above which glibc returns it to the kernel.
    public static let trimThreshold = 512 << 20

    public static func keepFreedMemory() {
        trick_malloc_keep_freed(Int32(trimThreshold))
    }
}
