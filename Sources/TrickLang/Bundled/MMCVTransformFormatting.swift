/// mmcv.transforms.formatting (mmcv 2.1) in trick: `to_tensor(data)` and the `ToTensor(keys)`
/// transform (dotted keys reach into nested dicts). `ImageToTensor` is trick's built-in.
enum MMCVTransformFormatting {
    static let exported = ["to_tensor", "ToTensor"]
    static let registered = ["ToTensor"]

    static let source = #"""
import numpy as np
import torch

from mmcv.transforms import BaseTransform
from mmcv.transforms.builder import TRANSFORMS


def to_tensor(data):
    """mmcv's to_tensor: a tensor is returned as it is; a numpy array becomes a tensor
    (torch.from_numpy), a list or tuple torch.tensor(data), an int a LongTensor and a float a
    FloatTensor of one element; anything else (a str too) is a TypeError."""
    if type(data) == np.ndarray:   # (trick's isinstance does not know np.ndarray yet)
        return torch.from_numpy(data)
    if isinstance(data, torch.Tensor):
        return data
    if isinstance(data, (list, tuple, range)):
        return torch.tensor(data)
    if isinstance(data, int):
        return torch.LongTensor([data])
    if isinstance(data, float):
        return torch.FloatTensor([data])
    raise TypeError(f'type {type(data)} cannot be converted to tensor.')


@TRANSFORMS.register_module()
class ToTensor(BaseTransform):
    """mmcv's ToTensor: each key of `keys` (a dotted key names an item of nested dicts) converted
    with to_tensor; a key not in the results is a KeyError."""

    def __init__(self, keys):
        self.keys = keys

    def transform(self, results):
        for key in self.keys:
            *path, last = key.split('.')
            owner = results
            for part in path:
                if part not in owner:
                    raise KeyError(f'Can not find key {key}')
                owner = owner[part]
            if last not in owner:
                raise KeyError(f'Can not find key {key}')
            owner[last] = to_tensor(owner[last])
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(keys={self.keys})'
"""#
}
