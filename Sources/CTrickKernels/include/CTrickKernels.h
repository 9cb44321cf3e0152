#ifndef CTRICKKERNELS_H
#define CTRICKKERNELS_H

/// 1 when the CPU has AVX2 and FMA (then `trick_sgemm_kernel_4x16` may be called).
int trick_has_avx2_fma(void);

/// The 4×16 register block of trick's float32 GEMM (Sources/TrickCore/Autograd/Gemm.swift):
/// `a` is a packed k×4 panel, `b` a packed k×16 panel; the 64 sums over p = 0..<k (in order, one
/// fused multiply-add each) are stored into (or, with `accumulate`, added to) the top-left
/// `rows`×`cols` corner of `c` (row stride `ldc`).
void trick_sgemm_kernel_4x16(const float *a, const float *b, long k, float *c, long ldc,
                             int rows, int cols, int accumulate);

#endif
