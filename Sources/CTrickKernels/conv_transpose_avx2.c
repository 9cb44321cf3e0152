// A GEMM block for `ConvTransposePhases` (Sources/TrickCore/Autograd/ConvTransposePhases.swift):
// the 4×16 kernel of gemm_avx2.c reading its A rows from strided rows of padded planes.
#include "CTrickKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "store_block_4x16.h"

__attribute__((target("avx2,fma")))
void trick_sgemm_kernel_4x16_segments(const float *a0, const float *a1, const float *a2, const float *a3,
                                      long pitch, long len, long segs, const float *b,
                                      float *c, long ldc, int rows, int cols, int accumulate) {
    if (rows < 2) a1 = a0;
    if (rows < 3) a2 = a0;
    if (rows < 4) a3 = a0;
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    for (long s = 0; s < segs; s++) {
        const float *p0 = a0 + s * pitch, *p1 = a1 + s * pitch, *p2 = a2 + s * pitch, *p3 = a3 + s * pitch;
        for (long x = 0; x < len; x++) {
            const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
            b += 16;
            __m256 v = _mm256_broadcast_ss(p0 + x);
            c00 = _mm256_fmadd_ps(v, b0, c00); c01 = _mm256_fmadd_ps(v, b1, c01);
            v = _mm256_broadcast_ss(p1 + x);
            c10 = _mm256_fmadd_ps(v, b0, c10); c11 = _mm256_fmadd_ps(v, b1, c11);
            v = _mm256_broadcast_ss(p2 + x);
            c20 = _mm256_fmadd_ps(v, b0, c20); c21 = _mm256_fmadd_ps(v, b1, c21);
            v = _mm256_broadcast_ss(p3 + x);
            c30 = _mm256_fmadd_ps(v, b0, c30); c31 = _mm256_fmadd_ps(v, b1, c31);
        }
    }
    float tmp[4][16];
    _mm256_storeu_ps(tmp[0], c00); _mm256_storeu_ps(tmp[0] + 8, c01);
    _mm256_storeu_ps(tmp[1], c10); _mm256_storeu_ps(tmp[1] + 8, c11);
    _mm256_storeu_ps(tmp[2], c20); _mm256_storeu_ps(tmp[2] + 8, c21);
    _mm256_storeu_ps(tmp[3], c30); _mm256_storeu_ps(tmp[3] + 8, c31);
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (accumulate) {
            for (int q = 0; q < cols; q++) row[q] = row[q] + tmp[r][q];
        } else {
            for (int q = 0; q < cols; q++) row[q] = tmp[r][q];
        }
    }
}

__attribute__((target("avx2,fma")))
void trick_sgemm_kernel_4x16_rows(const float *a, const float *base, const long *offs, long k,
                                  float *c, long ldc, int rows, int cols, int accumulate) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        const float *bp = base + offs[p];
        const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
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

__attribute__((target("avx2,fma")))
void trick_phase_interleave(const float *tile, long phase_stride, int sx, int rho0, long rows, long count,
                            const float *bias, float *dst, long ldd) {
    for (long r = 0; r < rows; r++) {
        float *d = dst + r * ldd;
        const float b = bias ? bias[r] : 0.0f;
        long m = 0;
        if (sx == 2) {
            const float *t0 = tile + rho0 * phase_stride + r * 16, *t1 = tile + (1 - rho0) * phase_stride + r * 16;
            const __m256 bv = _mm256_set1_ps(b);
            for (; m + 16 <= count; m += 16) {
                __m256 a = _mm256_loadu_ps(t0 + m / 2), c = _mm256_loadu_ps(t1 + m / 2);
                if (bias) { a = _mm256_add_ps(a, bv); c = _mm256_add_ps(c, bv); }
                const __m256 lo = _mm256_unpacklo_ps(a, c), hi = _mm256_unpackhi_ps(a, c);
                _mm256_storeu_ps(d + m, _mm256_permute2f128_ps(lo, hi, 0x20));
                _mm256_storeu_ps(d + m + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
            }
        }
        for (; m < count; m++) {
            const float v = tile[((rho0 + m) % sx) * phase_stride + r * 16 + m / sx];
            d[m] = bias ? v + b : v;
        }
    }
}

__attribute__((target("avx2,fma")))
void trick_phase_split_row(const float *src, long ow, int sx, long tlo, long dw, float *dst, long plane_stride) {
    long u = 0;
    if (sx == 2) {
        // columns (u + tlo)·2 and +1 both inside for u in [first, last)
        long first = tlo < 0 ? -tlo : 0, last = ow / 2 - tlo;
        if (last > dw) last = dw;
        for (; u < first && u < dw; u++) {
            for (int px = 0; px < 2; px++) {
                const long x = (u + tlo) * 2 + px;
                dst[px * plane_stride + u] = x >= 0 && x < ow ? src[x] : 0.0f;
            }
        }
        for (; u + 8 <= last; u += 8) {
            const float *s = src + (u + tlo) * 2;
            const __m256 a = _mm256_loadu_ps(s), b = _mm256_loadu_ps(s + 8);
            // even lanes a0 a2 b0 b2 | a4 a6 b4 b6 → reorder 64-bit pairs to a0 a2 a4 a6 b0 b2 b4 b6
            const __m256 ev = _mm256_shuffle_ps(a, b, 0x88), od = _mm256_shuffle_ps(a, b, 0xDD);
            _mm256_storeu_ps(dst + u, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(ev), 0xD8)));
            _mm256_storeu_ps(dst + plane_stride + u, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(od), 0xD8)));
        }
    }
    for (; u < dw; u++) {
        for (int px = 0; px < sx; px++) {
            const long x = (u + tlo) * sx + px;
            dst[px * plane_stride + u] = x >= 0 && x < ow ? src[x] : 0.0f;
        }
    }
}
#else
void trick_sgemm_kernel_4x16_rows(const float *a, const float *base, const long *offs, long k,
                                  float *c, long ldc, int rows, int cols, int accumulate) {
    (void)a; (void)base; (void)offs; (void)k; (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
void trick_phase_interleave(const float *tile, long phase_stride, int sx, int rho0, long rows, long count,
                            const float *bias, float *dst, long ldd) {
    (void)tile; (void)phase_stride; (void)sx; (void)rho0; (void)rows; (void)count; (void)bias; (void)dst; (void)ldd;
}
void trick_phase_split_row(const float *src, long ow, int sx, long tlo, long dw, float *dst, long plane_stride) {
    (void)src; (void)ow; (void)sx; (void)tlo; (void)dw; (void)dst; (void)plane_stride;
}
void trick_sgemm_kernel_4x16_segments(const float *a0, const float *a1, const float *a2, const float *a3,
                                      long pitch, long len, long segs, const float *b,
                                      float *c, long ldc, int rows, int cols, int accumulate) {
    (void)a0; (void)a1; (void)a2; (void)a3; (void)pitch; (void)len; (void)segs; (void)b;
    (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
#endif
