#ifndef TRICK_CONV_GRID_KERNELS_H
#define TRICK_CONV_GRID_KERNELS_H
#include <stdint.h>

/// The 4×16 GEMM block (as `trick_sgemm_kernel_4x16`) with its four A rows read in place from
/// rows of planes: k runs over `segs` segments of `len` steps; in segment s, row r's element x is
/// `a_r[s·pitch + x]`, B (a packed panel) advances 16 floats a step. One fused multiply-add per
/// step, in order, `a` the broadcast operand — the same sums, bit for bit, as the packed kernel
/// on those values. Rows ≥ `rows` are neither read nor stored (pass any pointer).
/// `ConvTransposePhases`' weight gradient; call only when `trick_has_avx2_fma()`.
void trick_sgemm_kernel_4x16_segments(const float *a0, const float *a1, const float *a2, const float *a3,
                                      long pitch, long len, long segs, const float *b,
                                      float *c, long ldc, int rows, int cols, int accumulate);

/// `trick_sgemm_kernel_4x16` with B read in place: row p of the k × 16 panel is the 16 floats at
/// `base + offs[p]` (a stride-1 patch row; columns ≥ `cols` are read but not stored, so 16 floats
/// must be readable there). The same fused multiply-adds in the same order — the same bits.
void trick_sgemm_kernel_4x16_rows(const float *a, const float *base, const long *offs, long k,
                                  float *c, long ldc, int rows, int cols, int accumulate);

/// AVX-512 builds of the two kernels above for 8 rows (gemm_avx512.c): one 512-bit sum per row,
/// the same fused multiply-adds in the same order — the same bits as two 4×16 blocks. `rows` ≤ 8;
/// `_rows`: rows 0..<4 from the packed k × 4 panel `a0`, rows 4..<8 from `a1`; `_segments`: row r
/// from `a[r]` (only the first `rows` are read). Call only when `trick_has_avx512()`.
void trick_sgemm_kernel_8x16_rows_avx512(const float *a0, const float *a1, const float *base, const long *offs, long k,
                                         float *c, long ldc, int rows, int cols, int accumulate);
void trick_sgemm_kernel_8x16_segments_avx512(const float *const *a, long pitch, long len, long segs, const float *b,
                                             float *c, long ldc, int rows, int cols, int accumulate);

/// The forward's output of `rows` channels for `count` (≤ 16·sx) consecutive output columns:
/// `dst[r·ldd + m] = tile[((rho0 + m) mod sx)·phase_stride + r·16 + m / sx] (+ bias[r])` — the
/// phases' 16-wide tiles interleaved. Plain copies and float32 adds (vector stores when sx = 2).
void trick_phase_interleave(const float *tile, long phase_stride, int sx, int rho0, long rows, long count,
                            const float *bias, float *dst, long ldd);

/// One output row of ∂output split by column phase: for px < sx and u < dw,
/// `dst[px·plane_stride + u] = src[(u + tlo)·sx + px]` when that column is inside 0..<ow, else 0.
void trick_phase_split_row(const float *src, long ow, int sx, long tlo, long dw, float *dst, long plane_stride);

/// Bilinear grid_sample (grid_sample_avx2.c) over a table of an image's `points` output locations,
/// in groups of 8 (g = o / 8, l = o % 8): tap t's offset in the plane (−1 outside) at
/// `off[32g + 8t + l]`, its weight at `tab[96g + 8t + l]`, the weight's derivatives by the source
/// x and y at `+ 32` and `+ 64`; input rows `w` floats wide. The arithmetic of
/// `Variable.gridSample`'s Swift loops, bit for bit: multiplies and adds in the same order, outside
/// taps skipped. Call only when `trick_has_avx2_fma()`.
/// Forward of planes `first..<last` (each `plane` floats in, `points` out).
void trick_grid_sample_forward(const float *x, long plane, long w, const int32_t *off, const float *tab, long points,
                               long first, long last, float *out);
/// Backward of one image of `c` channels: ∂input += w·g (scattered point after point, taps in
/// order), and the grid's unscaled derivatives by x in `gi[o]` and by y in `gi[points + o]` (sums
/// over channels, then taps) from the image's `points` output locations. Channel after channel
/// over all the points (not blocks of points under a channel loop: planes a multiple of 4 KB
/// apart would evict each other from L1).
void trick_grid_sample_backward(const float *x, const float *g, long c, long plane, long w, const int32_t *off, const float *tab,
                                long points, float *gx, float *gi);

/// `F.affine_grid` in float32 (grid_sample_avx2.c): out[b, y, x, j] is the fused multiply-add chain
/// θ[b, j, 0]·xs[x], θ[b, j, 1]·ys[y], θ[b, j, 2]·1 from +0 — what the GEMM kernel computes for
/// the base grid (x, y, 1) times θᵀ, bit for bit. The backward: ∂θ[b, j, k] = the chain over
/// pixels in order of base[p, k]·g[b, p, j] from +0 (the kernel's product baseᵀ·g).
void trick_affine_grid_f32(const float *xs, long w, const float *ys, long h, const float *theta, long n, float *out);
void trick_affine_grid_backward_f32(const float *xs, long w, const float *ys, long h, const float *g, long n, float *gtheta);

#endif
