// The store of GEMM's 4×16 register block, shared by gemm_avx2.c and conv_transpose_avx2.c
// (x86-64 only; include after <immintrin.h>).
#ifndef TRICK_STORE_BLOCK_4X16_H
#define TRICK_STORE_BLOCK_4X16_H

/// Writes (or, with `accumulate`, adds) the first `rows` × `cols` of a 4×16 block of results
/// (v[2r], v[2r+1]: row r's two halves) to C: whole rows with vector stores, a partial width
/// through a buffer. A float32 add is the same in a vector lane as in a scalar.
__attribute__((target("avx2,fma"), always_inline))
static inline void store_block_4x16(const __m256 v[8], float *c, long ldc, int rows, int cols, int accumulate) {
    if (cols == 16) {
        for (int r = 0; r < rows; r++) {
            float *row = c + r * ldc;
            __m256 lo = v[2 * r], hi = v[2 * r + 1];
            if (accumulate) {
                lo = _mm256_add_ps(_mm256_loadu_ps(row), lo);
                hi = _mm256_add_ps(_mm256_loadu_ps(row + 8), hi);
            }
            _mm256_storeu_ps(row, lo);
            _mm256_storeu_ps(row + 8, hi);
        }
        return;
    }
    float tmp[4][16];
    for (int r = 0; r < 4; r++) { _mm256_storeu_ps(tmp[r], v[2 * r]); _mm256_storeu_ps(tmp[r] + 8, v[2 * r + 1]); }
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (accumulate) {
            for (int q = 0; q < cols; q++) row[q] += tmp[r][q];
        } else {
            for (int q = 0; q < cols; q++) row[q] = tmp[r][q];
        }
    }
}

#endif
