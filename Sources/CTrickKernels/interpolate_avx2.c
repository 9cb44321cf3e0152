// Bicubic interpolation rows for AVX2/FMA (called only after `trick_has_avx2_fma()`; the build
// needs no -m flags): the separable evaluation of `Interpolate.bicubicSeparable`, each fused
// multiply-add an explicit fmaf as `addingProduct` is there, no implicit contraction, so every
// output has torch's (and the Swift kernel's) bits.
#include "CTrickKernels.h"
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#define TRICK_AVX2 __attribute__((target("avx2,fma")))
#else
#define TRICK_AVX2
#endif

TRICK_AVX2 void trick_bicubic_rows_f32(const float *src, float *dst, long in_h, long in_w, long out_h, long out_w,
                                       const int32_t *iy, const float *wy, const int32_t *ix, const float *wx,
                                       long first, long last, float *cache) {
    long tags[4] = {-1, -1, -1, -1};   // which source row (plane·in_h + row) each cached row holds
    const int32_t *restrict ix0 = ix, *restrict ix1 = ix + out_w, *restrict ix2 = ix + 2 * out_w, *restrict ix3 = ix + 3 * out_w;
    const float *restrict wx0 = wx, *restrict wx1 = wx + out_w, *restrict wx2 = wx + 2 * out_w, *restrict wx3 = wx + 3 * out_w;
    for (long g = first; g < last; g++) {
        long p = g / out_h, y = g - p * out_h;
        long want[4];
        const float *rows[4];
        for (int j = 0; j < 4; j++) want[j] = p * in_h + iy[4 * y + j];
        for (int j = 0; j < 4; j++) {
            int slot = -1;
            for (int q = 0; q < 4; q++) if (tags[q] == want[j]) slot = q;
            if (slot < 0) {
                // a slot none of this row's taps needs (there are at most 4 distinct taps)
                for (int q = 0; q < 4 && slot < 0; q++) {
                    int used = 0;
                    for (int k = 0; k < 4; k++) used |= tags[q] == want[k];
                    if (!used) slot = q;
                }
                float *restrict t = cache + slot * out_w;
                const float *restrict r = src + want[j] * in_w;
                for (long x = 0; x < out_w; x++) {
                    float v = r[ix1[x]] * wx1[x];
                    v = fmaf(r[ix0[x]], wx0[x], v);
                    v = fmaf(r[ix2[x]], wx2[x], v);
                    v = fmaf(r[ix3[x]], wx3[x], v);
                    t[x] = v;
                }
                tags[slot] = want[j];
            }
            rows[j] = cache + slot * out_w;
        }
        const float *restrict t0 = rows[0], *restrict t1 = rows[1], *restrict t2 = rows[2], *restrict t3 = rows[3];
        const float w0 = wy[4 * y], w1 = wy[4 * y + 1], w2 = wy[4 * y + 2], w3 = wy[4 * y + 3];
        float *restrict d = dst + g * out_w;
        for (long x = 0; x < out_w; x++) {
            float v = t1[x] * w1;
            v = fmaf(t0[x], w0, v);
            v = fmaf(t2[x], w2, v);
            v = fmaf(t3[x], w3, v);
            d[x] = v;
        }
    }
}
