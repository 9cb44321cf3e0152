// Bilinear grid_sample for AVX2 (Sources/TrickCore/Autograd/GridSample.swift): 8 output locations a
// vector when all their taps are inside (the 2×2 corners read as two 64-bit loads a point and
// transposed — the CPU's gathers were slower than scalar loads here), else the Swift loop's scalar
// code point by point. Multiplies and adds are separate (no contraction), in the Swift loops'
// order, so the bits are theirs; ∂input is scattered point after point, taps in order.
#include "CTrickKernels.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// The table of 8 points at o (o a multiple of 8): offsets of taps 0..3 (8 each), then weights,
/// x derivatives, y derivatives (8 per tap each).
#define OFF(off, o) ((off) + ((o) >> 3) * 32)
#define TAB(tab, o) ((tab) + ((o) >> 3) * 96)

/// Whether all 4 taps of the 8 points are inside (then they are k, k + 1, k + w, k + w + 1).
__attribute__((target("avx2,fma"), always_inline))
static inline int all_inside(const int32_t *off8) {
    const __m256i none = _mm256_set1_epi32(-1);
    __m256i m = _mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)off8), none);
    for (int t = 1; t < 4; t++) m = _mm256_and_si256(m, _mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)(off8 + 8 * t)), none));
    return _mm256_movemask_ps(_mm256_castsi256_ps(m)) == 0xFF;
}

/// The four corners of 8 inside points: s[0][l] = src[k_l], s[1][l] = src[k_l + 1],
/// s[2][l] = src[k_l + w], s[3][l] = src[k_l + w + 1], from two 64-bit loads a point.
__attribute__((target("avx2,fma"), always_inline))
static inline void corners(const float *src, const int32_t *k, long w, __m256 s[4]) {
    for (int row = 0; row < 2; row++) {
        const float *b = src + row * w;
        __m128 p01 = _mm_castpd_ps(_mm_load_sd((const double *)(b + k[0])));
        p01 = _mm_loadh_pi(p01, (const __m64 *)(b + k[1]));
        __m128 p23 = _mm_castpd_ps(_mm_load_sd((const double *)(b + k[2])));
        p23 = _mm_loadh_pi(p23, (const __m64 *)(b + k[3]));
        __m128 p45 = _mm_castpd_ps(_mm_load_sd((const double *)(b + k[4])));
        p45 = _mm_loadh_pi(p45, (const __m64 *)(b + k[5]));
        __m128 p67 = _mm_castpd_ps(_mm_load_sd((const double *)(b + k[6])));
        p67 = _mm_loadh_pi(p67, (const __m64 *)(b + k[7]));
        const __m256 a = _mm256_insertf128_ps(_mm256_castps128_ps256(p01), p45, 1);
        const __m256 c = _mm256_insertf128_ps(_mm256_castps128_ps256(p23), p67, 1);
        s[2 * row] = _mm256_shuffle_ps(a, c, 0x88);
        s[2 * row + 1] = _mm256_shuffle_ps(a, c, 0xDD);
    }
}

__attribute__((target("avx2,fma")))
void trick_grid_sample_forward(const float *x, long plane, long w, const int32_t *off, const float *tab, long points,
                               long first, long last, float *out) {
    for (long bc = first; bc < last; bc++) {
        const float *src = x + bc * plane;
        float *dst = out + bc * points;
        for (long o = 0; o < points; o += 8) {
            const int32_t *k = OFF(off, o);
            const float *wt = TAB(tab, o);
            if (o + 8 <= points && all_inside(k)) {
                __m256 s[4];
                corners(src, k, w, s);
                __m256 v = _mm256_setzero_ps();
                for (int t = 0; t < 4; t++) v = _mm256_add_ps(v, _mm256_mul_ps(s[t], _mm256_loadu_ps(wt + 8 * t)));
                _mm256_storeu_ps(dst + o, v);
                continue;
            }
            const int n = o + 8 < points ? 8 : (int)(points - o);
            for (int l = 0; l < n; l++) {
                float v = 0;
                for (int t = 0; t < 4; t++) {
                    const int32_t kk = k[8 * t + l];
                    if (kk >= 0) v += src[kk] * wt[8 * t + l];
                }
                dst[o + l] = v;
            }
        }
    }
}

__attribute__((target("avx2,fma")))
void trick_grid_sample_backward(const float *x, const float *g, long c, long plane, long w, const int32_t *off, const float *tab,
                                long points, float *gx, float *gi) {
    float *gix = gi, *giy = gi + points;
    float prod[4][8];
    for (long o = 0; o < 2 * points; o++) gi[o] = 0;
    for (long ch = 0; ch < c; ch++) {
        const float *src = x + ch * plane, *gs = g + ch * points;
        float *dsrc = gx + ch * plane;
        for (long o = 0; o < points; o += 8) {
            const int32_t *k = OFF(off, o);
            const float *wt = TAB(tab, o), *dx = wt + 32, *dy = wt + 64;
            if (o + 8 <= points && all_inside(k)) {
                const __m256 gv = _mm256_loadu_ps(gs + o);
                __m256 ax = _mm256_loadu_ps(gix + o), ay = _mm256_loadu_ps(giy + o);
                __m256 s[4];
                corners(src, k, w, s);
                for (int t = 0; t < 4; t++) {
                    ax = _mm256_add_ps(ax, _mm256_mul_ps(_mm256_mul_ps(s[t], _mm256_loadu_ps(dx + 8 * t)), gv));
                    ay = _mm256_add_ps(ay, _mm256_mul_ps(_mm256_mul_ps(s[t], _mm256_loadu_ps(dy + 8 * t)), gv));
                    _mm256_storeu_ps(prod[t], _mm256_mul_ps(_mm256_loadu_ps(wt + 8 * t), gv));
                }
                _mm256_storeu_ps(gix + o, ax);
                _mm256_storeu_ps(giy + o, ay);
                // ∂input point after point (neighbouring points share pixels), one float at a
                // time: merged into 64-bit read-modify-writes (as the compiler would), the next
                // point's pair overlapping by one float stalls the store forwarding
                for (int l = 0; l < 8; l++) {
                    volatile float *d = dsrc + k[l];
                    d[0] = d[0] + prod[0][l];
                    d[1] = d[1] + prod[1][l];
                    d[w] = d[w] + prod[2][l];
                    d[w + 1] = d[w + 1] + prod[3][l];
                }
                continue;
            }
            const int n = o + 8 < points ? 8 : (int)(points - o);
            for (int l = 0; l < n; l++) {
                const float gvs = gs[o + l];
                float sx = gix[o + l], sy = giy[o + l];
                for (int t = 0; t < 4; t++) {
                    const int32_t kk = k[8 * t + l];
                    if (kk < 0) continue;
                    dsrc[kk] += wt[8 * t + l] * gvs;
                    sx += src[kk] * dx[8 * t + l] * gvs;
                    sy += src[kk] * dy[8 * t + l] * gvs;
                }
                gix[o + l] = sx; giy[o + l] = sy;
            }
        }
    }
}

__attribute__((target("avx2,fma")))
void trick_affine_grid_f32(const float *xs, long w, const float *ys, long h, const float *theta, long n, float *out) {
    for (long b = 0; b < n; b++) {
        const float *t = theta + 6 * b;
        for (long y = 0; y < h; y++) {
            for (long x = 0; x < w; x++) {
                float *o = out + ((b * h + y) * w + x) * 2;
                for (int j = 0; j < 2; j++) {
                    float acc = 0.0f;
                    acc = __builtin_fmaf(xs[x], t[3 * j], acc);
                    acc = __builtin_fmaf(ys[y], t[3 * j + 1], acc);
                    acc = __builtin_fmaf(1.0f, t[3 * j + 2], acc);
                    o[j] = acc;
                }
            }
        }
    }
}

__attribute__((target("avx2,fma")))
void trick_affine_grid_backward_f32(const float *xs, long w, const float *ys, long h, const float *g, long n, float *gtheta) {
    for (long b = 0; b < n; b++) {
        float a[3][2] = {{0.0f, 0.0f}, {0.0f, 0.0f}, {0.0f, 0.0f}};
        const float *gb = g + b * h * w * 2;
        for (long y = 0; y < h; y++) {
            for (long x = 0; x < w; x++) {
                const float *gp = gb + (y * w + x) * 2;
                for (int j = 0; j < 2; j++) {
                    a[0][j] = __builtin_fmaf(xs[x], gp[j], a[0][j]);
                    a[1][j] = __builtin_fmaf(ys[y], gp[j], a[1][j]);
                    a[2][j] = __builtin_fmaf(1.0f, gp[j], a[2][j]);
                }
            }
        }
        for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++) gtheta[6 * b + 3 * j + k] = a[k][j];
    }
}
#else
void trick_affine_grid_f32(const float *xs, long w, const float *ys, long h, const float *theta, long n, float *out) {
    (void)xs; (void)w; (void)ys; (void)h; (void)theta; (void)n; (void)out;
}
void trick_affine_grid_backward_f32(const float *xs, long w, const float *ys, long h, const float *g, long n, float *gtheta) {
    (void)xs; (void)w; (void)ys; (void)h; (void)g; (void)n; (void)gtheta;
}
void trick_grid_sample_forward(const float *x, long plane, long w, const int32_t *off, const float *tab, long points,
                               long first, long last, float *out) {
    (void)x; (void)plane; (void)w; (void)off; (void)tab; (void)points; (void)first; (void)last; (void)out;
}
void trick_grid_sample_backward(const float *x, const float *g, long c, long plane, long w, const int32_t *off, const float *tab,
                                long points, float *gx, float *gi) {
    (void)x; (void)g; (void)c; (void)plane; (void)w; (void)off; (void)tab; (void)points; (void)gx; (void)gi;
}
#endif
