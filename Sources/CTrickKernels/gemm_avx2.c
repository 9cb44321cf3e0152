// The AVX2/FMA micro-kernel of trick's GEMM. Compiled for AVX2 by a function attribute and only
// called after `trick_has_avx2_fma()` says the CPU has it, so the build needs no -m flags.
#include "CTrickKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "store_block_4x16.h"

int trick_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

__attribute__((target("avx2,fma")))
void trick_sgemm_kernel_4x16(const float *a, const float *b, long k, float *c, long ldc,
                             int rows, int cols, int accumulate) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        const __m256 b0 = _mm256_loadu_ps(b + p * 16), b1 = _mm256_loadu_ps(b + p * 16 + 8);
        const float *ap = a + p * 4;
        __m256 x = _mm256_broadcast_ss(ap);
        c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(ap + 1);
        c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(ap + 2);
        c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(ap + 3);
        c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
    }
    const __m256 v[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
    store_block_4x16(v, c, ldc, rows, cols, accumulate);
}

/// `trick_sgemm_kernel_4x16` reading op(A) where it lies (no packed panel): element (r, p) is
/// `a[r·ars + p·aps]` for r < rows (rows ≥ rows repeat row 0 and are not stored), B rows `ldb`
/// floats apart. The same fused multiply-adds in the same order as the packed kernel.
__attribute__((target("avx2,fma")))
void trick_sgemm_kernel_4x16_direct(const float *a, long ars, long aps, const float *b, long ldb, long k,
                                    float *c, long ldc, int rows, int cols, int accumulate) {
    const float *a0 = a, *a1 = a + (rows > 1 ? ars : 0), *a2 = a + (rows > 2 ? 2 * ars : 0), *a3 = a + (rows > 3 ? 3 * ars : 0);
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        const __m256 b0 = _mm256_loadu_ps(b + p * ldb), b1 = _mm256_loadu_ps(b + p * ldb + 8);
        const long o = p * aps;
        __m256 x = _mm256_broadcast_ss(a0 + o);
        c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a1 + o);
        c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a2 + o);
        c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a3 + o);
        c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
    }
    const __m256 v[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
    store_block_4x16(v, c, ldc, rows, cols, accumulate);
}

/// The 8×8 transpose of the rows r[0..<8].
__attribute__((target("avx2,fma"), always_inline))
static inline void transpose8(__m256 *r) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

__attribute__((target("avx2,fma")))
void trick_sgemm_pack_transposed_16(const float *b, long ldb, long k, int w, float *dst) {
    long p = 0;
    for (; p + 8 <= k; p += 8) {
        for (int half = 0; half < 16; half += 8) {
            __m256 r[8];
            for (int q = 0; q < 8; q++) {
                r[q] = half + q < w ? _mm256_loadu_ps(b + (half + q) * ldb + p) : _mm256_setzero_ps();
            }
            transpose8(r);
            for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (p + i) * 16 + half, r[i]);
        }
    }
    for (; p < k; p++) {
        for (int q = 0; q < 16; q++) dst[p * 16 + q] = q < w ? b[q * ldb + p] : 0;
    }
}
#else
int trick_has_avx2_fma(void) { return 0; }
void trick_sgemm_pack_transposed_16(const float *b, long ldb, long k, int w, float *dst) {
    (void)b; (void)ldb; (void)k; (void)w; (void)dst;
}
void trick_sgemm_kernel_4x16(const float *a, const float *b, long k, float *c, long ldc,
                             int rows, int cols, int accumulate) {
    (void)a; (void)b; (void)k; (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
void trick_sgemm_kernel_4x16_direct(const float *a, long ars, long aps, const float *b, long ldb, long k,
                                    float *c, long ldc, int rows, int cols, int accumulate) {
    (void)a; (void)ars; (void)aps; (void)b; (void)ldb; (void)k; (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
#endif
