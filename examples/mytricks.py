"""A user's own module, imported by 00_language_tour.trick: a loss and a transform deriving
from the libraries' types, registered so that configs can name them."""
from mmcv.transforms import BaseTransform
from mmcv.transforms.builder import TRANSFORMS
from mmseg.models.losses import CrossEntropyLoss
from mmseg.registry import MODELS


@MODELS.register_module()
class ScaledCE(CrossEntropyLoss):
    """Cross-entropy times a constant (a stand-in for any re-weighting trick)."""

    def __init__(self, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def forward(self, cls_score, label, **kwargs):
        return self.scale * super().forward(cls_score, label, **kwargs)


@TRANSFORMS.register_module()
class ClipLabels(BaseTransform):
    """Maps every label above `num_classes - 1` to the ignore index."""

    def __init__(self, num_classes, ignore_index=255):
        super().__init__()
        self.num_classes = num_classes
        self.ignore_index = ignore_index

    def transform(self, results):
        seg = results['gt_seg_map']
        results['gt_seg_map'] = seg.masked_fill(seg >= self.num_classes, self.ignore_index)
        return results
