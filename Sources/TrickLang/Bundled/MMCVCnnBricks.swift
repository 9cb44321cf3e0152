/// mmcv.cnn's layer builders (mmcv 2.1, `mmcv/cnn/bricks/{conv,norm,activation,padding}.py`) in
/// trick, as one module `mmcv.cnn.bricks.builders` (mmcv.cnn and mmcv.cnn.bricks re-export it): the registrations MMCV makes in `MODELS` (`Conv`/`Conv1d`/`Conv2d`/`Conv3d`; `BN`,
/// `BN1d`–`BN3d`, `SyncBN`, `GN`, `LN`, `IN`, `IN1d`–`IN3d`; `ReLU`, `LeakyReLU`, `PReLU`,
/// `ReLU6`, `ELU`, `Sigmoid`, `Tanh`, `SiLU`, `GELU`, `HSwish` (torch's Hardswish), `HSigmoid`,
/// `Swish`, `Clamp`/`Clip`; `zero`, `reflect`, `replicate`), `build_conv_layer`,
/// `build_norm_layer` (the `(name, layer)` pair: `bn`, `gn`, `ln`, `in` — or the class's
/// `_abbr_` — plus the postfix; `requires_grad` and `eps=1e-5` as MMCV sets them),
/// `build_activation_layer`, `build_padding_layer`, `infer_abbr` and `is_norm`.
/// Where trick differs: no `RReLU` (trick has no random activation), and a type name is looked
/// up in trick's one registry table (MMCV switches to the default scope's registry first).
enum MMCVCnnBricks {
    static let exported = ["build_conv_layer", "build_norm_layer", "build_activation_layer", "build_padding_layer",
                           "infer_abbr", "is_norm", "HSigmoid", "HSwish", "Swish", "Clamp"]
    /// What a config may name before mmcv.cnn is imported (building one imports it).
    static let registered = ["Conv", "BN", "BN1d", "BN2d", "BN3d", "SyncBN", "GN", "LN", "IN", "IN1d", "IN2d", "IN3d",
                             "HSwish", "HSigmoid", "Swish", "Clamp", "Clip", "zero", "reflect", "replicate"]

    static let source = #"""
import warnings

import torch
import torch.nn as nn
from mmengine.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

MODELS.register_module('Conv1d', module=nn.Conv1d)
MODELS.register_module('Conv2d', module=nn.Conv2d)
MODELS.register_module('Conv3d', module=nn.Conv3d)
MODELS.register_module('Conv', module=nn.Conv2d)

MODELS.register_module('BN', module=nn.BatchNorm2d)
MODELS.register_module('BN1d', module=nn.BatchNorm1d)
MODELS.register_module('BN2d', module=nn.BatchNorm2d)
MODELS.register_module('BN3d', module=nn.BatchNorm3d)
MODELS.register_module('SyncBN', module=nn.SyncBatchNorm)
MODELS.register_module('GN', module=nn.GroupNorm)
MODELS.register_module('LN', module=nn.LayerNorm)
MODELS.register_module('IN', module=nn.InstanceNorm2d)
MODELS.register_module('IN1d', module=nn.InstanceNorm1d)
MODELS.register_module('IN2d', module=nn.InstanceNorm2d)
MODELS.register_module('IN3d', module=nn.InstanceNorm3d)

for _name in ['ReLU', 'LeakyReLU', 'PReLU', 'ReLU6', 'ELU', 'Sigmoid', 'Tanh', 'SiLU', 'GELU']:
    MODELS.register_module(_name, module=getattr(nn, _name))
MODELS.register_module('HSwish', module=nn.Hardswish)

MODELS.register_module('zero', module=nn.ZeroPad2d)
MODELS.register_module('reflect', module=nn.ReflectionPad2d)
MODELS.register_module('replicate', module=nn.ReplicationPad2d)


@MODELS.register_module(name='Clip')
@MODELS.register_module()
class Clamp(nn.Module):
    """mmcv's Clamp: torch.clamp(x, min, max)."""

    def __init__(self, min=-1., max=1.):
        super().__init__()
        self.min = min
        self.max = max

    def forward(self, x):
        return torch.clamp(x, min=self.min, max=self.max)


@MODELS.register_module()
class HSigmoid(nn.Module):
    """mmcv's HSigmoid: ((x + bias) / divisor) clamped to [min_value, max_value]."""

    def __init__(self, bias=3.0, divisor=6.0, min_value=0.0, max_value=1.0):
        super().__init__()
        warnings.warn('In MMCV v1.4.4, we modified the default value of args to align with PyTorch official. '
                      'Previous Implementation: Hsigmoid(x) = min(max((x + 1) / 2, 0), 1). '
                      'Current Implementation: Hsigmoid(x) = min(max((x + 3) / 6, 0), 1).')
        self.bias = bias
        self.divisor = divisor
        assert self.divisor != 0
        self.min_value = min_value
        self.max_value = max_value

    def forward(self, x):
        x = (x + self.bias) / self.divisor
        return x.clamp(self.min_value, self.max_value)


class HSwish(nn.Module):
    """mmcv's HSwish: x * ReLU6(x + 3) / 6 (MODELS' 'HSwish' is torch's Hardswish, as in mmcv)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.act = nn.ReLU6(inplace)

    def forward(self, x):
        return x * self.act(x + 3) / 6


@MODELS.register_module()
class Swish(nn.Module):
    """mmcv's Swish: x * sigmoid(x)."""

    def forward(self, x):
        return x * torch.sigmoid(x)


def _layer_class(cfg, what):
    # the cfg's type, as mmcv resolves it: a class is used as it is, a name is looked up in MODELS
    layer_type = cfg.pop('type')
    if not isinstance(layer_type, str):
        return layer_type, layer_type
    layer = MODELS.get(layer_type)
    if layer is None:
        raise KeyError(f'Cannot find {layer_type} in registry under scope name mmengine ({what} layer)')
    return layer_type, layer


def _copied_cfg(cfg):
    if not isinstance(cfg, dict):
        raise TypeError('cfg must be a dict')
    if 'type' not in cfg:
        raise KeyError('the cfg dict must contain the key "type"')
    return cfg.copy()


def build_conv_layer(cfg, *args, **kwargs):
    """The conv layer `cfg` names (None: Conv2d), built with args, kwargs and the cfg's other keys."""
    cfg_ = dict(type='Conv2d') if cfg is None else _copied_cfg(cfg)
    _, conv_layer = _layer_class(cfg_, 'conv')
    return conv_layer(*args, **kwargs, **cfg_)


def infer_abbr(class_type):
    """The name a norm layer gets in its parent: the class's `_abbr_`, else by its base class
    (in, bn, gn, ln), else by its name, else 'norm_layer'."""
    if not callable(class_type):
        raise TypeError(f'class_type must be a type, but got {type(class_type)}')
    if hasattr(class_type, '_abbr_'):
        return class_type._abbr_
    if issubclass(class_type, _InstanceNorm):
        return 'in'
    elif issubclass(class_type, _BatchNorm):
        return 'bn'
    elif issubclass(class_type, nn.GroupNorm):
        return 'gn'
    elif issubclass(class_type, nn.LayerNorm):
        return 'ln'
    class_name = class_type.__name__.lower()
    if 'batch' in class_name:
        return 'bn'
    elif 'group' in class_name:
        return 'gn'
    elif 'layer' in class_name:
        return 'ln'
    elif 'instance' in class_name:
        return 'in'
    return 'norm_layer'


def build_norm_layer(cfg, num_features, postfix=''):
    """(name, layer): the norm layer `cfg` names over `num_features` channels, its name the
    abbreviation plus `postfix`; `requires_grad` (default True) set on its parameters."""
    cfg_ = _copied_cfg(cfg)
    layer_type, norm_layer = _layer_class(cfg_, 'norm')
    abbr = infer_abbr(norm_layer)
    assert isinstance(postfix, (int, str))
    name = abbr + str(postfix)
    requires_grad = cfg_.pop('requires_grad', True)
    cfg_.setdefault('eps', 1e-5)
    if norm_layer is not nn.GroupNorm:
        layer = norm_layer(num_features, **cfg_)
    else:
        assert 'num_groups' in cfg_
        layer = norm_layer(num_channels=num_features, **cfg_)
    for param in layer.parameters():
        param.requires_grad = requires_grad
    return name, layer


def build_activation_layer(cfg):
    """The activation layer `cfg` names (MODELS.build)."""
    return MODELS.build(cfg)


def build_padding_layer(cfg, *args, **kwargs):
    """The padding layer `cfg` names ('zero', 'reflect', 'replicate'), built with args and kwargs."""
    cfg_ = _copied_cfg(cfg)
    _, padding_layer = _layer_class(cfg_, 'padding')
    return padding_layer(*args, **kwargs, **cfg_)


def is_norm(layer, exclude=None):
    """Whether `layer` is a BatchNorm, InstanceNorm, GroupNorm or LayerNorm (not one of `exclude`)."""
    if exclude is not None:
        if not isinstance(exclude, tuple):
            exclude = (exclude, )
        if not all(callable(e) for e in exclude):
            raise TypeError(f'"exclude" must be either None or type or a tuple of types, but got {type(exclude)}: {exclude}')
    if exclude and isinstance(layer, exclude):
        return False
    return isinstance(layer, (_BatchNorm, _InstanceNorm, nn.GroupNorm, nn.LayerNorm))
"""#
}
