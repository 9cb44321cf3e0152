/// mmcv.cnn's `ConvModule` and `DepthwiseSeparableConvModule` (mmcv 2.1,
/// `mmcv/cnn/bricks/conv_module.py`, `depthwise_separable_conv_module.py`) in trick: a conv /
/// norm / activation block built from `conv_cfg`, `norm_cfg`, `act_cfg` by mmcv.cnn's builders,
/// its children named as mmcv names them (`padding_layer` for a non-zeros `padding_mode`,
/// `conv`, the norm under its `norm_name` — `bn`, `gn`, `ln`, `in` —, `activate`), so
/// `named_parameters()` and `state_dict()` keys are mmcv's; `bias='auto'` (a bias only without a
/// norm), `order` any permutation of ('conv', 'norm', 'act'), `inplace` given to activations
/// that take it, mmcv's `init_weights` (kaiming_init of the conv, fan_out, with LeakyReLU's
/// slope; constant 1 / 0 of the norm), `forward(x, activate=True, norm=True)` and
/// `efficient_conv_bn_eval` (conv and eval-mode BatchNorm fused into one convolution).
/// Where trick differs: `with_spectral_norm=True` is a NotImplementedError (trick has no
/// spectral norm), there is no `ConvModule.create_from_conv_bn`, and the initial weights come
/// from trick's random stream (copy weights in to compare with mmcv).
enum MMCVConvModule {
    static let exported = ["ConvModule", "DepthwiseSeparableConvModule"]
    static let registered = ["ConvModule"]

    static let source = #"""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import constant_init, kaiming_init
from mmengine.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

from mmcv.cnn.bricks.builders import (build_activation_layer, build_conv_layer, build_norm_layer, build_padding_layer)


def efficient_conv_bn_eval_forward(bn, conv, x):
    """conv then eval-mode bn as one convolution: the bn's scale folded into the conv's weight
    and its shift into the bias (https://arxiv.org/abs/2305.11624)."""
    weight_on_the_fly = conv.weight
    bias_on_the_fly = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_var)
    bn_weight = bn.weight if bn.weight is not None else torch.ones_like(bn.running_var)
    bn_bias = bn.bias if bn.bias is not None else torch.zeros_like(bn.running_var)
    weight_coeff = torch.rsqrt(bn.running_var + bn.eps).reshape([-1] + [1] * (len(conv.weight.shape) - 1))
    coefff_on_the_fly = bn_weight.view_as(weight_coeff) * weight_coeff
    weight_on_the_fly = weight_on_the_fly * coefff_on_the_fly
    bias_on_the_fly = bn_bias + coefff_on_the_fly.flatten() * (bias_on_the_fly - bn.running_mean)
    return F.conv2d(x, weight_on_the_fly, bias_on_the_fly, conv.stride, conv.padding, conv.dilation, conv.groups)


@MODELS.register_module()
class ConvModule(nn.Module):
    """mmcv.cnn.ConvModule: conv, norm and activation layers built from their configs and run
    in `order`. Where trick differs: no spectral norm, no `create_from_conv_bn`; initial
    weights come from trick's random stream."""

    _abbr_ = 'conv_block'

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias='auto', conv_cfg=None, norm_cfg=None, act_cfg=dict(type='ReLU'), inplace=True,
                 with_spectral_norm=False, padding_mode='zeros', order=('conv', 'norm', 'act'),
                 efficient_conv_bn_eval=False):
        super().__init__()
        assert conv_cfg is None or isinstance(conv_cfg, dict)
        assert norm_cfg is None or isinstance(norm_cfg, dict)
        assert act_cfg is None or isinstance(act_cfg, dict)
        official_padding_mode = ['zeros', 'circular']
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.inplace = inplace
        self.with_spectral_norm = with_spectral_norm
        self.with_explicit_padding = padding_mode not in official_padding_mode
        self.order = order
        assert isinstance(self.order, tuple) and len(self.order) == 3
        assert set(order) == {'conv', 'norm', 'act'}

        self.with_norm = norm_cfg is not None
        self.with_activation = act_cfg is not None
        # a conv before a norm layer needs no bias
        if bias == 'auto':
            bias = not self.with_norm
        self.with_bias = bias

        if self.with_explicit_padding:
            pad_cfg = dict(type=padding_mode)
            self.padding_layer = build_padding_layer(pad_cfg, padding)

        conv_padding = 0 if self.with_explicit_padding else padding
        self.conv = build_conv_layer(conv_cfg, in_channels, out_channels, kernel_size, stride=stride,
                                     padding=conv_padding, dilation=dilation, groups=groups, bias=bias)
        # the conv's attributes, at the block's level as mmcv exports them
        self.in_channels = self.conv.in_channels
        self.out_channels = self.conv.out_channels
        self.kernel_size = self.conv.kernel_size
        self.stride = self.conv.stride
        self.padding = padding
        self.dilation = self.conv.dilation
        self.transposed = self.conv.transposed
        self.output_padding = self.conv.output_padding
        self.groups = self.conv.groups

        if self.with_spectral_norm:
            raise NotImplementedError('ConvModule(with_spectral_norm=True): trick has no spectral norm '
                                      '(torch.nn.utils.spectral_norm)')

        if self.with_norm:
            # the norm layer sees the conv's output channels when it comes after the conv
            if order.index('norm') > order.index('conv'):
                norm_channels = out_channels
            else:
                norm_channels = in_channels
            self.norm_name, norm = build_norm_layer(norm_cfg, norm_channels)
            self.add_module(self.norm_name, norm)
            if self.with_bias:
                if isinstance(norm, (_BatchNorm, _InstanceNorm)):
                    warnings.warn('Unnecessary conv bias before batch/instance norm')
        else:
            self.norm_name = None

        self.turn_on_efficient_conv_bn_eval(efficient_conv_bn_eval)

        if self.with_activation:
            act_cfg_ = act_cfg.copy()
            # these activations take no `inplace`
            if act_cfg_['type'] not in ['Tanh', 'PReLU', 'Sigmoid', 'HSigmoid', 'Swish', 'GELU']:
                act_cfg_.setdefault('inplace', inplace)
            self.activate = build_activation_layer(act_cfg_)

        self.init_weights()

    @property
    def norm(self):
        if self.norm_name:
            return getattr(self, self.norm_name)
        return None

    def init_weights(self):
        # a conv layer with its own init_weights keeps it; others get kaiming_init (mmcv's msra init)
        if not hasattr(self.conv, 'init_weights'):
            if self.with_activation and self.act_cfg['type'] == 'LeakyReLU':
                nonlinearity = 'leaky_relu'
                a = self.act_cfg.get('negative_slope', 0.01)
            else:
                nonlinearity = 'relu'
                a = 0
            kaiming_init(self.conv, a=a, nonlinearity=nonlinearity)
        if self.with_norm:
            constant_init(self.norm, 1, bias=0)

    def forward(self, x, activate=True, norm=True):
        layer_index = 0
        while layer_index < len(self.order):
            layer = self.order[layer_index]
            if layer == 'conv':
                if self.with_explicit_padding:
                    x = self.padding_layer(x)
                # conv then an eval-mode BatchNorm, fused when efficient_conv_bn_eval is on
                if layer_index + 1 < len(self.order) and self.order[layer_index + 1] == 'norm' and norm and \
                        self.with_norm and not self.norm.training and self.efficient_conv_bn_eval_forward is not None:
                    layer_index += 1
                    x = self.efficient_conv_bn_eval_forward(self.norm, self.conv, x)
                else:
                    x = self.conv(x)
            elif layer == 'norm' and norm and self.with_norm:
                x = self.norm(x)
            elif layer == 'act' and activate and self.with_activation:
                x = self.activate(x)
            layer_index += 1
        return x

    def turn_on_efficient_conv_bn_eval(self, efficient_conv_bn_eval=True):
        # only for conv + a BatchNorm that tracks running statistics
        if efficient_conv_bn_eval and self.norm and isinstance(self.norm, _BatchNorm) and self.norm.track_running_stats:
            self.efficient_conv_bn_eval_forward = efficient_conv_bn_eval_forward
        else:
            self.efficient_conv_bn_eval_forward = None


class DepthwiseSeparableConvModule(nn.Module):
    """mmcv.cnn.DepthwiseSeparableConvModule: a depthwise ConvModule (groups=in_channels) then a
    pointwise (1x1) one; `dw_*`/`pw_*` configs default ('default') to `norm_cfg`/`act_cfg`."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, norm_cfg=None,
                 act_cfg=dict(type='ReLU'), dw_norm_cfg='default', dw_act_cfg='default', pw_norm_cfg='default',
                 pw_act_cfg='default', **kwargs):
        super().__init__()
        assert 'groups' not in kwargs, 'groups should not be specified'
        dw_norm_cfg = dw_norm_cfg if dw_norm_cfg != 'default' else norm_cfg
        dw_act_cfg = dw_act_cfg if dw_act_cfg != 'default' else act_cfg
        pw_norm_cfg = pw_norm_cfg if pw_norm_cfg != 'default' else norm_cfg
        pw_act_cfg = pw_act_cfg if pw_act_cfg != 'default' else act_cfg
        self.depthwise_conv = ConvModule(in_channels, in_channels, kernel_size, stride=stride, padding=padding,
                                         dilation=dilation, groups=in_channels, norm_cfg=dw_norm_cfg,
                                         act_cfg=dw_act_cfg, **kwargs)
        self.pointwise_conv = ConvModule(in_channels, out_channels, 1, norm_cfg=pw_norm_cfg, act_cfg=pw_act_cfg,
                                         **kwargs)

    def forward(self, x):
        x = self.depthwise_conv(x)
        x = self.pointwise_conv(x)
        return x
"""#
}
