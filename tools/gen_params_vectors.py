#!/usr/bin/env python3
"""Test vectors for trick's parameter-wise optimizer settings, lr schedules and SWA, produced by
the REAL reference libraries (run with /work/refenv/bin/python):

- paramwise.json: mmengine 0.10 DefaultOptimWrapperConstructor, mmseg ForceDefaultOptimWrapperConstructor
  and mmseg LearningRateDecayOptimizerConstructor / LayerDecayOptimizerConstructor over torch.nn models
  (mmcv.ops DeformConv2dPack / ModulatedDeformConv2dPack; the compiled ops are not needed to build them,
  and mmengine's `mmcv_full_available()` is True with the mmcv._ext stub, so the DCN rules are active).
- schedules.json: mmengine lr schedulers (and mmseg PolyLRRatio, mmdet QuadraticWarmupLR) stepped as the
  runner's ParamSchedulerHook does (construct in order, record lr before each iteration, then step every
  scheduler), and torch SWALR.
- swa.json: torch.optim.swa_utils.AveragedModel (SWA and EMA avg_fn), mmengine StochasticWeightAverage,
  and BatchNorm running statistics after torch's update_bn.

Models are described in a small JSON form that the Swift tests rebuild:
  ["Module", [[name, spec], ...], class_name]   children / parameters in registration order
  ["Parameter", shape, requires_grad]
  ["Sequential", [spec, ...]]
  [LayerType, {kwargs}]                           Conv2d, Linear, BatchNorm2d, GroupNorm, LayerNorm, ...
"""
import json
import logging
import math
import os
import sys
import warnings

warnings.filterwarnings('ignore')
import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor
import mmengine.optim.scheduler as S
import mmcv.ops as ops
from torch.optim.swa_utils import AveragedModel, SWALR, get_ema_avg_fn
from mmseg.engine.schedulers import PolyLRRatio
from mmdet.engine.schedulers import QuadraticWarmupLR

MMLogger.get_current_instance().setLevel(logging.ERROR)
OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'params')

LAYERS = {
    'Conv1d': nn.Conv1d, 'Conv2d': nn.Conv2d, 'Conv3d': nn.Conv3d, 'Linear': nn.Linear, 'Embedding': nn.Embedding,
    'BatchNorm1d': nn.BatchNorm1d, 'BatchNorm2d': nn.BatchNorm2d, 'SyncBatchNorm': nn.SyncBatchNorm,
    'InstanceNorm2d': nn.InstanceNorm2d, 'GroupNorm': nn.GroupNorm, 'LayerNorm': nn.LayerNorm,
    'ConvTranspose2d': nn.ConvTranspose2d,
    'DeformConv2dPack': ops.DeformConv2dPack, 'ModulatedDeformConv2dPack': ops.ModulatedDeformConv2dPack,
}


def build(spec, shared):
    kind = spec[0]
    if kind == 'Shared':
        return shared[spec[1]]
    if kind == 'Parameter':
        return nn.Parameter(torch.zeros(spec[1]), requires_grad=spec[2])
    if kind == 'Sequential':
        return nn.Sequential(*[build(s, shared) for s in spec[1]])
    if kind == 'Module':
        cls = type(spec[2] if len(spec) > 2 else 'Module', (nn.Module,), {})
        m = cls()
        for name, s in spec[1]:
            v = build(s, shared)
            setattr(m, name, v)
        return m
    m = LAYERS[kind](**spec[1])
    return m


def conv(i, o, k, **kw):
    return ['Conv2d', dict(in_channels=i, out_channels=o, kernel_size=k, **kw)]


EXAMPLE = ['Module', [
    ['param1', ['Parameter', [1], True]],
    ['conv1', conv(3, 4, 1, bias=False)],
    ['conv2', conv(4, 2, 1)],
    ['bn', ['BatchNorm2d', dict(num_features=2)]],
    ['sub', ['Module', [
        ['param1', ['Parameter', [1], True]],
        ['conv1', conv(2, 2, 1, groups=2)],
        ['gn', ['GroupNorm', dict(num_groups=2, num_channels=2)]],
        ['fc', ['Linear', dict(in_features=2, out_features=1)]]]]],
    ['dcn', ['DeformConv2dPack', dict(in_channels=3, out_channels=4, kernel_size=3, deform_groups=1)]],
]]

SEG = ['Module', [
    ['backbone', ['Module', [
        ['stem', ['Module', [['conv', conv(3, 8, 3, bias=False)], ['bn', ['BatchNorm2d', dict(num_features=8)]]]]],
        ['layer1', ['Module', [
            ['conv1', conv(8, 8, 3, groups=8, bias=False)], ['bn1', ['BatchNorm2d', dict(num_features=8)]],
            ['conv2', conv(8, 16, 1)], ['norm', ['LayerNorm', dict(normalized_shape=16)]]]]],
        ['pos_embed', ['Parameter', [1, 4, 8], True]],
        ['cls_token', ['Parameter', [4], True]],
        ['in1', ['InstanceNorm2d', dict(num_features=8, affine=True)]],
        ['conv1d', ['Conv1d', dict(in_channels=4, out_channels=4, kernel_size=3, groups=4)]],
        ['one', conv(1, 6, 3)],
    ]]],
    ['decode_head', ['Module', [
        ['conv_seg', conv(16, 5, 1)],
        ['bottleneck', ['Module', [['conv', conv(16, 16, 3)], ['gn', ['GroupNorm', dict(num_groups=4, num_channels=16)]]]]],
        ['head_fc', ['Linear', dict(in_features=16, out_features=5)]],
        ['layers', ['Sequential', [conv(4, 4, 3), ['SyncBatchNorm', dict(num_features=4)], ['Embedding', dict(num_embeddings=10, embedding_dim=3)]]]],
    ]]],
    ['auxiliary_head', ['Module', [
        ['conv_seg', conv(8, 5, 1)],
        ['dcn', ['DeformConv2dPack', dict(in_channels=8, out_channels=8, kernel_size=3, deform_groups=2)]],
        ['mdcn', ['ModulatedDeformConv2dPack', dict(in_channels=4, out_channels=4, kernel_size=[3, 1], deform_groups=1)]],
        ['up', ['ConvTranspose2d', dict(in_channels=4, out_channels=4, kernel_size=2, groups=4)]],
    ]]],
]]

FROZEN = ['Module', [
    ['backbone', ['Module', [
        ['conv', conv(3, 4, 3)], ['frozen_bias', ['Parameter', [4], False]], ['bn', ['BatchNorm2d', dict(num_features=4)]]]]],
    ['head', ['Module', [['conv', conv(4, 2, 1)], ['p', ['Parameter', [2], False]]]]],
]]

DUP = ['Module', [
    ['conv1', ['Sequential', [conv(3, 4, 1, bias=False)]]],
    ['conv2', ['Sequential', [conv(4, 2, 1)]]],
    ['conv3', ['Sequential', [['Shared', 'c1']]]],
    ['bn', ['BatchNorm2d', dict(num_features=2)]],
]]


def build_dup():
    c1 = nn.Conv2d(3, 4, 1, bias=False)
    m = build(DUP, {'c1': c1})
    m.conv1[0] = c1
    return m


def groups_of(model, optim, paramwise, constructor='DefaultOptimWrapperConstructor'):
    names = {id(p): n for n, p in model.named_parameters()}
    try:
        ctor = make_ctor(optim, paramwise, constructor)
        opt = ctor(model).optimizer
    except Exception as e:
        return dict(error=type(e).__name__ + ': ' + str(e))
    return dict(groups=dump_groups(opt, names))


def make_ctor(optim, paramwise, constructor):
    if constructor == 'DefaultOptimWrapperConstructor':
        ctor = DefaultOptimWrapperConstructor(dict(optimizer=optim), paramwise)
    else:
        from mmseg.engine.optimizers import (ForceDefaultOptimWrapperConstructor,
                                             LearningRateDecayOptimizerConstructor,
                                             LayerDecayOptimizerConstructor)
        cls = dict(ForceDefaultOptimWrapperConstructor=ForceDefaultOptimWrapperConstructor,
                   LearningRateDecayOptimizerConstructor=LearningRateDecayOptimizerConstructor,
                   LayerDecayOptimizerConstructor=LayerDecayOptimizerConstructor)[constructor]
        ctor = cls(dict(optimizer=optim), dict(paramwise) if paramwise is not None else None)
    return ctor


def dump_groups(opt, names):
    out = []
    for g in opt.param_groups:
        d = {}
        for k, v in g.items():
            if k == 'params':
                d[k] = [names[id(p)] for p in v]
            elif isinstance(v, (int, float, str, bool)) or v is None:
                d[k] = v
            elif isinstance(v, (tuple, list)) and all(isinstance(x, (int, float, str)) for x in v):
                d[k] = list(v)
        out.append(d)
    return out


def paramwise_cases():
    cases = []
    sgd = dict(type='SGD', lr=0.02, weight_decay=0.0005, momentum=0.9)
    cfgs = [
        None, {},
        dict(bias_lr_mult=3, bias_decay_mult=0.5, norm_decay_mult=0, dwconv_decay_mult=0.3, dcn_offset_lr_mult=0.2),
        dict(bias_lr_mult=2, bias_decay_mult=0.5, norm_decay_mult=0, dwconv_decay_mult=0.1, dcn_offset_lr_mult=0.1, flat_decay_mult=0.3),
        dict(custom_keys={'head': dict(lr_mult=10.)}),
        dict(custom_keys={'backbone': dict(lr_mult=0.1, decay_mult=0.9)}),
        dict(custom_keys={'head': dict(lr_mult=8.0), 'decode_head.conv_seg': dict(lr_mult=20.0, decay_mult=0.0), 'conv': dict(decay_mult=0.5)}),
        dict(custom_keys={'bn1': dict(lr_mult=4.0), 'stem': dict(lr_mult=6.0), 'nv1': dict(lr_mult=7.0), 'norm': dict(decay_mult=0.0)}),
        dict(custom_keys={'pos_embed': dict(decay_mult=0.0), 'backbone': dict(lr_mult=0.1)}, norm_decay_mult=0.0, bias_lr_mult=2.0,
             bias_decay_mult=0.0, dwconv_decay_mult=0.5, dcn_offset_lr_mult=0.01),
        dict(flat_decay_mult=0.0, custom_keys={'head': dict(lr_mult=8.0)}),
        dict(custom_keys={'.param1': dict(lr_mult=5.0), 'sub.param1': dict(lr_mult=3.0, weight_decay=0.0, momentum=0.5)}),
        dict(custom_keys={'param1': dict(lr_mult=10), 'sub': dict(lr_mult=0.1, decay_mult=0), 'sub.gn': dict(lr_mult=0.01),
                          'non_exist_key': dict(lr_mult=0.0)}, norm_decay_mult=0.5),
        dict(bias_decay_mult=0.0), dict(dwconv_decay_mult=0.0), dict(norm_decay_mult=0.5, bias_decay_mult=None),
        dict(custom_keys={'': dict(lr_mult=2.0)}),
        dict(custom_keys={'pos_block': dict(decay_mult=0.), 'norm': dict(decay_mult=0.), 'head': dict(lr_mult=10.)}),
        dict(bias_lr_mult=2, unknown_key=3),
        dict(custom_keys={'conv': dict(lr_mult=0.5, lr=0.123)}),
    ]
    optims = [sgd, dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999), weight_decay=0.01),
              dict(type='SGD', lr=0.01, momentum=0.9), dict(type='Adam', lr=0.001, weight_decay=0.0001)]
    for mname, spec in [('example', EXAMPLE), ('seg', SEG), ('frozen', FROZEN)]:
        for ci, cfg in enumerate(cfgs):
            for oi, optim in enumerate(optims):
                model = build(spec, {})
                r = groups_of(model, optim, cfg)
                cases.append(dict(id=f'{mname}/cfg{ci}/opt{oi}', model=spec, optimizer=optim, paramwise_cfg=cfg,
                                  constructor='DefaultOptimWrapperConstructor', **r))
    # duplicates
    for cfg in [dict(bias_lr_mult=2), dict(bias_lr_mult=2, bypass_duplicate=True), None]:
        r = groups_of(build_dup(), sgd, cfg)
        cases.append(dict(id=f'dup/{cfg}', model=DUP, shared_fix='conv1.0=conv3.0', optimizer=sgd, paramwise_cfg=cfg,
                          constructor='DefaultOptimWrapperConstructor', **r))
    # mmseg ForceDefault
    for mname, spec in [('seg', SEG), ('frozen', FROZEN)]:
        for cfg in [dict(custom_keys={'head': dict(lr_mult=10.)}, bias_lr_mult=2.0, norm_decay_mult=0.0),
                    dict(custom_keys={'head': dict(lr_mult=10., decay_mult=0.5)}, bias_lr_mult=2.0, bias_decay_mult=0.0,
                         force_default_settings=True)]:
            r = groups_of(build(spec, {}), sgd, cfg, 'ForceDefaultOptimWrapperConstructor')
            cases.append(dict(id=f'force/{mname}/{len(cfg)}', model=spec, optimizer=sgd, paramwise_cfg=cfg,
                              constructor='ForceDefaultOptimWrapperConstructor', **r))
    # layer decay (mmseg test models)
    convnext = ['Module', [
        ['backbone', ['Module', [
            ['cls_token', ['Parameter', [1], True]], ['mask_token', ['Parameter', [1], True]], ['pos_embed', ['Parameter', [1], True]],
            ['stem_norm', ['Parameter', [1], True]], ['lin', ['Parameter', [1], False]],
            ['stages', ['Sequential', [['Sequential', [['Module', [['conv', conv(3, 4, 1)]]]]] for _ in range(4)]]],
            ['norm0', ['BatchNorm2d', dict(num_features=2)]],
            ['downsample_norm0', ['BatchNorm2d', dict(num_features=2)]],
            ['downsample_norm1', ['BatchNorm2d', dict(num_features=2)]],
            ['downsample_norm2', ['BatchNorm2d', dict(num_features=2)]],
            ['downsample_layers', ['Sequential', [['Sequential', [conv(3, 4, 1)]] for _ in range(4)]]],
        ], 'ToyConvNeXt']],
        ['decode_head', conv(2, 2, 1, groups=2)],
    ], 'ToySegmentor']
    vit = ['Module', [
        ['backbone', ['Module', [
            ['cls_token', ['Parameter', [1], True]], ['patch_embed', ['Parameter', [1], True]],
            ['layers', ['Sequential', [conv(3, 3, 1) for _ in range(3)]]],
            ['pos_embed', ['Parameter', [1, 3, 2], True]]], 'ToyBEiT']],
        ['decode_head', conv(2, 2, 1, groups=2)],
    ], 'ToySegmentor']
    adamw = dict(type='AdamW', lr=1, betas=(0.9, 0.999), weight_decay=0.05)
    for name, spec, cfg, ctor in [
        ('convnext_stage', convnext, dict(decay_rate=2, decay_type='stage_wise', num_layers=6), 'LearningRateDecayOptimizerConstructor'),
        ('convnext_layer', convnext, dict(decay_rate=2, decay_type='layer_wise', num_layers=6), 'LearningRateDecayOptimizerConstructor'),
        ('vit_layer', vit, dict(decay_rate=2, decay_type='layer_wise', num_layers=3), 'LearningRateDecayOptimizerConstructor'),
        ('vit_beit', vit, dict(layer_decay_rate=0.9, num_layers=3), 'LayerDecayOptimizerConstructor'),
        ('convnext_rate09', convnext, dict(decay_rate=0.9, decay_type='stage_wise', num_layers=12), 'LearningRateDecayOptimizerConstructor'),
    ]:
        r = groups_of(build(spec, {}), adamw, cfg, ctor)
        cases.append(dict(id=f'layer_decay/{name}', model=spec, optimizer=adamw, paramwise_cfg=cfg, constructor=ctor, **r))
    return cases


class Dummy(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))


SCHED = {'StepLR': S.StepLR, 'MultiStepLR': S.MultiStepLR, 'ConstantLR': S.ConstantLR, 'ExponentialLR': S.ExponentialLR,
         'CosineAnnealingLR': S.CosineAnnealingLR, 'LinearLR': S.LinearLR, 'PolyLR': S.PolyLR, 'OneCycleLR': S.OneCycleLR,
         'CosineRestartLR': S.CosineRestartLR, 'PolyLRRatio': PolyLRRatio, 'QuadraticWarmupLR': QuadraticWarmupLR}


def run_schedule(base_lrs, cfgs, steps, epoch_length=None):
    params = [nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    opt = torch.optim.SGD([dict(params=[p], lr=lr) for p, lr in zip(params, base_lrs)], lr=base_lrs[0])
    scheds = []
    for c in cfgs:
        c = dict(c)
        t = c.pop('type')
        if t == 'SWALR':
            c.pop('by_epoch', None)
            scheds.append(SWALR(opt, **c))
            scheds[-1].by_epoch = True
            continue
        conv = c.pop('convert_to_iter_based', False)
        if conv and c.get('by_epoch', True):
            scheds.append(SCHED[t].build_iter_from_epoch(optimizer=opt, epoch_length=epoch_length, **c))
        else:
            scheds.append(SCHED[t](optimizer=opt, **c))  # by keyword, as the registry builds (PolyLRRatio)
    out = [[] for _ in base_lrs]
    for k in range(steps):
        for i, g in enumerate(opt.param_groups):
            out[i].append(g['lr'])
        opt.step()
        if epoch_length is None:
            for s in scheds:
                s.step()
        else:
            for s in scheds:
                if not s.by_epoch:
                    s.step()
            if (k + 1) % epoch_length == 0:
                for s in scheds:
                    if s.by_epoch:
                        s.step()
    return out


def schedule_cases():
    it = dict(by_epoch=False)
    cases = [
        ([0.01], [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=200, **it)], 210, None),
        ([0.01], [dict(type='PolyLR', eta_min=0.0005, power=0.8, begin=0, end=30, **it)], 45, None),
        ([6e-5], [dict(type='LinearLR', start_factor=1e-6, begin=0, end=15, **it), dict(type='PolyLR', eta_min=0.0, power=1.0, begin=15, end=160, **it)], 170, None),
        ([0.01], [dict(type='LinearLR', start_factor=0.01, begin=0, end=8, **it), dict(type='PolyLR', eta_min=0.0, power=1.0, begin=10, end=50, **it)], 50, None),
        ([0.1], [dict(type='CosineAnnealingLR', T_max=16, eta_min=0.0005, begin=0, end=20, **it)], 25, None),
        ([0.05, 0.5], [dict(type='CosineAnnealingLR', T_max=10, eta_min=1e-10)], 32, None),
        ([0.05], [dict(type='CosineAnnealingLR', eta_min_ratio=0.01, begin=2, end=12, **it)], 15, None),
        ([0.02], [dict(type='LinearLR', start_factor=0.1, begin=0, end=5, **it), dict(type='MultiStepLR', milestones=[6, 11], gamma=0.1, begin=0, end=16, **it)], 16, None),
        ([0.05, 0.5], [dict(type='StepLR', step_size=3, gamma=0.1)], 12, None),
        ([0.05, 0.5], [dict(type='MultiStepLR', milestones=[2, 5, 5, 9])], 12, None),
        ([0.05], [dict(type='ConstantLR', factor=0.5, end=5)], 8, None),
        ([0.05], [dict(type='ExponentialLR', gamma=0.9, end=5), dict(type='CosineAnnealingLR', T_max=5, eta_min=1e-10, begin=10, end=15)], 18, None),
        ([0.05], [dict(type='LinearLR', start_factor=0.5, end=5), dict(type='MultiStepLR', milestones=[3, 6, 9])], 12, None),
        ([0.1], [dict(type='OneCycleLR', eta_max=0.3, total_steps=20, **it)], 20, None),
        ([0.1], [dict(type='OneCycleLR', eta_max=0.3, total_steps=30, anneal_strategy='linear', three_phase=True, **it)], 30, None),
        ([0.1], [dict(type='CosineRestartLR', periods=[5, 7, 4], restart_weights=[1, 0.5, 0.25], eta_min=0.001, **it)], 20, None),
        ([0.1], [dict(type='CosineRestartLR', periods=[3, 3], restart_weights=[1, 1], eta_min_ratio=0.1, begin=1, **it)], 10, None),
        ([0.01], [dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2, convert_to_iter_based=True),
                  dict(type='CosineAnnealingLR', by_epoch=True, begin=2, end=6, T_max=4, convert_to_iter_based=True)], 30, 5),
        ([0.01], [dict(type='LinearLR', start_factor=0.1, begin=0, end=4, **it), dict(type='MultiStepLR', milestones=[2, 4], by_epoch=True)], 30, 5),
        # found by fuzz_misc: step_size is not validated (negative decays at multiples of |step_size|;
        # 0 fails only once the scheduler computes past its first step)
        ([0.05], [dict(type='StepLR', step_size=-3, gamma=0.5, **it)], 10, None),
        ([0.05], [dict(type='StepLR', step_size=0, begin=20, end=25, **it)], 12, None),
        ([0.01], [dict(type='PolyLRRatio', eta_min_ratio=0.1, power=0.9, begin=0, end=20, **it)], 24, None),
        ([0.02, 0.2], [dict(type='LinearLR', start_factor=0.1, begin=0, end=4, **it),
                       dict(type='PolyLRRatio', eta_min_ratio=0.05, power=1.0, begin=4, end=30, **it)], 32, None),
        ([0.01], [dict(type='PolyLRRatio', eta_min=0.001, power=2.0, end=6)], 8, None),
        ([0.02], [dict(type='QuadraticWarmupLR', begin=0, end=7, **it), dict(type='CosineAnnealingLR', T_max=10, eta_min=1e-4, begin=7, end=17, **it)], 20, None),
        ([0.02, 0.002], [dict(type='QuadraticWarmupLR', by_epoch=True, begin=0, end=2, convert_to_iter_based=True),
                         dict(type='PolyLRRatio', eta_min_ratio=0.01, by_epoch=True, begin=2, end=5, convert_to_iter_based=True)], 22, 4),
        ([0.1], [dict(type='SWALR', swa_lr=0.02, anneal_epochs=4, anneal_strategy='cos')], 9, None),
        ([0.2], [dict(type='SWALR', swa_lr=0.05, anneal_epochs=2, anneal_strategy='linear')], 6, None),
        ([0.05, 0.5], [dict(type='SWALR', swa_lr=[0.01, 0.02], anneal_epochs=4, anneal_strategy='linear')], 8, None),
        ([0.1], [dict(type='SWALR', swa_lr=0.05, anneal_epochs=0)], 4, None),
        ([0.1], [dict(type='SWALR', swa_lr=0.05, anneal_epochs=1)], 4, None),
        ([0.1], [dict(type='SWALR', swa_lr=0.01, anneal_epochs=7, anneal_strategy='cos')], 12, None),
    ]
    out = []
    for i, (bases, cfgs, steps, el) in enumerate(cases):
        out.append(dict(id=f'sched{i}', base_lrs=bases, schedulers=cfgs, steps=steps, epoch_length=el,
                        lrs=run_schedule(bases, cfgs, steps, el)))
    return out


def swa_cases():
    g = torch.Generator().manual_seed(0)
    out = []
    for kind in ['swa', 'ema']:
        shapes = {'weight': (2, 3), 'bias': (2,)}
        snaps = [{k: torch.randn(s, generator=g) for k, s in shapes.items()} for _ in range(5)]
        m = nn.Module()
        m.weight = nn.Parameter(torch.zeros(2, 3))
        m.bias = nn.Parameter(torch.zeros(2))
        avg = AveragedModel(m, avg_fn=get_ema_avg_fn(0.9) if kind == 'ema' else None)
        history = []
        for s in snaps:
            with torch.no_grad():
                m.weight.copy_(s['weight'])
                m.bias.copy_(s['bias'])
            avg.update_parameters(m)
            history.append({'weight': avg.module.weight.detach().tolist(), 'bias': avg.module.bias.detach().tolist(),
                            'n_averaged': int(avg.n_averaged)})
        out.append(dict(id=kind, decay=0.9 if kind == 'ema' else None,
                        snapshots=[{k: v.tolist() for k, v in s.items()} for s in snaps], history=history))
    # mmengine StochasticWeightAverage with interval 2
    from mmengine.model import StochasticWeightAverage
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(3))
    swa = StochasticWeightAverage(m, interval=2)
    snaps, history = [], []
    for _ in range(6):
        s = torch.randn(3, generator=g)
        snaps.append(s.tolist())
        with torch.no_grad():
            m.w.copy_(s)
        swa.update_parameters(m)
        history.append(swa.module.w.detach().tolist())
    out.append(dict(id='mmengine_swa_interval2', interval=2, snapshots=snaps, history=history))
    # mmengine ExponentialMovingAverage (lerp) with interval 1 and 2
    from mmengine.model import ExponentialMovingAverage
    for interval in (1, 2):
        m = nn.Module()
        m.w = nn.Parameter(torch.zeros(5))
        ema = ExponentialMovingAverage(m, momentum=0.3, interval=interval)
        snaps, history = [], []
        for _ in range(6):
            s = torch.randn(5, generator=g)
            snaps.append(s.tolist())
            with torch.no_grad():
                m.w.copy_(s)
            ema.update_parameters(m)
            history.append(ema.module.w.detach().tolist())
        out.append(dict(id=f'mmengine_ema_interval{interval}', momentum=0.3, interval=interval, snapshots=snaps, history=history))
    # update_bn on a single BatchNorm2d
    bn = nn.BatchNorm2d(3)
    batches = [torch.randn(4, 3, 2, 2, generator=g) for _ in range(3)]
    from torch.optim.swa_utils import update_bn
    update_bn(batches, bn)
    out.append(dict(id='update_bn', batches=[b.tolist() for b in batches], running_mean=bn.running_mean.tolist(),
                    running_var=bn.running_var.tolist(), num_batches_tracked=int(bn.num_batches_tracked)))
    # multi_avg_fn forms (torch._foreach_lerp_; found by tools/fuzz_misc.py)
    from torch.optim.swa_utils import get_ema_multi_avg_fn, get_swa_multi_avg_fn
    g = torch.Generator().manual_seed(1)
    for kind in ['ema_multi', 'swa_multi']:
        snaps = [{'weight': torch.randn(2, 3, generator=g), 'bias': torch.randn(2, generator=g)} for _ in range(5)]
        m = nn.Module()
        m.weight = nn.Parameter(torch.zeros(2, 3))
        m.bias = nn.Parameter(torch.zeros(2))
        avg = AveragedModel(m, multi_avg_fn=get_ema_multi_avg_fn(0.9) if kind == 'ema_multi' else get_swa_multi_avg_fn())
        history = []
        for s in snaps:
            with torch.no_grad():
                m.weight.copy_(s['weight'])
                m.bias.copy_(s['bias'])
            avg.update_parameters(m)
            history.append({'weight': avg.module.weight.detach().tolist(), 'bias': avg.module.bias.detach().tolist(),
                            'n_averaged': int(avg.n_averaged)})
        out.append(dict(id=kind, decay=0.9 if kind == 'ema_multi' else None,
                        snapshots=[{k: v.tolist() for k, v in s.items()} for s in snaps], history=history))
    return out


def exact_floats(x):
    """Floats as repr strings: Foundation's JSON parser on Linux rounds some doubles, the tests parse these exactly."""
    if isinstance(x, float):
        return repr(x)
    if isinstance(x, dict):
        return {k: exact_floats(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [exact_floats(v) for v in x]
    return x


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name, fn in [('paramwise', paramwise_cases), ('schedules', schedule_cases), ('swa', swa_cases)]:
        data = fn()
        with open(os.path.join(OUT, name + '.json'), 'w') as f:
            json.dump(exact_floats(data), f, indent=None, separators=(',', ':'))
        print(name, len(data), 'cases')
