// Per-block softmax kernels over a strided class axis, compiled for AVX2 by a function attribute
// and called only after `trick_has_avx2_fma()` (the build needs no -m flags). Plain loops that the
// compiler vectorises 8 lanes wide; no implicit floating-point contraction (fused multiply-adds
// only where the Swift code has them too), so every lane computes exactly the operations of the
// Swift kernels they stand in for (Tensor.softmaxBlocked,
// PixelSoftmax.forEachBlockFloat32, FastExp, FastLog), bit for bit. softmax and log_softmax
// also have AVX-512 builds of the same loops (16 float lanes, called only after
// `trick_has_avx512()`): the same IEEE operations per lane, so the same bits, in less time on the
// bench machine (AMD EPYC, Zen 4), where the AVX2 loops are limited by the instructions issued
// rather than by the arithmetic units (1×19×64×128 on one core, best of 1500 calls with warm
// caches: log_softmax 100 µs AVX2, 66 µs AVX-512; softmax 102 µs, 81 µs). Valgrind hides AVX-512
// from the CPU check, so callgrind counts the AVX2 builds.
#include "CTrickKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#define TRICK_AVX2 __attribute__((target("avx2,fma")))
// min_vector_width(512): let the vectoriser use 512-bit registers (clang keeps to 256 by default)
#define TRICK_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"), min_vector_width(512)))
#else
#define TRICK_AVX2
#define TRICK_AVX512
#endif

#define BLOCK 256

static inline __attribute__((always_inline)) float bits_f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline __attribute__((always_inline)) int32_t f_bits(float f) { int32_t u; memcpy(&u, &f, 4); return u; }
static inline __attribute__((always_inline)) double bits_d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static inline __attribute__((always_inline)) uint64_t d_bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

// FastExp.fusedReduced (its multiply-adds are explicit fused operations, as there): e^x = p·2^nb
static inline __attribute__((always_inline)) float fused_reduced(float x, int32_t *nb_out) {
    float shifted = fmaf(x, 1.442695040888963f, 12582912.0f);
    float n = shifted - 12582912.0f;
    int32_t nb = f_bits(shifted) - 0x4B400000;
    float r = fmaf(-n, 0.693145751953125f, x);
    r = fmaf(-n, 1.428606765330187e-06f, r);
    float p = 1.0f / 5040;
    p = fmaf(p, r, 1.0f / 720);
    p = fmaf(p, r, 1.0f / 120);
    p = fmaf(p, r, 1.0f / 24);
    p = fmaf(p, r, 1.0f / 6);
    p = fmaf(p, r, 0.5f);
    p = fmaf(p, r, 1);
    p = fmaf(p, r, 1);
    *nb_out = nb;
    return p;
}

// FastExp.expNonPositiveFused
static inline __attribute__((always_inline)) float exp_nonpositive_fused(float v) {
    int32_t nb;
    float p = fused_reduced(v < -87.3f ? -87.3f : v, &nb);
    float y = p * bits_f((uint32_t)(nb + 127) << 23);
    return v != v ? v : y;
}

// FastExp.expFloat
static inline __attribute__((always_inline)) float exp_full(float v) {
    int32_t nb;
    float p = fused_reduced(v < -104.0f ? -104.0f : v, &nb);
    int32_t n1 = nb >> 1, n2 = nb - n1;
    float y = p * bits_f((uint32_t)(n1 + 127) << 23) * bits_f((uint32_t)(n2 + 127) << 23);
    return v < -104.0f ? 0.0f : v != v ? v : y;
}

// FastLog.logAtLeastOne
static inline __attribute__((always_inline)) double log_at_least_one(double x) {
    uint64_t b = d_bits(x);
    double e_biased = bits_d((b >> 52) | 0x4330000000000000ull) - 4503599627370496.0;
    double m = bits_d((b & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    int big = m > 1.4142135623730951;
    m = big ? m * 0.5 : m;
    double e = e_biased - 1023 + (big ? 1.0 : 0.0);
    double t = (m - 1) / (m + 1);
    double t2 = t * t;
    double p = 1.0 / 21;
    p = p * t2 + 1.0 / 19;
    p = p * t2 + 1.0 / 17;
    p = p * t2 + 1.0 / 15;
    p = p * t2 + 1.0 / 13;
    p = p * t2 + 1.0 / 11;
    p = p * t2 + 1.0 / 9;
    p = p * t2 + 1.0 / 7;
    p = p * t2 + 1.0 / 5;
    p = p * t2 + 1.0 / 3;
    double logm = 2 * t + 2 * t * t2 * p;
    double r = e * 0.693147180369123816490 + (e * 1.90821492927058770002e-10 + logm);
    return x != x ? x : r;
}

static inline __attribute__((always_inline))
void softmax_block(const float *restrict x, float *restrict y, long n, long inner, long len) {
    float m[BLOCK], f[BLOCK];
    double sum[BLOCK];
    for (long i = 0; i < len; i++) { m[i] = -INFINITY; sum[i] = 0; }
    for (long k = 0; k < n; k++) {
        const float *restrict row = x + k * inner;
        for (long i = 0; i < len; i++) { float v = row[i]; m[i] = v > m[i] ? v : m[i]; }
    }
    for (long i = 0; i < len; i++) m[i] = m[i] == -INFINITY ? 0 : m[i];
    // exp into the output rows (8 lanes wide), then the float64 sums (4 wide), in class order
    for (long k = 0; k < n; k++) {
        const float *restrict row = x + k * inner;
        float *restrict out = y + k * inner;
        for (long i = 0; i < len; i++) out[i] = exp_full(row[i] - m[i]);
        for (long i = 0; i < len; i++) sum[i] += (double)out[i];
    }
    for (long i = 0; i < len; i++) f[i] = (float)(1 / sum[i]);
    for (long k = 0; k < n; k++) {
        float *restrict out = y + k * inner;
        for (long i = 0; i < len; i++) out[i] *= f[i];
    }
}

TRICK_AVX2 void trick_softmax_block_f32(const float *x, float *y, long n, long inner, long len) {
    softmax_block(x, y, n, inner, len);
}

TRICK_AVX512 void trick_softmax_block_f32_avx512(const float *x, float *y, long n, long inner, long len) {
    softmax_block(x, y, n, inner, len);
}

static inline __attribute__((always_inline))
void lse_stats(const float *restrict img, long c, long s, long len, double *restrict mx, double *restrict se) {
    float mxf[BLOCK], sef[BLOCK];
    for (long i = 0; i < len; i++) { mxf[i] = -INFINITY; sef[i] = 0; }
    for (long k = 0; k < c; k++) {
        const float *restrict row = img + k * s;
        for (long i = 0; i < len; i++) { float v = row[i]; mxf[i] = v >= mxf[i] ? v : mxf[i]; }
    }
    for (long k = 0; k < c; k++) {
        const float *restrict row = img + k * s;
        for (long i = 0; i < len; i++) sef[i] += exp_nonpositive_fused(row[i] - mxf[i]);
    }
    for (long i = 0; i < len; i++) { mx[i] = (double)mxf[i]; se[i] = (double)sef[i]; }
}

TRICK_AVX2 void trick_lse_stats_f32(const float *img, long c, long s, long len, double *mx, double *se) {
    lse_stats(img, c, s, len, mx, se);
}

TRICK_AVX2 void trick_log_at_least_one(double *x, long len) {
    for (long i = 0; i < len; i++) x[i] = log_at_least_one(x[i]);
}

// log_softmax of one block (`Tensor.logSoftmaxBlock`): the maximum of the non-NaN logits (0 for a
// lane of −∞), Σ exp(x − max) in float32 in class order with `exp_nonpositive_fused` (as torch's
// `_vec_log_softmax`: a float sum, class by class), its log through `log_at_least_one` in float64
// rounded to float32 (NaN for a sum below 1: a lane of −∞), then x − max − log.
static inline __attribute__((always_inline))
void log_softmax_block(const float *restrict x, float *restrict y, long n, long inner, long len) {
    float m[BLOCK], se[BLOCK], f[BLOCK];
    double d[BLOCK];
    for (long i = 0; i < len; i++) { m[i] = -INFINITY; se[i] = 0; }
    for (long k = 0; k < n; k++) {
        const float *restrict row = x + k * inner;
        for (long i = 0; i < len; i++) { float v = row[i]; m[i] = v > m[i] ? v : m[i]; }
    }
    for (long i = 0; i < len; i++) m[i] = m[i] == -INFINITY ? 0 : m[i];
    for (long k = 0; k < n; k++) {
        const float *restrict row = x + k * inner;
        for (long i = 0; i < len; i++) se[i] += exp_nonpositive_fused(row[i] - m[i]);
    }
    for (long i = 0; i < len; i++) d[i] = log_at_least_one((double)se[i]);
    // a sum below 1 is a lane of −∞ (every term clamped to exp(−87.3)): NaN, as torch (a select,
    // which vectorises; the branch it replaces ran one lane at a time)
    for (long i = 0; i < len; i++) f[i] = se[i] < 1 ? NAN : (float)d[i];
    for (long k = 0; k < n; k++) {
        const float *restrict row = x + k * inner;
        float *restrict out = y + k * inner;
        for (long i = 0; i < len; i++) out[i] = row[i] - m[i] - f[i];
    }
}

TRICK_AVX2 void trick_log_softmax_block_f32(const float *x, float *y, long n, long inner, long len) {
    log_softmax_block(x, y, n, inner, len);
}

TRICK_AVX512 void trick_log_softmax_block_f32_avx512(const float *x, float *y, long n, long inner, long len) {
    log_softmax_block(x, y, n, inner, len);
}

#if defined(__x86_64__) || defined(__i386__)
int trick_has_avx512(void) {
    __builtin_cpu_init();   // the checks include the OS's saving of the 512-bit registers (XCR0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
int trick_has_avx512(void) { return 0; }
#endif

// One block of `CrossEntropy.perElement` for float32 logits (`CrossEntropy.blockLoss`, bit for bit):
// the statistics of `lse_stats`, lse = max + log Σ (`log_at_least_one`, in float64), then for every
// pixel whose label is not `ignore` `out = (float)(w[y]·(lse − x_y))`, with the block's Σ out and
// Σ w[y] (float64) accumulated in four interleaved partial sums (pixel i into sum i mod 4, then
// (s0 + s1) + (s2 + s3)); ignored pixels add 0 and keep their output.
static inline __attribute__((always_inline))
void ce_block(const float *restrict img, long c, long s, long len, const int64_t *restrict labels, int64_t ignore,
              const double *restrict weights, float *restrict out, double *restrict sums) {
    double mx[BLOCK], lse[BLOCK], v[BLOCK + 4], wt[BLOCK + 4];
    lse_stats(img, c, s, len, mx, lse);
    for (long i = 0; i < len; i++) lse[i] = mx[i] + log_at_least_one(lse[i]);
    for (long i = 0; i < len; i++) {
        int64_t y = labels[i];
        if (y == ignore) { v[i] = 0; wt[i] = 0; continue; }
        double w = weights[y];
        float o = (float)(w * (lse[i] - (double)img[y * s + i]));
        out[i] = o;
        v[i] = (double)o;
        wt[i] = w;
    }
    for (long i = len; i < ((len + 3) & ~3L); i++) { v[i] = 0; wt[i] = 0; }
    double a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
    for (long i = 0; i < len; i += 4) {
        for (int q = 0; q < 4; q++) { a[q] += v[i + q]; b[q] += wt[i + q]; }
    }
    sums[0] = (a[0] + a[1]) + (a[2] + a[3]);
    sums[1] = (b[0] + b[1]) + (b[2] + b[3]);
}

TRICK_AVX2 void trick_ce_block_f32(const float *img, long c, long s, long len, const int64_t *labels, int64_t ignore,
                                   const double *weights, float *out, double *sums) {
    ce_block(img, c, s, len, labels, ignore, weights, out, sums);
}

// Whether every label is the ignore index or in [0, c): `CrossEntropy.perElement`'s check, four
// labels per compare (the per-label loop in Swift took ~80 K instructions of a 1×19×64×128 call's
// ~1.25 M, callgrind).
TRICK_AVX2 int trick_labels_valid(const int64_t *labels, long count, int64_t ignore, long c) {
    int64_t bad = 0;
    for (long i = 0; i < count; i++) {
        int64_t y = labels[i];
        bad |= (y != ignore) & ((uint64_t)y >= (uint64_t)c);
    }
    return bad == 0;
}
