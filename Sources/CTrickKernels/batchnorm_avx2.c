// Batch norm's per-channel double sums for four channels at once, one channel per lane of an
// AVX2 register (Sources/TrickCore/Autograd/BatchNorm.swift). Each lane runs exactly the serial
// loop of its Swift counterpart — the same operations on the same values in the same order (no
// fused multiply-adds) — so the sums are bit for bit those of one channel at a time; the four
// chains only run side by side. Call only when `trick_has_avx2_fma()`.
#include "CTrickKernels.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Row j..j+3 of four channel rows as four vectors t[q] = (r0[j+q], r1[j+q], r2[j+q], r3[j+q]).
__attribute__((target("avx2,fma"), always_inline))
static inline void load4x4(const float *const *rows, long j, __m256d *t) {
    __m256d a = _mm256_cvtps_pd(_mm_loadu_ps(rows[0] + j)), b = _mm256_cvtps_pd(_mm_loadu_ps(rows[1] + j));
    __m256d c = _mm256_cvtps_pd(_mm_loadu_ps(rows[2] + j)), d = _mm256_cvtps_pd(_mm_loadu_ps(rows[3] + j));
    __m256d ab0 = _mm256_unpacklo_pd(a, b), ab1 = _mm256_unpackhi_pd(a, b);
    __m256d cd0 = _mm256_unpacklo_pd(c, d), cd1 = _mm256_unpackhi_pd(c, d);
    t[0] = _mm256_permute2f128_pd(ab0, cd0, 0x20);
    t[1] = _mm256_permute2f128_pd(ab1, cd1, 0x20);
    t[2] = _mm256_permute2f128_pd(ab0, cd0, 0x31);
    t[3] = _mm256_permute2f128_pd(ab1, cd1, 0x31);
}

__attribute__((target("avx2,fma"), always_inline))
static inline __m256d column(const float *const *rows, long j) {
    return _mm256_set_pd((double)rows[3][j], (double)rows[2][j], (double)rows[1][j], (double)rows[0][j]);
}

__attribute__((target("avx2,fma")))
void trick_bn_square_sums4(const float *x, long n, long c, long s, long ch0, const double *mean, double *out) {
    const __m256d m = _mm256_loadu_pd(mean);
    __m256d acc = _mm256_setzero_pd();
    for (long img = 0; img < n; img++) {
        const float *rows[4];
        for (int q = 0; q < 4; q++) rows[q] = x + (img * c + ch0 + q) * s;
        long j = 0;
        for (; j + 4 <= s; j += 4) {
            __m256d t[4];
            load4x4(rows, j, t);
            for (int q = 0; q < 4; q++) {
                const __m256d d = _mm256_sub_pd(t[q], m);
                acc = _mm256_add_pd(acc, _mm256_mul_pd(d, d));
            }
        }
        for (; j < s; j++) {
            const __m256d d = _mm256_sub_pd(column(rows, j), m);
            acc = _mm256_add_pd(acc, _mm256_mul_pd(d, d));
        }
    }
    _mm256_storeu_pd(out, acc);
}

__attribute__((target("avx2,fma")))
void trick_bn_grad_sums4(const float *x, const float *g, long n, long c, long s, long ch0, const double *mean,
                         double *sum, double *dot) {
    const __m256d m = _mm256_loadu_pd(mean);
    __m256d acc = _mm256_setzero_pd(), accDot = _mm256_setzero_pd();
    for (long img = 0; img < n; img++) {
        const float *xr[4], *gr[4];
        for (int q = 0; q < 4; q++) { xr[q] = x + (img * c + ch0 + q) * s; gr[q] = g + (img * c + ch0 + q) * s; }
        long j = 0;
        for (; j + 4 <= s; j += 4) {
            __m256d tx[4], tg[4];
            load4x4(xr, j, tx);
            load4x4(gr, j, tg);
            for (int q = 0; q < 4; q++) {
                acc = _mm256_add_pd(acc, tg[q]);
                accDot = _mm256_add_pd(accDot, _mm256_mul_pd(_mm256_sub_pd(tx[q], m), tg[q]));
            }
        }
        for (; j < s; j++) {
            const __m256d gj = column(gr, j);
            acc = _mm256_add_pd(acc, gj);
            accDot = _mm256_add_pd(accDot, _mm256_mul_pd(_mm256_sub_pd(column(xr, j), m), gj));
        }
    }
    _mm256_storeu_pd(sum, acc);
    _mm256_storeu_pd(dot, accDot);
}
#else
void trick_bn_square_sums4(const float *x, long n, long c, long s, long ch0, const double *mean, double *out) {
    (void)x; (void)n; (void)c; (void)s; (void)ch0; (void)mean; (void)out;
}
void trick_bn_grad_sums4(const float *x, const float *g, long n, long c, long s, long ch0, const double *mean,
                         double *sum, double *dot) {
    (void)x; (void)g; (void)n; (void)c; (void)s; (void)ch0; (void)mean; (void)sum; (void)dot;
}
#endif
