#!/usr/bin/env python3
"""The reference side of `make bench`: the same work as bench/<name>.trick, in the reference stack.

Usage: python tools/bench_kernels.py NAME [REPEATS [SIZE]]   (run by trick-bench; prints `min_ms X`,
`median_ms X`, `window T0 T1` and `check ...` lines). NAME is one of the keys of BENCHES; SIZE a
Python literal (a box count, or a shape tuple) for the kernels measured at several sizes, the same
literal the trick program gets as `SIZE`; `python tools/bench_kernels.py --probe` exits 0 when the
whole reference stack imports.

Timing is in-process (interpreter start-up and input generation excluded), as bench/_prelude.trick
times the trick side: one warm-up call, then at least REPEATS timed calls with time.perf_counter
and more until MIN_SECONDS have passed (at most 5000); the minimum and the median are reported, and
the timed window on the monotonic clock (perf_counter is CLOCK_MONOTONIC on Linux, as trick's), in
which trick-bench measures the CPU time other processes took. torch runs with its default thread
count (torch.get_num_threads(), 2 on the 2-core bench machine) and is reported as such.

Inputs: dense tensors (CE, OHEM, interpolate) come from torch.manual_seed(0) + randn/randint —
the trick side draws the same shapes and distributions from its own seeded stream (the numbers
differ, the work does not). Boxes come from an integer LCG evaluated with int64 tensor ops that
the trick programs evaluate identically, so nms / soft_nms / WBF see bit-identical boxes on both
sides and their `check` lines (kept counts) must agree.

Install the stack: tools/setup_reference_env.sh if present, else a virtualenv with
`pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu` and
`pip install mmengine mmsegmentation mmdet ensemble-boxes mmcv-lite` (mmcv-lite: no compiled ops,
so mmcv's soft_nms is unavailable and ensemble_boxes' soft_nms is the reference there).
"""
import ast
import statistics
import sys
import time

MIN_SECONDS = 0.5

P31 = 2147483647  # prime; squares of residues fit in int64


def uniform(n, stream):
    """n float32 values in [0, 1) from a quadratic hash mod 2^31-1 of (index, stream), in int64
    tensor arithmetic; the 24-bit result divides exactly, so the trick programs get the same floats."""
    import torch
    x = ((torch.arange(n) * 64 + stream) * 48271) % P31 + 1
    x = (x * x + 12345) % P31
    x = (x * x + 67890) % P31
    return (x % 16777216) / 16777216.0


def boxes_xyxy(n, stream, width=1000.0, height=800.0, smin=10.0, smax=100.0):
    cx = uniform(n, stream) * width
    cy = uniform(n, stream + 1) * height
    w = uniform(n, stream + 2) * (smax - smin) + smin
    h = uniform(n, stream + 3) * (smax - smin) + smin
    import torch
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)


WINDOW = [0.0, 0.0]


def timed(fn, repeats):
    """Returns (min_ms, median_ms); the timed window is left in WINDOW."""
    fn()  # warm-up
    ts = []
    start = time.perf_counter()
    while len(ts) < repeats or (time.perf_counter() - start < MIN_SECONDS and len(ts) < 5000):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    WINDOW[:] = [start, time.perf_counter()]
    return min(ts) * 1000.0, statistics.median(ts) * 1000.0


# Each bench returns (median_ms, check-string).

def bench_ce(repeats, size=(2, 19, 512, 1024)):
    import torch
    import torch.nn.functional as F
    n, c, h, w = size
    torch.manual_seed(0)
    logits = torch.randn(n, c, h, w)
    labels = torch.randint(0, c, (n, h, w))
    labels[torch.rand(n, h, w) < 0.1] = 255
    cw = torch.linspace(0.5, 1.5, c)
    out = {}

    def run():
        out['v'] = F.cross_entropy(logits, labels, weight=cw, ignore_index=255)
    ms = timed(run, repeats)
    return ms, f"loss {out['v'].item():.4f}"


def bench_ce_memory(repeats):
    """Peak RSS (ru_maxrss) with the CE inputs built, then after one CE call, in this process."""
    import resource
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    logits = torch.randn(2, 19, 512, 1024)
    labels = torch.randint(0, 19, (2, 512, 1024))
    labels[torch.rand(2, 512, 1024) < 0.1] = 255
    cw = torch.linspace(0.5, 1.5, 19)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    F.cross_entropy(logits, labels, weight=cw, ignore_index=255)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return 0.0, f"peak_kb {before} {after}"


class _Context:
    """The decode head the sampler reads `ignore_index` / `loss_decode` from."""
    def __init__(self):
        from mmseg.models.losses import CrossEntropyLoss
        self.ignore_index = 255
        self.loss_decode = CrossEntropyLoss(loss_weight=1.0)


def _ohem(repeats, thresh, size):
    """min_kept = H·W // 5 per image (104857 at 512×1024), so the work grows with the map."""
    import torch
    from mmseg.structures.sampler import OHEMPixelSampler
    n, c, h, w = size
    torch.manual_seed(0)
    logits = torch.randn(n, c, h, w)
    labels = torch.randint(0, c, (n, 1, h, w))
    labels[torch.rand(n, 1, h, w) < 0.1] = 255
    sampler = OHEMPixelSampler(_Context(), thresh=thresh, min_kept=h * w // 5)
    out = {}

    def run():
        out['w'] = sampler.sample(logits, labels)
    ms = timed(run, repeats)
    return ms, f"kept {int(out['w'].sum().item())}"


def bench_ohem_thresh(repeats, size=(2, 19, 512, 1024)):
    return _ohem(repeats, 0.7, size)


def bench_ohem_loss(repeats, size=(2, 19, 512, 1024)):
    return _ohem(repeats, None, size)


def _seg_batch(size):
    import torch
    n, c, h, w = size
    torch.manual_seed(0)
    logits = torch.randn(n, c, h, w)
    labels = torch.randint(0, c, (n, h, w))
    labels[torch.rand(n, h, w) < 0.1] = 255
    return logits, labels


def bench_lovasz(repeats, size=(2, 19, 512, 1024)):
    from mmseg.models.losses import LovaszLoss
    logits, labels = _seg_batch(size)
    loss = LovaszLoss(reduction='none')
    out = {}

    def run():
        out['l'] = loss(logits, labels, ignore_index=255)
    ms = timed(run, repeats)
    return ms, f"loss {round(float(out['l']), 3)}"


def bench_tversky(repeats, size=(2, 19, 512, 1024)):
    from mmseg.models.losses import TverskyLoss
    logits, labels = _seg_batch(size)
    loss = TverskyLoss()
    out = {}

    def run():
        out['l'] = loss(logits, labels)
    ms = timed(run, repeats)
    return ms, f"loss {round(float(out['l']), 3)}"


def bench_nms(repeats, size=20000):
    import torchvision
    b = boxes_xyxy(size, 0)
    s = uniform(size, 4)
    out = {}

    def run():
        out['k'] = torchvision.ops.nms(b, s, 0.5)
    ms = timed(run, repeats)
    return ms, f"kept {out['k'].numel()}"


def _soft_nms_input(n):
    b = boxes_xyxy(n, 8)
    b = (b / 1000.0).clamp(0, 1)  # ensemble_boxes works on normalised boxes
    return b, uniform(n, 12)


def bench_soft_nms(repeats, size=5000):
    from ensemble_boxes import soft_nms
    b, s = _soft_nms_input(size)
    bl, sl, ll = [b.double().numpy()], [s.double().numpy()], [s.new_zeros(size).double().numpy()]
    out = {}

    def run():
        out['r'] = soft_nms(bl, sl, ll, method=1, iou_thr=0.3, sigma=0.5, thresh=0.001)
    ms = timed(run, repeats)
    return ms, f"kept {len(out['r'][1])}"


def _wbf_input(models=5, n=1000):
    """A base set of n boxes, jittered per model (an ensemble's predictions agree roughly)."""
    base = boxes_xyxy(n, 20, width=1.0, height=1.0, smin=0.02, smax=0.2)
    labels = (uniform(n, 24) * 10).floor()
    bl, sl, ll = [], [], []
    for m in range(models):
        jit = (uniform(4 * n, 32 + 4 * m).reshape(n, 4) - 0.5) * 0.02
        bl.append((base + jit).clamp(0, 1).double().numpy())
        sl.append(uniform(n, 33 + 4 * m).double().numpy())
        ll.append(labels.double().numpy())
    return bl, sl, ll


def bench_wbf(repeats, size=(5, 1000)):
    from ensemble_boxes import weighted_boxes_fusion
    bl, sl, ll = _wbf_input(*size)
    out = {}

    def run():
        out['r'] = weighted_boxes_fusion(bl, sl, ll, iou_thr=0.55, skip_box_thr=0.0)
    ms = timed(run, repeats)
    return ms, f"fused {len(out['r'][1])}"


def _interpolate(repeats, size, mode, align_corners=None):
    import torch
    import torch.nn.functional as F
    n, c, h, w = size
    torch.manual_seed(0)
    x = torch.randn(n, c, h, w)
    out = {}

    def run():
        out['y'] = F.interpolate(x, size=(4 * h, 4 * w), mode=mode, align_corners=align_corners)
    ms = timed(run, repeats)
    return ms, f"shape {tuple(out['y'].shape)}"


def bench_interpolate(repeats, size=(2, 19, 128, 256)):
    return _interpolate(repeats, size, 'bilinear', False)


def bench_interpolate_ac(repeats, size=(2, 19, 128, 256)):
    return _interpolate(repeats, size, 'bilinear', True)


def bench_interpolate_nearest(repeats, size=(2, 19, 128, 256)):
    return _interpolate(repeats, size, 'nearest')


def bench_interpolate_bicubic(repeats, size=(2, 19, 128, 256)):
    return _interpolate(repeats, size, 'bicubic', False)


def _softmax(repeats, size, log):
    import torch
    n, c, h, w = size
    torch.manual_seed(0)
    x = torch.randn(n, c, h, w)
    out = {}

    def run():
        out['y'] = torch.log_softmax(x, dim=1) if log else torch.softmax(x, dim=1)
    ms = timed(run, repeats)
    if log:
        return ms, f"mean {round(out['y'].mean().item(), 2)}"
    return ms, f"sum {round(out['y'].sum().item() / (n * h * w), 3)}"


def bench_softmax(repeats, size=(2, 19, 512, 1024)):
    return _softmax(repeats, size, False)


def bench_log_softmax(repeats, size=(2, 19, 512, 1024)):
    return _softmax(repeats, size, True)


def skeleton():
    """~300 parameters: a ResNet-like backbone of conv/BN blocks, a decode head and an auxiliary head."""
    import torch.nn as nn

    class Block(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv = nn.Conv2d(c, c, 3, bias=False)
            self.bn = nn.BatchNorm2d(c)

    class Backbone(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = Block(8)
            self.pos_embed = nn.Parameter(torch_ones(4))
            self.layers = nn.Sequential(*[Block(8) for _ in range(92)])

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv_seg = nn.Conv2d(8, 5, 1)
            self.bottleneck = Block(8)
            self.norm = nn.LayerNorm(8)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = Backbone()
            self.decode_head = Head()
            self.auxiliary_head = Head()
    return Model()


def torch_ones(n):
    import torch
    return torch.ones(n)


def bench_param_groups(repeats):
    import logging
    from mmengine.logging import MMLogger
    from mmengine.optim import DefaultOptimWrapperConstructor
    # add_params logs every parameter at INFO; trick prints nothing, so time the work, not the log.
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    model = skeleton()
    cfg = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005))
    pw = dict(custom_keys={'head': dict(lr_mult=10.0), 'pos_embed': dict(decay_mult=0.0)},
              norm_decay_mult=0.0, bias_decay_mult=0.0)
    ctor = DefaultOptimWrapperConstructor(cfg, pw)
    out = {}

    def run():
        groups = []
        ctor.add_params(groups, model)
        out['g'] = groups
    ms = timed(run, repeats)
    n = sum(1 for _ in model.parameters())
    return ms, f"{n} params, {len(out['g'])} groups"


def _small_net(torch, nn, size=(8, 3, 64, 64)):
    backbone = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                             nn.Conv2d(8, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                             nn.Conv2d(8, 8, 3, padding=2, dilation=2, bias=False), nn.BatchNorm2d(8), nn.ReLU())
    head = nn.Conv2d(8, 4, 1)
    n, c, h, w = size
    x = torch.randn(n, c, h, w)
    y = torch.randint(0, 4, (n, h, w))
    y[torch.rand(n, h, w) < 0.1] = 255
    return backbone, head, x, y


def _convnet_step(size):
    """The small net of bench/convnet_fwd_bwd.trick at SIZE: (net, one forward + backward)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(0)
    backbone, head, x, y = _small_net(torch, nn, size)
    net = nn.Sequential(backbone, head)

    def run():
        net.zero_grad()
        loss = F.cross_entropy(F.interpolate(net(x), size=tuple(x.shape[2:]), mode='bilinear', align_corners=False), y,
                               ignore_index=255)
        loss.backward()
    return net, run


def bench_convnet_fwd_bwd(repeats, size=(8, 3, 64, 64)):
    """bench/convnet_fwd_bwd.trick: forward + backward of the small net at SIZE = (N, 3, H, W)."""
    net, run = _convnet_step(size)
    ms = timed(run, repeats)
    return ms, f"grads {len([p for p in net.parameters() if p.grad is not None])}"


def _mlp_step():
    """The MLP 784-256-10 of bench/mlp_fwd_bwd.trick at batch 128: (model, one forward + backward)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))

    def run():
        mlp.zero_grad()
        F.cross_entropy(mlp(x), y).backward()
    return mlp, run


def bench_mlp_fwd_bwd(repeats):
    """bench/mlp_fwd_bwd.trick: forward + backward of an MLP 784-256-10 at batch 128."""
    mlp, run = _mlp_step()
    ms = timed(run, repeats)
    return ms, f"grads {len([p for p in mlp.parameters() if p.grad is not None])}"



# The torch functions of decoder / head code (bench/conv_transpose.trick, grid_sample.trick,
# einsum.trick): forward + backward with the inputs requiring grad, loss = sum().

def bench_conv_transpose(repeats, size=(4, 64, 32, 32, 32, 2, 2, 0)):
    import torch
    import torch.nn as nn
    torch.manual_seed(0)
    n, c, h, w, co, k, s, p = size
    up = nn.ConvTranspose2d(c, co, k, stride=s, padding=p)
    x = torch.randn(n, c, h, w).requires_grad_(True)
    out = {}

    def run():
        up.zero_grad()
        x.grad = None
        out['y'] = up(x)
        out['y'].sum().backward()
    ms = timed(run, repeats)
    return ms, f"shape {list(out['y'].shape)}"


def bench_grid_sample(repeats, size=(4, 32, 64, 64)):
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    n, c, h, w = size
    x = torch.randn(n, c, h, w).requires_grad_(True)
    theta = torch.tensor([[0.9, 0.1, 0.05], [-0.1, 0.9, -0.05]]).repeat(n, 1, 1).requires_grad_(True)
    out = {}

    def run():
        x.grad = None
        theta.grad = None
        grid = F.affine_grid(theta, (n, c, h, w), align_corners=False)
        out['y'] = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
        out['y'].sum().backward()
    ms = timed(run, repeats)
    return ms, f"shape {list(out['y'].shape)}"


def bench_einsum(repeats, size=(2, 8, 256, 64)):
    import torch
    torch.manual_seed(0)
    b, hd, t, d = size
    q, k, v = (torch.randn(b, hd, t, d).requires_grad_(True) for _ in range(3))
    out = {}

    def run():
        q.grad = None
        k.grad = None
        v.grad = None
        a = torch.einsum('bhqd,bhkd->bhqk', q, k)
        out['y'] = torch.einsum('bhqk,bhkd->bhqd', a, v)
        out['y'].sum().backward()
    ms = timed(run, repeats)
    return ms, f"shape {list(out['y'].shape)}"

def _peaks_of(run):
    """ru_maxrss (KB) before `run`, after one call and after three more."""
    import resource
    peaks = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]
    run()
    peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    for _ in range(3):
        run()
    peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return 0.0, "peak_kb " + " ".join(str(p) for p in peaks)


def bench_convnet_memory(repeats, size=(8, 3, 128, 128)):
    """bench/convnet_memory.trick: peak RSS of the convnet's forward + backward at SIZE."""
    return _peaks_of(_convnet_step(size)[1])


def bench_mlp_memory(repeats):
    """bench/mlp_memory.trick: peak RSS of the MLP's forward + backward."""
    return _peaks_of(_mlp_step()[1])


def bench_train_step(repeats):
    """bench/train_step.trick: zero_grad, forward, backward, SGD (two groups), PolynomialLR step."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(0)
    backbone, head, x, y = _small_net(torch, nn)
    opt = torch.optim.SGD([{'params': backbone.parameters()}, {'params': head.parameters(), 'lr': 0.1}],
                          lr=0.01, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=100000, power=0.9)

    def run():
        opt.zero_grad()
        loss = F.cross_entropy(F.interpolate(head(backbone(x)), size=(64, 64), mode='bilinear', align_corners=False), y,
                               ignore_index=255)
        loss.backward()
        opt.step()
        sched.step()
    ms = timed(run, repeats)
    return ms, f"steps {sched.last_epoch}"


BENCHES = {
    'ce': bench_ce, 'ce_memory': bench_ce_memory, 'ohem_thresh': bench_ohem_thresh, 'ohem_loss': bench_ohem_loss,
    'lovasz': bench_lovasz, 'tversky': bench_tversky,
    'nms': bench_nms, 'soft_nms': bench_soft_nms, 'wbf': bench_wbf, 'interpolate': bench_interpolate,
    'interpolate_ac': bench_interpolate_ac, 'interpolate_nearest': bench_interpolate_nearest,
    'interpolate_bicubic': bench_interpolate_bicubic, 'softmax': bench_softmax, 'log_softmax': bench_log_softmax,
    'param_groups': bench_param_groups, 'convnet_fwd_bwd': bench_convnet_fwd_bwd, 'train_step': bench_train_step,
    'mlp_fwd_bwd': bench_mlp_fwd_bwd, 'convnet_memory': bench_convnet_memory, 'mlp_memory': bench_mlp_memory,
    'conv_transpose': bench_conv_transpose, 'grid_sample': bench_grid_sample, 'einsum': bench_einsum,
}


def main():
    if sys.argv[1:] == ['--probe']:
        import torch, torchvision, mmseg, mmdet, mmengine, ensemble_boxes  # noqa: F401
        print(f"torch {torch.__version__} threads {torch.get_num_threads()}")
        return
    name = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if len(sys.argv) > 3:
        ms, check = BENCHES[name](repeats, ast.literal_eval(sys.argv[3]))
    else:
        ms, check = BENCHES[name](repeats)
    if not isinstance(ms, tuple):
        ms = (ms, ms)
    print(f"min_ms {ms[0]:.4f}")
    print(f"median_ms {ms[1]:.4f}")
    print(f"window {WINDOW[0]:.6f} {WINDOW[1]:.6f}")
    print(f"check {check}")


if __name__ == '__main__':
    main()
