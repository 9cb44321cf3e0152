/// torch.nn's `ReflectionPad2d` and `ReplicationPad2d` in trick (what MMCV's `ConvModule` builds
/// for `padding_mode='reflect'` / `'replicate'`): the padding an int or (left, right, top,
/// bottom), the border made of slices of the input (flipped for reflection, the edge row or
/// column repeated for replication) so gradients flow back to the pixels copied. As torch, a
/// reflection amount must be smaller than the padded dimension; negative amounts are refused.
enum TorchPaddingModules {
    static let exported = ["ReflectionPad2d", "ReplicationPad2d"]

    static let source = #"""
import torch
from torch.nn import Module


def _quadruple(padding, name):
    if isinstance(padding, int):
        padding = (padding, padding, padding, padding)
    padding = tuple(padding)
    if len(padding) != 4 or not all(isinstance(p, int) for p in padding):
        raise ValueError(f'{name}: padding must be an int or 4 ints (left, right, top, bottom), got {padding}')
    if any(p < 0 for p in padding):
        raise ValueError(f'{name}: negative padding {padding} is not supported in trick')
    return padding


def _reflect(x, before, after, dim):
    size = x.shape[dim]
    if before >= size or after >= size:
        raise RuntimeError(f'Padding size should be less than the corresponding input dimension, but got: '
                           f'padding ({before}, {after}) at dimension {dim % x.dim()} of input {list(x.shape)}')
    parts = []
    if before > 0:
        parts.append(x.narrow(dim, 1, before).flip(dim))
    parts.append(x)
    if after > 0:
        parts.append(x.narrow(dim, size - 1 - after, after).flip(dim))
    return torch.cat(parts, dim) if len(parts) > 1 else x


def _replicate(x, before, after, dim):
    size = x.shape[dim]
    if size == 0 and before + after > 0:
        raise RuntimeError(f'ReplicationPad2d: input dimension {dim % x.dim()} is empty')
    parts = [x.narrow(dim, 0, 1)] * before + [x] + [x.narrow(dim, size - 1, 1)] * after
    return torch.cat(parts, dim) if len(parts) > 1 else x


class _Pad2d(Module):
    """The 2-D padding modules: `_pad` extends one dimension, the last (left, right) first."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding, type(self).__name__)

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f'{type(self).__name__}: expected 3D or 4D input, got {input.dim()}D input')
        left, right, top, bottom = self.padding
        return self._pad(self._pad(input, left, right, -1), top, bottom, -2)

    def __repr__(self):
        return f'{type(self).__name__}({self.padding})'


class ReflectionPad2d(_Pad2d):
    """torch.nn.ReflectionPad2d: the input mirrored at its borders (the edge not repeated)."""

    def _pad(self, x, before, after, dim):
        return _reflect(x, before, after, dim)


class ReplicationPad2d(_Pad2d):
    """torch.nn.ReplicationPad2d: the edge rows and columns repeated outwards."""

    def _pad(self, x, before, after, dim):
        return _replicate(x, before, after, dim)
"""#
}
