#ifndef CTRICKKERNELS_H
#define CTRICKKERNELS_H
#include <stdint.h>

/// The Ctrl-C flag behind `trickInterruptRequested` (Sources/TrickCore/Tensor/Interrupt.swift):
/// set by the SIGINT handler, polled at the interpreter's calls and loop back-edges and in long
/// kernels. Relaxed atomic loads and stores, inline: a plain move on x86 with no call, and never
/// hoisted out of a loop.
extern int trick_interrupt_flag;
static inline int trick_interrupt_load(void) { return __atomic_load_n(&trick_interrupt_flag, __ATOMIC_RELAXED); }
static inline void trick_interrupt_store(int value) { __atomic_store_n(&trick_interrupt_flag, value, __ATOMIC_RELAXED); }

/// 1 when the CPU has AVX2 and FMA (then `trick_sgemm_kernel_4x16` may be called).
int trick_has_avx2_fma(void);

/// The 4×16 register block of trick's float32 GEMM (Sources/TrickCore/Autograd/Gemm.swift):
/// `a` is a packed k×4 panel, `b` a packed k×16 panel; the 64 sums over p = 0..<k (in order, one
/// fused multiply-add each) are stored into (or, with `accumulate`, added to) the top-left
/// `rows`×`cols` corner of `c` (row stride `ldc`).
void trick_sgemm_kernel_4x16(const float *a, const float *b, long k, float *c, long ldc,
                             int rows, int cols, int accumulate);

/// The same block reading op(A) in place: element (r, p) at `a[r·ars + p·aps]` (no packed
/// panel), B's rows `ldb` floats apart (16 for a packed panel, n for B itself); rows ≥ `rows` are
/// neither read nor stored. The same sums, bit for bit, as the packed kernel.
void trick_sgemm_kernel_4x16_direct(const float *a, long ars, long aps, const float *b, long ldb, long k,
                                    float *c, long ldc, int rows, int cols, int accumulate);

/// The 8×32 block of the same GEMM for AVX-512 (gemm_avx512.c): rows 0..<4 of op(A) at
/// `a0[r·ars + p·aps]`, rows 4..<8 at `a1[(r−4)·ars + p·aps]`; columns 0..<16 from the k × 16 panel
/// `b0`, 16..<32 from `b1` (rows `ldb` floats apart); the first `rows` × `cols` stored into (or,
/// with `accumulate`, added to) `c`. With `resume` (never with `accumulate`) the sums start from
/// the block's values in `c` rather than 0: a product cut along k into consecutive ranges, each
/// range's call resuming the previous one's sums, makes the same fused multiply-add chain per
/// element as one call over the whole k — the chain of `trick_sgemm_kernel_4x16`: the same bits.
/// Rows ≥ `rows` are not read. Call only when `trick_has_avx512()`.
void trick_sgemm_kernel_8x32_avx512(const float *a0, const float *a1, long ars, long aps,
                                    const float *b0, const float *b1, long ldb, long k,
                                    float *c, long ldc, int rows, int cols, int accumulate, int resume);

/// GEMM's packing of a transposed operand: `dst[p·16 + q] = b[q·ldb + p]` for p < k, q < w (≤ 16),
/// 0 for w ≤ q < 16 — 16 rows of `b` (k contiguous floats each) as a k × 16 panel, 8×8 blocks
/// transposed in registers. Call only when `trick_has_avx2_fma()`.
void trick_sgemm_pack_transposed_16(const float *b, long ldb, long k, int w, float *dst);

/// AVX2 builds of per-block softmax loops (softmax_avx2.c), each the same per-lane arithmetic as
/// its Swift kernel (bit for bit); call only when `trick_has_avx2_fma()`. `len` ≤ 256.
/// `Tensor.softmaxBlocked` for one block of `len` lanes of `n` classes `inner` apart.
void trick_softmax_block_f32(const float *x, float *y, long n, long inner, long len);
/// The same loops built for AVX-512 (the same bits); call only when `trick_has_avx512()`.
void trick_softmax_block_f32_avx512(const float *x, float *y, long n, long inner, long len);
/// `PixelSoftmax.forEachBlockFloat32`'s statistics of one block: max and Σ exp(x − max) per pixel.
void trick_lse_stats_f32(const float *img, long c, long s, long len, double *mx, double *se);
/// `FastLog.logAtLeastOne` in place.
void trick_log_at_least_one(double *x, long len);
/// `Tensor.logSoftmaxBlocked` for one block: float32 sums of `exp_nonpositive_fused`, x − max − log.
void trick_log_softmax_block_f32(const float *x, float *y, long n, long inner, long len);
/// The same loops built for AVX-512 (the same bits); call only when `trick_has_avx512()`.
void trick_log_softmax_block_f32_avx512(const float *x, float *y, long n, long inner, long len);
/// 1 when the CPU and OS support AVX-512 F/VL/DQ/BW, AVX2 and FMA.
int trick_has_avx512(void);
/// `CrossEntropy.perElement` for one block of `len` pixels of float32 logits (`img`: the block's
/// class-0 logits, classes `s` apart): losses of the non-ignored pixels into `out`, and the block's
/// Σ loss, Σ weight[label] into `sums[0]`, `sums[1]` (four interleaved partial sums).
void trick_ce_block_f32(const float *img, long c, long s, long len, const int64_t *labels, int64_t ignore,
                        const double *weights, float *out, double *sums);
/// 1 when every one of `count` labels is `ignore` or in [0, c), else 0.
int trick_labels_valid(const int64_t *labels, long count, int64_t ignore, long c);

/// Interpolation kernels (interpolate_avx2.c).
#include "interpolate_kernels.h"

/// Transposed-convolution and grid-sample kernels (conv_transpose_avx2.c, grid_sample_avx2.c).
#include "conv_grid_kernels.h"

/// Batch norm's sums (batchnorm_avx2.c) for the four channels ch0..<ch0+4 of (n, c, s) float32
/// data, one channel per lane, each lane the serial double loop over images and pixels of
/// `Variable.batchNorm` (bit for bit): `out[q] = Σ (x − mean[q])²`; and, with the gradient `g`,
/// `sum[q] = Σ g`, `dot[q] = Σ (x − mean[q])·g`. Call only when `trick_has_avx2_fma()`.
void trick_bn_square_sums4(const float *x, long n, long c, long s, long ch0, const double *mean, double *out);
void trick_bn_grad_sums4(const float *x, const float *g, long n, long c, long s, long ch0, const double *mean,
                         double *sum, double *dot);

/// `IoUWindowIndex`'s filter (iou_window_avx2.c) over the cells `row·cellsX + col` (rows
/// rowFirst...rowLast, columns colFirst...colLast; `cells`: (start, count, room) triples, `quads`
/// and `ids` its slots) for the query `p` = (cx, cy, w, h, dx, dy, wLo, wHi, hLo, hHi, slack, pad,
/// tau, areaLo, share): writes the ids of the passing slots to `out` (room for every slot of the
/// cells) in slot order and returns their number. Call only when `trick_has_avx2_fma()`.
long trick_iou_window_scan(const double *quads, const int32_t *ids, const int32_t *cells, long rowFirst, long rowLast,
                           long colFirst, long colLast, long cellsX, const double *p, int32_t *out);

/// glibc: every block from one heap (`M_ARENA_MAX` 1, `M_MMAP_MAX` 0: no per-thread arenas, no
/// mapping of its own for a large block), whose free top is returned to the kernel only above
/// `trim_threshold` bytes (TrickCore.Allocator). A no-op with another C library.
void trick_malloc_keep_freed(int trim_threshold);

#endif
