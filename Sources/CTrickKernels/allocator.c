// glibc's malloc tuning for TrickCore.Allocator (mallopt is not visible to Swift through Glibc).
#include "CTrickKernels.h"
#include <stdlib.h>   // defines __GLIBC__ with glibc
#if defined(__GLIBC__)
#include <malloc.h>
void trick_malloc_keep_freed(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
#else
void trick_malloc_keep_freed(int mmap_threshold, int trim_threshold) { (void)mmap_threshold; (void)trim_threshold; }
#endif
