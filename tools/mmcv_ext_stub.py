"""Stub for ``mmcv._ext`` (the compiled extension that mmcv-lite lacks).

Installed by tools/setup_reference_env.sh as <site-packages>/mmcv/_ext.py so
that ``import mmcv.ops`` and the pure-Python parts of mmseg / mmdet import.

* ``nms`` is forwarded to ``torchvision.ops.nms`` (only for offset=0, which is
  what mmdet/mmseg use; same semantics as mmcv's CPU kernel: sort scores
  descending, drop boxes with IoU > threshold).
* Every other compiled op (softnms, roi_align, deform_conv, ...) resolves to a
  function that raises NotImplementedError when *called*, so
  ``mmcv.utils.ext_loader.load_ext``'s hasattr() checks pass at import time.
"""
import torch

MMCV_EXT_IS_STUB = True


def nms(bboxes, scores, iou_threshold=0.5, offset=0):
    if offset != 0:
        raise NotImplementedError(
            'mmcv._ext stub: nms only supports offset=0 (torchvision.ops.nms)')
    import torchvision
    if bboxes.numel() == 0:
        return bboxes.new_zeros((0, ), dtype=torch.long)
    return torchvision.ops.nms(bboxes.float(), scores.float(),
                               float(iou_threshold))


def __getattr__(name):
    if name.startswith('__'):
        raise AttributeError(name)

    def _unavailable(*args, **kwargs):
        raise NotImplementedError(
            f'mmcv._ext.{name} is a compiled mmcv op; not available with '
            'mmcv-lite (stub installed by tools/setup_reference_env.sh)')

    _unavailable.__name__ = name
    return _unavailable
