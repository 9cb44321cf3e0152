// glibc's malloc tuning for TrickCore.Allocator (mallopt is not visible to Swift through Glibc).
#include "CTrickKernels.h"
#include <stdlib.h>   // defines __GLIBC__ with glibc
#if defined(__GLIBC__)
#include <malloc.h>
void trick_malloc_keep_freed(int trim_threshold) {
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
#else
void trick_malloc_keep_freed(int trim_threshold) { (void)trim_threshold; }
#endif
