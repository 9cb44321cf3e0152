// The AVX2/FMA micro-kernel of trick's GEMM. Compiled for AVX2 by a function attribute and only
// called after `trick_has_avx2_fma()` says the CPU has it, so the build needs no -m flags.
#include "CTrickKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

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
    float tmp[4][16];
    _mm256_storeu_ps(tmp[0], c00); _mm256_storeu_ps(tmp[0] + 8, c01);
    _mm256_storeu_ps(tmp[1], c10); _mm256_storeu_ps(tmp[1] + 8, c11);
    _mm256_storeu_ps(tmp[2], c20); _mm256_storeu_ps(tmp[2] + 8, c21);
    _mm256_storeu_ps(tmp[3], c30); _mm256_storeu_ps(tmp[3] + 8, c31);
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (accumulate) {
            for (int q = 0; q < cols; q++) row[q] += tmp[r][q];
        } else {
            for (int q = 0; q < cols; q++) row[q] = tmp[r][q];
        }
    }
}
#else
int trick_has_avx2_fma(void) { return 0; }
void trick_sgemm_kernel_4x16(const float *a, const float *b, long k, float *c, long ldc,
                             int rows, int cols, int accumulate) {
    (void)a; (void)b; (void)k; (void)c; (void)ldc; (void)rows; (void)cols; (void)accumulate;
}
#endif
