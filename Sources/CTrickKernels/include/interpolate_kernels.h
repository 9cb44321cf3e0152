#ifndef TRICK_INTERPOLATE_KERNELS_H
#define TRICK_INTERPOLATE_KERNELS_H
#include <stdint.h>

/// Output rows `first ..< last` (plane-major: row g is plane g / out_h, output row g % out_h) of
/// bicubic interpolation, evaluated separably (interpolate_avx2.c, the AVX2 build of
/// `Interpolate.bicubicSeparable`, bit for bit): each source row's width taps
/// `t[x] = fma(v3,w3, fma(v2,w2, fma(v0,w0, v1·w1)))` (v_j = row[ix[j·out_w + x]], w_j = wx[j·out_w + x])
/// computed once into one of four cached rows of `out_w` floats in `cache` (4·out_w floats), then
/// every output row `fma(t3,wy3, fma(t2,wy2, fma(t0,wy0, t1·wy1)))` with the taps `iy[4y…4y+3]`,
/// weights `wy[4y…4y+3]`. Call only when `trick_has_avx2_fma()`.
void trick_bicubic_rows_f32(const float *src, float *dst, long in_h, long in_w, long out_h, long out_w,
                            const int32_t *iy, const float *wy, const int32_t *ix, const float *wx,
                            long first, long last, float *cache);

#endif
