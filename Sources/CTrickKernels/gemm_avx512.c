// The AVX-512 micro-kernel of trick's GEMM: an 8×32 register block (two 4-row panels of A against
// two 16-column panels of B), sixteen 512-bit sums. Each element of C is the same chain of fused
// multiply-adds over p = 0..<k, from 0, in the same order as `trick_sgemm_kernel_4x16`'s, so the
// results are the AVX2 kernel's bit for bit; the block only issues fewer instructions per
// multiply-add (16 FMAs per 8 broadcasts and 2 loads, against 8 per 4 and 2) and fills the 512-bit
// FMA units of CPUs that have two (an Intel Xeon with AVX-512: the MLP's 128×256×784 product took
// 0.73 ms with the AVX2 kernel on two cores). Compiled by a function attribute; call only when
// `trick_has_avx512()`. The sums and row pointers are written out one by one: as loops over arrays
// (which clang unrolls) the row pointers spilled to the stack and ConvTranspose2d's 4×4 / stride-2
// row took 3.6 ms instead of 2.8–3.0.
#include "CTrickKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define TRICK_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))

/// Row r of the block: `sums[2r]`, `sums[2r+1]` (columns 0..<16, 16..<32) stored into (or added
/// to) the first `cols` floats of `row`, through a lane mask where the width is partial. A float32
/// add is the same in any lane as in a scalar.
TRICK_AVX512 static inline void store_row_32(float *row, __m512 lo, __m512 hi, int cols, int accumulate) {
    const int w0 = cols < 16 ? cols : 16, w1 = cols > 16 ? cols - 16 : 0;
    const __mmask16 m0 = (__mmask16)((1u << w0) - 1), m1 = (__mmask16)((1u << w1) - 1);
    if (accumulate) {
        lo = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, row), lo);
        if (w1) hi = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, row + 16), hi);
    }
    _mm512_mask_storeu_ps(row, m0, lo);
    if (w1) _mm512_mask_storeu_ps(row + 16, m1, hi);
}

/// Row r's sums so far from the first `cols` floats of `row` (0 in the other lanes).
TRICK_AVX512 static inline void load_row_32(const float *row, __m512 *lo, __m512 *hi, int cols) {
    const int w0 = cols < 16 ? cols : 16, w1 = cols > 16 ? cols - 16 : 0;
    *lo = _mm512_maskz_loadu_ps((__mmask16)((1u << w0) - 1), row);
    if (w1) *hi = _mm512_maskz_loadu_ps((__mmask16)((1u << w1) - 1), row + 16);
}

TRICK_AVX512
void trick_sgemm_kernel_8x32_avx512(const float *a0, const float *a1, long ars, long aps,
                                    const float *b0, const float *b1, long ldb, long k,
                                    float *c, long ldc, int rows, int cols, int accumulate, int resume) {
    // rows past `rows` read row 0 again (in bounds) and are not stored
    const float *r0 = a0, *r1 = rows > 1 ? a0 + ars : a0, *r2 = rows > 2 ? a0 + 2 * ars : a0, *r3 = rows > 3 ? a0 + 3 * ars : a0;
    const float *r4 = rows > 4 ? a1 : a0, *r5 = rows > 5 ? a1 + ars : a0, *r6 = rows > 6 ? a1 + 2 * ars : a0, *r7 = rows > 7 ? a1 + 3 * ars : a0;
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(), c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps(), c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps(), c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
    if (resume) {
        // the sums so far, stored in C by the call for the previous range of p
        load_row_32(c, &c00, &c01, cols);
        if (rows > 1) load_row_32(c + ldc, &c10, &c11, cols);
        if (rows > 2) load_row_32(c + 2 * ldc, &c20, &c21, cols);
        if (rows > 3) load_row_32(c + 3 * ldc, &c30, &c31, cols);
        if (rows > 4) load_row_32(c + 4 * ldc, &c40, &c41, cols);
        if (rows > 5) load_row_32(c + 5 * ldc, &c50, &c51, cols);
        if (rows > 6) load_row_32(c + 6 * ldc, &c60, &c61, cols);
        if (rows > 7) load_row_32(c + 7 * ldc, &c70, &c71, cols);
    }
    for (long p = 0; p < k; p++) {
        const __m512 x0 = _mm512_loadu_ps(b0 + p * ldb), x1 = _mm512_loadu_ps(b1 + p * ldb);
        const long o = p * aps;
        __m512 y = _mm512_set1_ps(r0[o]);
        c00 = _mm512_fmadd_ps(y, x0, c00); c01 = _mm512_fmadd_ps(y, x1, c01);
        y = _mm512_set1_ps(r1[o]);
        c10 = _mm512_fmadd_ps(y, x0, c10); c11 = _mm512_fmadd_ps(y, x1, c11);
        y = _mm512_set1_ps(r2[o]);
        c20 = _mm512_fmadd_ps(y, x0, c20); c21 = _mm512_fmadd_ps(y, x1, c21);
        y = _mm512_set1_ps(r3[o]);
        c30 = _mm512_fmadd_ps(y, x0, c30); c31 = _mm512_fmadd_ps(y, x1, c31);
        y = _mm512_set1_ps(r4[o]);
        c40 = _mm512_fmadd_ps(y, x0, c40); c41 = _mm512_fmadd_ps(y, x1, c41);
        y = _mm512_set1_ps(r5[o]);
        c50 = _mm512_fmadd_ps(y, x0, c50); c51 = _mm512_fmadd_ps(y, x1, c51);
        y = _mm512_set1_ps(r6[o]);
        c60 = _mm512_fmadd_ps(y, x0, c60); c61 = _mm512_fmadd_ps(y, x1, c61);
        y = _mm512_set1_ps(r7[o]);
        c70 = _mm512_fmadd_ps(y, x0, c70); c71 = _mm512_fmadd_ps(y, x1, c71);
    }
    store_row_32(c, c00, c01, cols, accumulate);
    if (rows > 1) store_row_32(c + ldc, c10, c11, cols, accumulate);
    if (rows > 2) store_row_32(c + 2 * ldc, c20, c21, cols, accumulate);
    if (rows > 3) store_row_32(c + 3 * ldc, c30, c31, cols, accumulate);
    if (rows > 4) store_row_32(c + 4 * ldc, c40, c41, cols, accumulate);
    if (rows > 5) store_row_32(c + 5 * ldc, c50, c51, cols, accumulate);
    if (rows > 6) store_row_32(c + 6 * ldc, c60, c61, cols, accumulate);
    if (rows > 7) store_row_32(c + 7 * ldc, c70, c71, cols, accumulate);
}
/// Row r's 16 sums stored into (or added to) the first `cols` floats of `row`.
TRICK_AVX512 static inline void store_row_16(float *row, __m512 v, int cols, int accumulate) {
    const __mmask16 m = (__mmask16)((1u << cols) - 1);
    if (accumulate) v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, row), v);
    _mm512_mask_storeu_ps(row, m, v);
}

/// The eight rows of an 8×16 block stored.
TRICK_AVX512 static inline void store_block_8x16(const __m512 v[8], float *c, long ldc, int rows, int cols, int accumulate) {
    for (int r = 0; r < rows; r++) store_row_16(c + r * ldc, v[r], cols, accumulate);
}

TRICK_AVX512
void trick_sgemm_kernel_8x16_rows_avx512(const float *a0, const float *a1, const float *base, const long *offs, long k,
                                         float *c, long ldc, int rows, int cols, int accumulate) {
    if (rows <= 4) a1 = a0;
    __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps(), c3 = _mm512_setzero_ps();
    __m512 c4 = _mm512_setzero_ps(), c5 = _mm512_setzero_ps(), c6 = _mm512_setzero_ps(), c7 = _mm512_setzero_ps();
    for (long p = 0; p < k; p++) {
        const __m512 x = _mm512_loadu_ps(base + offs[p]);
        const float *p0 = a0 + p * 4, *p1 = a1 + p * 4;
        c0 = _mm512_fmadd_ps(_mm512_set1_ps(p0[0]), x, c0);
        c1 = _mm512_fmadd_ps(_mm512_set1_ps(p0[1]), x, c1);
        c2 = _mm512_fmadd_ps(_mm512_set1_ps(p0[2]), x, c2);
        c3 = _mm512_fmadd_ps(_mm512_set1_ps(p0[3]), x, c3);
        c4 = _mm512_fmadd_ps(_mm512_set1_ps(p1[0]), x, c4);
        c5 = _mm512_fmadd_ps(_mm512_set1_ps(p1[1]), x, c5);
        c6 = _mm512_fmadd_ps(_mm512_set1_ps(p1[2]), x, c6);
        c7 = _mm512_fmadd_ps(_mm512_set1_ps(p1[3]), x, c7);
    }
    const __m512 v[8] = {c0, c1, c2, c3, c4, c5, c6, c7};
    store_block_8x16(v, c, ldc, rows, cols, accumulate);
}

TRICK_AVX512
void trick_sgemm_kernel_8x16_segments_avx512(const float *const *a, long pitch, long len, long segs, const float *b,
                                             float *c, long ldc, int rows, int cols, int accumulate) {
    const float *a0 = a[0], *a1 = rows > 1 ? a[1] : a[0], *a2 = rows > 2 ? a[2] : a[0], *a3 = rows > 3 ? a[3] : a[0];
    const float *a4 = rows > 4 ? a[4] : a[0], *a5 = rows > 5 ? a[5] : a[0], *a6 = rows > 6 ? a[6] : a[0], *a7 = rows > 7 ? a[7] : a[0];
    __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps(), c3 = _mm512_setzero_ps();
    __m512 c4 = _mm512_setzero_ps(), c5 = _mm512_setzero_ps(), c6 = _mm512_setzero_ps(), c7 = _mm512_setzero_ps();
    for (long s = 0; s < segs; s++) {
        const long o = s * pitch;
        for (long x = 0; x < len; x++) {
            const __m512 y = _mm512_loadu_ps(b);
            b += 16;
            c0 = _mm512_fmadd_ps(_mm512_set1_ps(a0[o + x]), y, c0);
            c1 = _mm512_fmadd_ps(_mm512_set1_ps(a1[o + x]), y, c1);
            c2 = _mm512_fmadd_ps(_mm512_set1_ps(a2[o + x]), y, c2);
            c3 = _mm512_fmadd_ps(_mm512_set1_ps(a3[o + x]), y, c3);
            c4 = _mm512_fmadd_ps(_mm512_set1_ps(a4[o + x]), y, c4);
            c5 = _mm512_fmadd_ps(_mm512_set1_ps(a5[o + x]), y, c5);
            c6 = _mm512_fmadd_ps(_mm512_set1_ps(a6[o + x]), y, c6);
            c7 = _mm512_fmadd_ps(_mm512_set1_ps(a7[o + x]), y, c7);
        }
    }
    const __m512 v[8] = {c0, c1, c2, c3, c4, c5, c6, c7};
    store_block_8x16(v, c, ldc, rows, cols, accumulate);
}
#else
void trick_sgemm_kernel_8x32_avx512(const float *a0, const float *a1, long ars, long aps,
                                    const float *b0, const float *b1, long ldb, long k,
                                    float *c, long ldc, int rows, int cols, int accumulate, int resume) {
    (void)resume; (void)a0; (void)a1; (void)ars; (void)aps; (void)b0; (void)b1; (void)ldb; (void)k;
    (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
void trick_sgemm_kernel_8x16_rows_avx512(const float *a0, const float *a1, const float *base, const long *offs, long k,
                                         float *c, long ldc, int rows, int cols, int accumulate) {
    (void)a0; (void)a1; (void)base; (void)offs; (void)k; (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
void trick_sgemm_kernel_8x16_segments_avx512(const float *const *a, long pitch, long len, long segs, const float *b,
                                             float *c, long ldc, int rows, int cols, int accumulate) {
    (void)a; (void)pitch; (void)len; (void)segs; (void)b; (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
#endif
