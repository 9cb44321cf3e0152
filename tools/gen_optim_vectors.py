#!/usr/bin/env python3
"""Test vectors for trick's torch.optim core (Sources/TrickCore/Optim), produced by the REAL torch
2.4.1 (run with /work/refenv/bin/python tools/gen_optim_vectors.py):

- sgd.json, adam.json, adamw.json, rmsprop.json: 20 steps of each optimizer (foreach=False, the
  single-tensor path) in float32 and float64, for every CPU option combination of torch's own test
  matrix (torch.testing._internal.common_optimizers.optim_inputs_func_*, minus the Tensor-lr ones)
  plus combinations that reach the other branches (nesterov without decay, lerp weights >= 0.5,
  amsgrad with maximize, ...). Three parameters in two param groups (the second group overrides lr
  and weight_decay); parameter 1 has grad None on the first two steps (its state is created late,
  so the state order is not the index order) and parameter 2 on steps 6 and 13; parameter 0 gets an
  all-zero grad on step 4. Every group's lr is halved through param_groups before steps 6 and 16
  (as a scheduler does). After step 10 the optimizer is rebuilt from its state_dict()
  (load_state_dict into a fresh optimizer) and the run continues. Every step records the
  parameters and the state buffers in torch's state order; the state_dict at the reload is recorded too.
  Adam, AdamW and RMSprop take a square root: their cases also hold `steps_ieee_sqrt`, the same run
  of torch's code with Tensor.sqrt made correctly rounded (see IEEESqrt).
- scheduled.json: MMEngine 0.10.7 parameter schedulers (LinearLR + PolyLR, CosineAnnealingLR chained
  with MultiStepLR, ConstantLR + StepLR + ExponentialLR, OneCycleLR; CosineAnnealingMomentum on SGD's
  momentum, LinearMomentum + StepMomentum on AdamW's betas[0]) bound to a torch optimizer with two
  param groups, 30 iterations stepped as MMEngine's ParamSchedulerHook does: the lr and momentum of
  every group each iteration, the parameters after it, get_last_value() and the final groups.
- torch_schedulers.json: torch.optim.lr_scheduler StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
  ConstantLR, LinearLR, PolynomialLR (and torch.optim.swa_utils.SWALR) chained on one SGD with two
  groups, 20 iterations: every group's
  lr per iteration, get_last_lr() and the final groups.
- clip_wrapper.json: torch.nn.utils.clip_grad_norm_ (2, 1, 3, inf norms; float32, float64, mixed;
  no clipping; non-finite with and without error_if_nonfinite) and clip_grad_value_; and mmengine's
  OptimWrapper with accumulative_counts=3, clip_grad and initialize_count_status(model, 0, 10) over 10
  update_params calls of a linear loss (grads are c / loss_factor, accumulated).
- errors.json: constructor arguments torch rejects, with the exception type and message
  (torch's own optim_error_inputs_func_* cases with params=None, plus a few more).

Tensor values are written as strings of repr(float(x)), so float32 and float64 values round-trip exactly.
"""
import json
import os
import warnings

warnings.filterwarnings('ignore')
import sys
import types
import unittest

import numpy as np
import torch

# torch's test helpers import `expecttest` (a test-only package the reference env lacks) for a
# TestCase base class; the option tables we read do not use it.
if 'expecttest' not in sys.modules:
    try:
        import expecttest  # noqa: F401
    except ImportError:
        stub = types.ModuleType('expecttest')
        stub.TestCase = unittest.TestCase
        sys.modules['expecttest'] = stub
from torch.testing._internal import common_optimizers as co  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'optim')
STEPS = 20
RELOAD_AFTER = 10
# Before these steps (0-based) every group's lr is halved through optimizer.param_groups, as a
# scheduler does: the step must read the group's lr afresh.
HALVE_LR_BEFORE = (5, 15)
SHAPES = [(2, 3), (5,), (2,)]


def flat(t):
    """A tensor's values as one string of Python float reprs (exact: Swift's Double(String) reads
    them correctly rounded, where JSON number parsing in Foundation may be off by an ulp)."""
    return ' '.join(repr(float(x)) for x in t.detach().reshape(-1).tolist())


def jsonable(v):
    """Numbers as their Python repr strings (exact, see flat); bools and None as JSON."""
    if isinstance(v, (tuple, list)):
        return [jsonable(x) for x in v]
    if isinstance(v, torch.Tensor):
        return flat(v)
    if isinstance(v, (bool, str)) or v is None:
        return v
    return repr(v)


def kind_of(v):
    """The Python type torch stores, so the Swift side can rebuild int vs float options."""
    if v is None:
        return 'none'
    if isinstance(v, bool):
        return 'bool'
    if isinstance(v, int):
        return 'int'
    if isinstance(v, float):
        return 'float'
    if isinstance(v, tuple):
        return 'tuple'
    return type(v).__name__


def options(d):
    return [[k, jsonable(v), kind_of(v)] for k, v in d.items() if k != 'params']


def upstream_inputs(name):
    fn = getattr(co, 'optim_inputs_func_' + name)
    out = []
    for oi in fn('cpu', torch.float32):
        if any(isinstance(v, torch.Tensor) for v in oi.kwargs.values()):
            continue  # Tensor lr: not a float-lr path
        out.append(('torch common_optimizers: ' + oi.desc, dict(oi.kwargs)))
    return out


EXTRA = {
    'sgd': [
        ('nesterov without weight decay', dict(momentum=0.9, nesterov=True)),
        ('momentum, dampening, weight decay, maximize', dict(lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.1, maximize=True)),
        ('nesterov, maximize, large lr', dict(lr=0.1, momentum=0.5, nesterov=True, maximize=True)),
    ],
    'adam': [
        ('amsgrad, maximize, betas, eps', dict(amsgrad=True, maximize=True, betas=(0.8, 0.99), eps=1e-6)),
        ('lerp weight 0.5 (second lerp formula)', dict(lr=0.1, betas=(0.5, 0.6))),
        ('lerp weight 0.7, weight decay, amsgrad', dict(lr=0.05, betas=(0.3, 0.9), weight_decay=0.2, amsgrad=True)),
    ],
    'rmsprop': [
        ('momentum, not centered', dict(momentum=0.5)),
        ('centered, alpha 0.4 (second lerp formula)', dict(alpha=0.4, centered=True)),
        ('eps, lr, maximize, momentum', dict(eps=1e-3, lr=0.1, maximize=True, momentum=0.9, weight_decay=0.05)),
    ],
}
EXTRA['adamw'] = EXTRA['adam'] + [('weight decay 0 (no decoupled decay)', dict(weight_decay=0))]

CLASSES = {'sgd': torch.optim.SGD, 'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW, 'rmsprop': torch.optim.RMSprop}


def state_record(opt, params):
    index = {id(p): i for i, p in enumerate(params)}
    out = []
    for p, st in opt.state.items():
        entry = {'index': index[id(p)], 'keys': list(st.keys())}
        for k, v in st.items():
            if k == 'step':
                entry['step'] = float(v.item())
                entry['step_dtype'] = str(v.dtype).replace('torch.', '')
            else:
                entry[k] = flat(v)
        out.append(entry)
    return out


class IEEESqrt:
    """Within the block, Tensor.sqrt / sqrt_ are the correctly rounded square root (numpy's).

    torch's CPU sqrt is MKL's vsSqrt, which is not correctly rounded (on the reference machine,
    ~20% of float32 results are one ulp off); trick uses the IEEE square root. Running torch's own
    optimizer code with only this one substitution gives vectors that pin every other operation
    bit for bit; the unpatched run is recorded as well and compared within a tolerance."""

    def __enter__(self):
        self.saved = torch.Tensor.sqrt, torch.Tensor.sqrt_

        def sqrt(t):
            return torch.from_numpy(np.sqrt(t.detach().numpy()))

        def sqrt_(t):
            with torch.no_grad():
                return t.copy_(sqrt(t))
        torch.Tensor.sqrt, torch.Tensor.sqrt_ = sqrt, sqrt_

    def __exit__(self, *exc):
        torch.Tensor.sqrt, torch.Tensor.sqrt_ = self.saved


def run_case(name, desc, kwargs, dtype, seed, ieee_sqrt=False):
    if ieee_sqrt:
        with IEEESqrt():
            return run_case(name, desc, kwargs, dtype, seed)
    cls = CLASSES[name]
    g = torch.Generator().manual_seed(seed)
    params = [torch.randn(s, generator=g, dtype=dtype).requires_grad_() for s in SHAPES]
    init = [flat(p) for p in params]
    group1 = {'params': [params[2]], 'lr': 0.03, 'weight_decay': 0.05}

    def groups():
        return [{'params': [params[0], params[1]]}, dict(group1)]

    kw = dict(kwargs, foreach=False)
    opt = cls(groups(), **kw)
    steps = []
    state_dict_at_reload = None
    for t in range(STEPS):
        if t in HALVE_LR_BEFORE:
            for pg in opt.param_groups:
                pg['lr'] = pg['lr'] * 0.5
        grads = []
        for i, p in enumerate(params):
            if (i == 1 and t < 2) or (i == 2 and t in (6, 13)):
                p.grad = None
                grads.append(None)
                continue
            gr = torch.randn(p.shape, generator=g, dtype=dtype)
            if t % 7 == 3:
                gr = gr * 10
            if i == 0 and t == 4:
                gr = torch.zeros_like(gr)
            p.grad = gr
            grads.append(flat(gr))
        opt.step()
        steps.append({'grads': grads, 'params': [flat(p) for p in params], 'state': state_record(opt, params)})
        if t + 1 == RELOAD_AFTER:
            sd = opt.state_dict()
            state_dict_at_reload = {
                'state': [{'index': k, 'keys': list(v.keys())} for k, v in sd['state'].items()],
                'param_groups': [{'params': pg['params'], 'options': options(pg)} for pg in sd['param_groups']],
            }
            opt2 = cls(groups(), **kw)
            opt2.load_state_dict(sd)
            opt = opt2
    return {
        'optimizer': cls.__name__, 'desc': desc, 'dtype': str(dtype).replace('torch.', ''),
        'kwargs': options(kw), 'group1': options(group1), 'shapes': [list(s) for s in SHAPES],
        'init': init, 'steps': steps, 'reload_after': RELOAD_AFTER, 'halve_lr_before': list(HALVE_LR_BEFORE), 'state_dict_at_reload': state_dict_at_reload,
        'param_groups_final': [options(pg) for pg in opt.param_groups],
    }


# MMEngine 0.10.7 schedulers bound to a torch optimizer, stepped as the runner's ParamSchedulerHook
# does (record the lr used by the iteration, optimizer.step(), then every scheduler's step()).
SCHEDULED = [
    ('warm-up then poly, SGD momentum, head lr x10 (trick 1 + the seed schedule)', 'sgd',
     dict(lr=0.01, momentum=0.9, weight_decay=5e-4), {'lr': 0.1},
     [('LinearLR', dict(start_factor=0.001, by_epoch=False, begin=0, end=5)),
      ('PolyLR', dict(eta_min=1e-4, power=0.9, by_epoch=False, begin=5, end=30))]),
    ('cosine and multi-step chained (both active), AdamW', 'adamw',
     dict(lr=1e-3, weight_decay=0.05), {'lr': 2e-3, 'weight_decay': 0.0},
     [('CosineAnnealingLR', dict(T_max=10, eta_min=1e-5, by_epoch=False, begin=0, end=30)),
      ('MultiStepLR', dict(milestones=[8, 16], gamma=0.5, by_epoch=False))]),
    ('constant, step and exponential chained, RMSprop', 'rmsprop',
     dict(lr=0.01, momentum=0.5), {'lr': 0.003},
     [('ConstantLR', dict(factor=0.5, by_epoch=False, begin=0, end=6)),
      ('StepLR', dict(step_size=4, gamma=0.7, by_epoch=False)),
      ('ExponentialLR', dict(gamma=0.95, by_epoch=False, begin=10, end=25))]),
    ('one cycle, Adam', 'adam',
     dict(lr=1e-3), {'lr': 5e-4},
     [('OneCycleLR', dict(eta_max=0.01, total_steps=30, by_epoch=False))]),
    ('cosine momentum with a linear lr warm-up, SGD', 'sgd',
     dict(lr=0.01, momentum=0.95, weight_decay=1e-4), {'lr': 0.02},
     [('LinearLR', dict(start_factor=0.1, by_epoch=False, begin=0, end=4)),
      ('CosineAnnealingMomentum', dict(T_max=10, eta_min=0.85, by_epoch=False, begin=0, end=30))]),
    ('linear and step momentum on betas[0], AdamW', 'adamw',
     dict(lr=1e-3, betas=(0.95, 0.99)), {'lr': 3e-3},
     [('LinearMomentum', dict(start_factor=0.9, by_epoch=False, begin=0, end=8)),
      ('StepMomentum', dict(step_size=10, gamma=0.99, by_epoch=False))]),
]
SCHEDULED_ITERS = 30


def run_scheduled(desc, name, kwargs, group1, schedulers, seed):
    import mmengine.optim.scheduler as ms
    cls = CLASSES[name]
    g = torch.Generator().manual_seed(seed)
    params = [torch.randn(s, generator=g).requires_grad_() for s in SHAPES]
    init = [flat(p) for p in params]
    opt = cls([{'params': [params[0], params[1]]}, dict(group1, params=[params[2]])], foreach=False, **kwargs)
    scheds = [getattr(ms, t)(opt, **kw) for t, kw in schedulers]
    lrs, momenta, grads, after = [], [], [], []
    for _ in range(SCHEDULED_ITERS):
        lrs.append([repr(pg['lr']) for pg in opt.param_groups])
        momenta.append([repr(pg['betas'][0] if 'betas' in pg else pg['momentum']) for pg in opt.param_groups])
        step_grads = []
        for p in params:
            p.grad = torch.randn(p.shape, generator=g)
            step_grads.append(flat(p.grad))
        grads.append(step_grads)
        opt.step()
        for sch in scheds:
            sch.step()
        after.append([flat(p) for p in params])
    return {'desc': desc, 'optimizer': cls.__name__, 'kwargs': options(dict(kwargs, foreach=False)), 'group1': options(group1),
            'schedulers': [[t, {k: jsonable(v) for k, v in kw.items()}] for t, kw in schedulers],
            'shapes': [list(s) for s in SHAPES], 'init': init, 'lrs': lrs, 'momenta': momenta, 'grads': grads, 'params': after,
            'last_value': [[repr(v) for v in sch.get_last_value()] for sch in scheds],
            'param_groups_final': [options(pg) for pg in opt.param_groups]}


def scheduled():
    out = []
    for i, (desc, name, kwargs, group1, schedulers) in enumerate(SCHEDULED):
        case = run_scheduled(desc, name, kwargs, group1, schedulers, 1000 + i)
        if name != 'sgd':
            with IEEESqrt():
                ieee = run_scheduled(desc, name, kwargs, group1, schedulers, 1000 + i)
            assert ieee['lrs'] == case['lrs'] and ieee['momenta'] == case['momenta']
            case['params_ieee_sqrt'] = ieee['params']
        out.append(case)
    return out


# torch.optim.lr_scheduler schedulers chained on one optimizer (two groups), each stepped every
# iteration after optimizer.step(), as torch's documentation chains them.
TORCH_CHAINS = [
    ('ExponentialLR + MultiStepLR', [('ExponentialLR', dict(gamma=0.9)), ('MultiStepLR', dict(milestones=[3, 7, 7], gamma=0.5))]),
    ('ConstantLR + ExponentialLR + StepLR', [('ConstantLR', dict(factor=0.5, total_iters=4)), ('ExponentialLR', dict(gamma=0.95)),
                                             ('StepLR', dict(step_size=5, gamma=0.5))]),
    ('LinearLR + CosineAnnealingLR', [('LinearLR', dict(start_factor=0.1, total_iters=4)),
                                      ('CosineAnnealingLR', dict(T_max=8, eta_min=1e-4))]),
    ('PolynomialLR', [('PolynomialLR', dict(total_iters=12, power=2.0))]),
    ('LinearLR + PolynomialLR', [('LinearLR', dict(start_factor=0.25, end_factor=0.75, total_iters=3)),
                                 ('PolynomialLR', dict(total_iters=10))]),
    ('defaults: ConstantLR, LinearLR, PolynomialLR', [('ConstantLR', {}), ('LinearLR', {}), ('PolynomialLR', {})]),
    ('SWALR cos', [('SWALR', dict(swa_lr=0.05, anneal_epochs=5))]),
    ('SWALR linear, one swa_lr per group', [('SWALR', dict(swa_lr=[0.02, 0.4], anneal_epochs=3, anneal_strategy='linear'))]),
    ('SWALR without annealing', [('SWALR', dict(swa_lr=0.01, anneal_epochs=0))]),
]


def torch_chains():
    import torch.optim.lr_scheduler as ls
    from torch.optim.swa_utils import SWALR
    out = []
    for desc, chain in TORCH_CHAINS:
        p0, p1 = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
        opt = torch.optim.SGD([{'params': [p0]}, {'params': [p1], 'lr': 0.3}], lr=0.1)
        scheds = [(SWALR if t == 'SWALR' else getattr(ls, t))(opt, **kw) for t, kw in chain]
        lrs = []
        for _ in range(20):
            lrs.append([repr(pg['lr']) for pg in opt.param_groups])
            opt.step()
            for sch in scheds:
                sch.step()
        out.append({'desc': desc, 'schedulers': [[t, {k: jsonable(v) for k, v in kw.items()}] for t, kw in chain],
                    'lrs': lrs, 'last_lr': [[repr(v) for v in sch.get_last_lr()] for sch in scheds],
                    'param_groups_final': [options(pg) for pg in opt.param_groups]})
    return out


def clip_cases():
    """torch.nn.utils.clip_grad_norm_ / clip_grad_value_ on three parameters (one without grad)."""
    out = []
    g = torch.Generator().manual_seed(77)
    specs = [
        ('2-norm, clipping', dict(max_norm=0.5), torch.float32, 'norm'),
        ('2-norm, no clipping (coefficient clamped to 1)', dict(max_norm=100.0), torch.float32, 'norm'),
        ('inf-norm', dict(max_norm=0.3, norm_type=float('inf')), torch.float32, 'norm'),
        ('1-norm', dict(max_norm=1.0, norm_type=1), torch.float32, 'norm'),
        ('3-norm', dict(max_norm=0.7, norm_type=3.0), torch.float32, 'norm'),
        ('2-norm, float64', dict(max_norm=0.5), torch.float64, 'norm'),
        ('2-norm, float32 and float64 grads', dict(max_norm=0.5), 'mixed', 'norm'),
        ('non-finite norm raises', dict(max_norm=1.0, error_if_nonfinite=True), 'inf', 'norm'),
        ('non-finite norm without error', dict(max_norm=1.0), 'inf', 'norm'),
        ('value', dict(clip_value=0.3), torch.float32, 'value'),
    ]
    for desc, kw, dt, kind in specs:
        dtypes = {'mixed': [torch.float32, torch.float32, torch.float64]}.get(dt, [torch.float32 if dt == 'inf' else dt] * 3)
        params = [torch.zeros(s, dtype=d, requires_grad=True) for s, d in zip(SHAPES, dtypes)]
        for i, p in enumerate(params):
            p.grad = None if i == 1 else torch.randn(p.shape, generator=g, dtype=p.dtype)
        if dt == 'inf':
            params[0].grad[0, 1] = float('inf')
        before = [None if p.grad is None else flat(p.grad) for p in params]
        case = {'desc': desc, 'kind': kind, 'kwargs': {k: repr(float(v)) if not isinstance(v, bool) else v for k, v in kw.items()},
                'dtypes': [str(d).replace('torch.', '') for d in dtypes], 'shapes': [list(s) for s in SHAPES], 'grads': before}
        try:
            if kind == 'norm':
                total = torch.nn.utils.clip_grad_norm_(params, foreach=False, **kw)
                case['total_norm'] = repr(float(total))
                case['total_norm_dtype'] = str(total.dtype).replace('torch.', '')
            else:
                torch.nn.utils.clip_grad_value_(params, foreach=False, **kw)
            case['after'] = [None if p.grad is None else flat(p.grad) for p in params]
        except RuntimeError as e:
            case['error'] = str(e)
        out.append(case)
    return out


def wrapper_case():
    """mmengine 0.10.7 OptimWrapper(SGD, accumulative_counts=3, clip_grad=dict(max_norm=1.0)) with
    initialize_count_status(model, 0, 10): 10 update_params calls of loss = sum(w * c_t)."""
    from mmengine.optim import OptimWrapper
    g = torch.Generator().manual_seed(99)
    model = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(s, generator=g)) for s in SHAPES])
    init = [flat(p) for p in model]
    opt = torch.optim.SGD([{'params': [model[0], model[1]]}, {'params': [model[2]], 'lr': 0.05}],
                          lr=0.1, momentum=0.9, foreach=False)
    wrapper = OptimWrapper(opt, accumulative_counts=3, clip_grad=dict(max_norm=1.0))
    wrapper.initialize_count_status(model, 0, 10)
    iters = []
    for _ in range(10):
        cs = [torch.randn(p.shape, generator=g) for p in model]
        loss = sum((p * c).sum() for p, c in zip(model, cs))
        wrapper.update_params(loss)
        try:  # logged by each clipped step (not before the first update)
            grad_norm = repr(float(wrapper.message_hub.get_scalar('train/grad_norm').current()))
        except KeyError:
            grad_norm = None
        iters.append({'c': [flat(c) for c in cs], 'inner_count': wrapper.inner_count,
                      'params': [flat(p) for p in model],
                      'grads': [None if p.grad is None else flat(p.grad) for p in model],
                      'grad_norm': grad_norm})
    return {'desc': 'SGD momentum, accumulative_counts=3, clip_grad max_norm=1.0, max_counts=10',
            'shapes': [list(s) for s in SHAPES], 'init': init, 'iterations': iters,
            'lr': [repr(x) for x in wrapper.get_lr()['lr']], 'momentum': [repr(x) for x in wrapper.get_momentum()['momentum']]}


def errors():
    out = []
    for name, cls in CLASSES.items():
        fn = getattr(co, 'optim_error_inputs_func_' + name)
        cases = [(e.optimizer_error_input.desc, e.optimizer_error_input.kwargs) for e in fn('cpu', torch.float32)
                 if e.optimizer_error_input.params is None]
        cases += [('negative lr', dict(lr=-1)), ('negative lr float', dict(lr=-0.5)),
                  ('negative weight_decay', dict(weight_decay=-0.1))]
        if name == 'sgd':
            cases += [('nesterov with dampening', dict(momentum=0.9, dampening=0.1, nesterov=True)),
                      ('nesterov without momentum', dict(nesterov=True))]
        if name in ('adam', 'adamw'):
            cases += [('beta2 out of range', dict(betas=(0.9, 1.0))), ('negative eps', dict(eps=-1e-8))]
        if name == 'rmsprop':
            cases += [('negative alpha', dict(alpha=-0.5)), ('negative eps', dict(eps=-1.0))]
        for desc, kw in cases:
            if any(isinstance(v, torch.Tensor) for v in kw.values()) or 'foreach' in kw:
                continue
            try:
                cls([torch.zeros(1, requires_grad=True)], **kw)
            except Exception as e:  # noqa: BLE001 - record whatever torch raises
                out.append({'optimizer': cls.__name__, 'desc': desc, 'kwargs': options(kw),
                            'error_type': type(e).__name__, 'message': str(e)})
            else:
                raise SystemExit(f'{name} {desc}: torch accepted {kw}')
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    seed = 0
    for name in CLASSES:
        cases = []
        for desc, kwargs in upstream_inputs(name) + EXTRA[name]:
            for dtype in (torch.float32, torch.float64):
                seed += 1
                case = run_case(name, desc, kwargs, dtype, seed)
                if name != 'sgd':  # SGD takes no square root
                    ieee = run_case(name, desc, kwargs, dtype, seed, ieee_sqrt=True)
                    assert [s['grads'] for s in ieee['steps']] == [s['grads'] for s in case['steps']]
                    case['steps_ieee_sqrt'] = [{'params': s['params'], 'state': s['state']} for s in ieee['steps']]
                cases.append(case)
        with open(os.path.join(OUT, name + '.json'), 'w') as f:
            json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
        print(name, len(cases), 'cases')
    sch = scheduled()
    with open(os.path.join(OUT, 'scheduled.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': sch}, f, separators=(',', ':'))
    print('scheduled', len(sch))
    with open(os.path.join(OUT, 'torch_schedulers.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': torch_chains()}, f, indent=None, separators=(',', ':'))
    print('torch_schedulers')
    with open(os.path.join(OUT, 'clip_wrapper.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'clip': clip_cases(), 'wrapper': wrapper_case()}, f, separators=(',', ':'))
    print('clip_wrapper')
    errs = errors()
    with open(os.path.join(OUT, 'errors.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': errs}, f, indent=1)
    print('errors', len(errs))


if __name__ == '__main__':
    main()
