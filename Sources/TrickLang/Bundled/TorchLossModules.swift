/// torch.nn's loss modules (`nn.CrossEntropyLoss(weight=…, ignore_index=…)`, `nn.BCEWithLogitsLoss`,
/// `nn.MSELoss`, `nn.L1Loss`, `nn.SmoothL1Loss`, `nn.NLLLoss`, `nn.BCELoss`, `nn.KLDivLoss`,
/// `nn.HuberLoss`; and `nn.CosineSimilarity`) in trick: nn.Module subclasses whose forward is
/// the torch.nn.functional function trick has, with torch's signatures — distinct from mmseg's
/// `CrossEntropyLoss`. `weight`/`pos_weight` are buffers, as torch registers them.
enum TorchLossModules {
    static let exported = ["CrossEntropyLoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "NLLLoss", "BCELoss",
                           "KLDivLoss", "HuberLoss", "CosineSimilarity"]

    static let source = #"""
import warnings

import torch.nn.functional as F
from torch.nn import Module


def _legacy_reduction(size_average, reduce):
    # torch's _Reduction.legacy_get_string
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='mean' instead.")
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return 'mean'
    return 'sum' if reduce else 'none'


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction='mean'):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer('weight', weight)


class CrossEntropyLoss(_WeightedLoss):
    """torch.nn.CrossEntropyLoss: F.cross_entropy with these options."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction='mean', label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def __repr__(self):
        return 'CrossEntropyLoss()'


class BCEWithLogitsLoss(_Loss):
    """torch.nn.BCEWithLogitsLoss: F.binary_cross_entropy_with_logits with these options."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer('weight', weight)
        self.register_buffer('pos_weight', pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)

    def __repr__(self):
        return 'BCEWithLogitsLoss()'


class MSELoss(_Loss):
    """torch.nn.MSELoss: F.mse_loss."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)

    def __repr__(self):
        return 'MSELoss()'


class L1Loss(_Loss):
    """torch.nn.L1Loss: F.l1_loss."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)

    def __repr__(self):
        return 'L1Loss()'


class SmoothL1Loss(_Loss):
    """torch.nn.SmoothL1Loss: F.smooth_l1_loss with beta."""

    def __init__(self, size_average=None, reduce=None, reduction='mean', beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def __repr__(self):
        return 'SmoothL1Loss()'


class NLLLoss(_WeightedLoss):
    """torch.nn.NLLLoss: F.nll_loss with these options."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)

    def __repr__(self):
        return 'NLLLoss()'


class BCELoss(_WeightedLoss):
    """torch.nn.BCELoss: F.binary_cross_entropy with these options."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)

    def __repr__(self):
        return 'BCELoss()'


class KLDivLoss(_Loss):
    """torch.nn.KLDivLoss: F.kl_div (reduction 'batchmean', log_target)."""

    def __init__(self, size_average=None, reduce=None, reduction='mean', log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def __repr__(self):
        return 'KLDivLoss()'


class HuberLoss(_Loss):
    """torch.nn.HuberLoss: F.huber_loss with delta."""

    def __init__(self, reduction='mean', delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    def __repr__(self):
        return 'HuberLoss()'


class CosineSimilarity(Module):
    """torch.nn.CosineSimilarity: F.cosine_similarity along dim."""

    def __init__(self, dim=1, eps=1e-08):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)

    def __repr__(self):
        return 'CosineSimilarity()'
"""#
}
