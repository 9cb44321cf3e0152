// The filter of `IoUWindowIndex.forEachCandidate` (Sources/TrickCore/Boxes/IoUWindowIndex.swift)
// on AVX2: the same tests on the same doubles as its SIMD4<Double> loop — subtractions, products,
// halvings, lane-wise max / min as compare-and-select, `<=` / `>=` compares that are false for
// NaN — so the same slots pass, in the same order; one instruction per four lanes where the
// portable build (SSE2) needs two. Call only when `trick_has_avx2_fma()`.
#include "CTrickKernels.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define VMAX(a, b) _mm256_blendv_pd((a), (b), _mm256_cmp_pd((a), (b), _CMP_LT_OQ))
#define VMIN(a, b) _mm256_blendv_pd((a), (b), _mm256_cmp_pd((b), (a), _CMP_LT_OQ))

__attribute__((target("avx2")))
long trick_iou_window_scan(const double *quads, const int32_t *ids, const int32_t *cells, long rowFirst, long rowLast,
                           long colFirst, long colLast, long cellsX, const double *p, int32_t *out) {
    const __m256d cx = _mm256_set1_pd(p[0]), cy = _mm256_set1_pd(p[1]), w = _mm256_set1_pd(p[2]), h = _mm256_set1_pd(p[3]);
    const __m256d dx = _mm256_set1_pd(p[4]), dy = _mm256_set1_pd(p[5]), wLo = _mm256_set1_pd(p[6]), wHi = _mm256_set1_pd(p[7]);
    const __m256d hLo = _mm256_set1_pd(p[8]), hHi = _mm256_set1_pd(p[9]), s = _mm256_set1_pd(p[10]), pad = _mm256_set1_pd(p[11]);
    const __m256d tau = _mm256_set1_pd(p[12]), areaLo = _mm256_set1_pd(p[13]), share = _mm256_set1_pd(p[14]);
    const __m256d zero = _mm256_setzero_pd(), half = _mm256_set1_pd(0.5), two = _mm256_set1_pd(2.0);
    const __m256d magnitude = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    long k = 0;
    for (long row = rowFirst; row <= rowLast; row++) {
        for (long cell = row * cellsX + colFirst; cell <= row * cellsX + colLast; cell++) {
            long s0 = cells[3 * cell];
            const long end = s0 + cells[3 * cell + 1];
            for (; s0 < end; s0 += 4) {
                const double *b = quads + 4 * s0;
                const __m256d px = _mm256_loadu_pd(b), py = _mm256_loadu_pd(b + 4);
                const __m256d pw = _mm256_loadu_pd(b + 8), ph = _mm256_loadu_pd(b + 12);
                const __m256d ddx = _mm256_and_pd(_mm256_sub_pd(px, cx), magnitude);
                const __m256d ddy = _mm256_and_pd(_mm256_sub_pd(py, cy), magnitude);
                // the window and the sizes first: most slots fail them
                __m256d near = _mm256_and_pd(_mm256_cmp_pd(ddx, dx, _CMP_LE_OQ), _mm256_cmp_pd(ddy, dy, _CMP_LE_OQ));
                near = _mm256_and_pd(near, _mm256_and_pd(_mm256_cmp_pd(wLo, pw, _CMP_LE_OQ), _mm256_cmp_pd(pw, wHi, _CMP_LE_OQ)));
                near = _mm256_and_pd(near, _mm256_and_pd(_mm256_cmp_pd(hLo, ph, _CMP_LE_OQ), _mm256_cmp_pd(ph, hHi, _CMP_LE_OQ)));
                if (!_mm256_movemask_pd(near)) continue;
                // 2·(g(w, p.w) + pad) + slack: the centre distance bound
                const __m256d gx = _mm256_add_pd(_mm256_mul_pd(two, _mm256_add_pd(_mm256_sub_pd(
                    _mm256_mul_pd(_mm256_add_pd(w, pw), half), _mm256_mul_pd(tau, VMAX(w, pw))), pad)), s);
                const __m256d gy = _mm256_add_pd(_mm256_mul_pd(two, _mm256_add_pd(_mm256_sub_pd(
                    _mm256_mul_pd(_mm256_add_pd(h, ph), half), _mm256_mul_pd(tau, VMAX(h, ph))), pad)), s);
                // the product test
                const __m256d iw = _mm256_add_pd(VMAX(zero, VMIN(VMIN(w, pw), _mm256_mul_pd(_mm256_sub_pd(_mm256_add_pd(w, pw), ddx), half))), s);
                const __m256d ih = _mm256_add_pd(VMAX(zero, VMIN(VMIN(h, ph), _mm256_mul_pd(_mm256_sub_pd(_mm256_add_pd(h, ph), ddy), half))), s);
                const __m256d area = _mm256_mul_pd(share, VMAX(areaLo, _mm256_mul_pd(VMAX(zero, _mm256_sub_pd(pw, s)),
                                                                                      VMAX(zero, _mm256_sub_pd(ph, s)))));
                __m256d pass = _mm256_and_pd(near, _mm256_and_pd(_mm256_cmp_pd(ddx, gx, _CMP_LE_OQ), _mm256_cmp_pd(ddy, gy, _CMP_LE_OQ)));
                pass = _mm256_and_pd(pass, _mm256_cmp_pd(_mm256_mul_pd(iw, ih), area, _CMP_GE_OQ));
                int m = _mm256_movemask_pd(pass);
                while (m) {
                    out[k++] = ids[s0 + __builtin_ctz(m)];
                    m &= m - 1;
                }
            }
        }
    }
    return k;
}

#else
long trick_iou_window_scan(const double *quads, const int32_t *ids, const int32_t *cells, long rowFirst, long rowLast,
                           long colFirst, long colLast, long cellsX, const double *p, int32_t *out) {
    (void)quads; (void)ids; (void)cells; (void)rowFirst; (void)rowLast; (void)colFirst; (void)colLast; (void)cellsX; (void)p; (void)out;
    return 0;
}
#endif
