# mmcv.cnn's ConvModule under several conv / norm / activation / order / padding configs: the
# children's names (named_parameters, state_dict keys), then forward and backward from explicit
# weights (no seeded randoms: trick's stream is its own) — outputs, every parameter's gradient,
# the input's gradient and BatchNorm's running statistics; the builders' (name, layer) pairs.
import torch
from mmcv.cnn import (ConvModule, DepthwiseSeparableConvModule, build_activation_layer, build_conv_layer,
                      build_norm_layer, build_padding_layer, is_norm)
from mmengine.registry import MODELS, init_default_scope

init_default_scope('mmseg')


def values(shape, k):
    n = 1
    for s in shape:
        n *= s
    return (torch.sin(torch.arange(n, dtype=torch.float32) * 0.7 + k) * 0.5 + 0.1 * k).reshape(shape)


def set_weights(m):
    with torch.no_grad():
        for k, (name, p) in enumerate(m.named_parameters()):
            p.copy_(values(p.shape, k + 1))


def show(t):
    return [round(v, 4) for v in t.detach().flatten().tolist()]


def run(title, m, x_shape=(2, 4, 5, 5), train=True):
    print('==', title)
    print([name for name, _ in m.named_parameters()])
    print(list(m.state_dict().keys()))
    set_weights(m)
    m.train(train)
    x = values(x_shape, 0.3).requires_grad_(True)
    y = m(x)
    print(tuple(y.shape), show(y))
    (y * values(y.shape, 0.9)).sum().backward()
    for name, p in m.named_parameters():
        print(name, show(p.grad))
    print('x.grad', show(x.grad))
    for name, b in m.named_buffers():
        if b.dim() > 0:
            print(name, show(b))


run('BN + ReLU', ConvModule(4, 3, 3, padding=1, norm_cfg=dict(type='BN')))
run('GN + LeakyReLU, bias=True', ConvModule(4, 4, 3, bias=True, norm_cfg=dict(type='GN', num_groups=2),
                                            act_cfg=dict(type='LeakyReLU', negative_slope=0.2)))
run('IN (affine) before conv, channelwise PReLU', ConvModule(4, 3, 1, norm_cfg=dict(type='IN', affine=True),
                                                             act_cfg=dict(type='PReLU', num_parameters=3),
                                                             order=('norm', 'conv', 'act')))
run('SyncBN + GELU, reflect padding, stride 2', ConvModule(4, 3, 3, stride=2, padding=1, padding_mode='reflect',
                                                          norm_cfg=dict(type='SyncBN'), act_cfg=dict(type='GELU')))
run('HSwish, replicate padding, dilation 2', ConvModule(4, 2, 3, padding=2, dilation=2, padding_mode='replicate',
                                                       act_cfg=dict(type='HSwish')))
run('act, conv, norm (Sigmoid, BN), eval', ConvModule(4, 3, 1, norm_cfg=dict(type='BN'), act_cfg=dict(type='Sigmoid'),
                                                      order=('act', 'conv', 'norm')), train=False)
for act in [dict(type='ReLU6'), dict(type='ELU'), dict(type='SiLU'), dict(type='Tanh'), dict(type='Swish'),
            dict(type='HSigmoid')]:
    run(act['type'], ConvModule(4, 2, 1, act_cfg=act, inplace=False), x_shape=(1, 4, 2, 3))
run('no activation, groups=2', ConvModule(4, 4, 3, groups=2, act_cfg=None))
run('conv_cfg Conv, IN without affine', ConvModule(4, 3, 3, conv_cfg=dict(type='Conv'), norm_cfg=dict(type='IN')))
run('DepthwiseSeparableConvModule', DepthwiseSeparableConvModule(4, 6, 3, padding=1, norm_cfg=dict(type='BN'),
                                                                 pw_act_cfg=dict(type='LeakyReLU')))

# eval-mode BatchNorm fused into the convolution
m = ConvModule(4, 3, 3, norm_cfg=dict(type='BN'), act_cfg=dict(type='Tanh'), efficient_conv_bn_eval=True)
set_weights(m)
with torch.no_grad():
    m.bn.running_mean.copy_(torch.tensor([0.1, -0.2, 0.3]))
    m.bn.running_var.copy_(torch.tensor([0.5, 1.5, 2.0]))
m.eval()
x = values((2, 4, 5, 5), 0.3).requires_grad_(True)
y = m(x)
print('== efficient_conv_bn_eval', show(y))
y.sum().backward()
print(show(m.conv.weight.grad), show(m.bn.weight.grad), show(m.bn.bias.grad))

# LN normalises the last dimension, as mmcv builds it over the channels
m = ConvModule(4, 3, 1, norm_cfg=dict(type='LN'))
print('== LN', [n for n, _ in m.named_parameters()], m.norm_name, m.with_bias)

# the block's attributes and the builders
m = ConvModule(4, 3, (3, 1), stride=(2, 1), padding=(1, 0), norm_cfg=dict(type='BN', requires_grad=False))
print(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.dilation, m.groups, m.transposed,
      m.output_padding, m.norm_name, m.with_bias, m.with_norm, m.with_activation, m.with_explicit_padding)
print([(n, p.requires_grad) for n, p in m.named_parameters()])
for cfg in [dict(type='BN'), dict(type='BN1d'), dict(type='GN', num_groups=2), dict(type='LN'), dict(type='IN'),
            dict(type='SyncBN', momentum=0.3)]:
    name, layer = build_norm_layer(cfg, 4, postfix=2)
    print(name, type(layer).__name__, layer.eps, is_norm(layer))
print(is_norm(build_conv_layer(None, 2, 2, 1)), type(build_conv_layer(dict(type='Conv1d'), 2, 3, 1)).__name__)
print(type(build_activation_layer(dict(type='HSwish'))).__name__, type(build_padding_layer(dict(type='zero'), 1)).__name__)
clip = build_activation_layer(dict(type='Clip', min=-0.5, max=0.5))
print(type(clip).__name__, show(clip(values((2, 3), 0.2))))
try:
    ConvModule(4, 2, 1, act_cfg=dict(type='Clamp'))   # mmcv gives it inplace=True, which Clamp does not take
except TypeError:
    print('Clamp in a ConvModule: TypeError')
m = MODELS.build(dict(type='ConvModule', in_channels=2, out_channels=3, kernel_size=1, norm_cfg=dict(type='GN', num_groups=3)))
print(type(m).__name__, list(m.state_dict().keys()))

# the torch layers ConvModule builds that trick added for it, alone: PReLU (one weight; the
# gradient at exactly 0), InstanceNorm2d on an unbatched input, asymmetric reflection/replication
import torch.nn as nn

x = torch.tensor([[-1.5, 0.0, 2.0], [0.5, -0.25, 0.0]], requires_grad=True)
prelu = nn.PReLU()
y = prelu(x)
(y * torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
print('PReLU', show(y), show(x.grad), show(prelu.weight.grad))
norm = nn.InstanceNorm2d(2, affine=True)
x = values((2, 3, 4), 0.5).requires_grad_(True)
y = norm(x)
(y * values((2, 3, 4), 1.5)).sum().backward()
print('InstanceNorm2d', tuple(y.shape), show(y), show(x.grad), show(norm.weight.grad), show(norm.bias.grad))
for pad in [nn.ReflectionPad2d((2, 1, 0, 2)), nn.ReplicationPad2d((0, 3, 1, 2))]:
    x = values((1, 2, 3, 4), 0.1).requires_grad_(True)
    y = pad(x)
    (y * values(y.shape, 0.7)).sum().backward()
    print(pad, tuple(y.shape), show(y), show(x.grad))
