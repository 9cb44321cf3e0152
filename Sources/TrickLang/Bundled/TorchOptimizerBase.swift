/// torch.optim.Optimizer (torch 2.4.1) in trick, as the base class scripts derive from for the
/// optimizers torch does not ship — SAM, Lookahead, LARS: `Optimizer(params, defaults)` builds
/// `param_groups` (the group dicts the script passed, `params` made a list, the defaults filled in
/// by `setdefault`, torch's errors for a tensor as params, an empty list, a non-tensor or a
/// parameter in two groups, its warning for a parameter twice in one group), `state` (a
/// `defaultdict(dict)` keyed by the parameter objects), `zero_grad(set_to_none=True)`,
/// `add_param_group`, `state_dict()` (parameters numbered across the groups; the values are the
/// script's own objects) and `load_state_dict()` (saved groups deep-copied and given the current
/// params, floating state cast to its parameter's dtype except `step`, then `__setstate__`), and
/// torch's `__repr__`. trick's own SGD/Adam/AdamW/RMSprop are built-ins, instances of this class
/// for `isinstance` (their payload's `referenceBases`).
/// Where trick differs: no step/state-dict hooks (`register_step_pre_hook` and friends), and
/// `zero_grad(set_to_none=False)` assigns zeros to `p.grad` rather than zeroing it in place.
enum TorchOptimizerBase {
    static let exported = ["Optimizer"]

    static let source = #"""
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

import torch


def _typename(o):
    # torch.typename: a tensor's type(), else the module-qualified class name
    if isinstance(o, torch.Tensor):
        return o.type()
    cls = type(o)
    module = getattr(cls, '__module__', None)
    prefix = '' if module in (None, 'builtins') else module + '.'
    return prefix + cls.__name__


class _RequiredParameter:
    """Marks a default every param group must give (torch.optim.optimizer.required)."""

    def __repr__(self):
        return '<required parameter>'


required = _RequiredParameter()


def _cast(param, value, key=None):
    # load_state_dict's copy of a parameter's state: floating tensors take the parameter's dtype
    # (never 'step'), dicts and sequences are rebuilt, anything else is kept
    if isinstance(value, torch.Tensor):
        if key != 'step' and param.is_floating_point():
            return value.to(dtype=param.dtype)
        return value
    if isinstance(value, dict):
        return {k: _cast(param, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


class Optimizer:
    """torch.optim.Optimizer: the base class of optimizers; a subclass gives `defaults` to
    `super().__init__(params, defaults)` and writes `step()` over `self.param_groups` and
    `self.state[p]`. Where trick differs: no step or state-dict hooks, and
    `zero_grad(set_to_none=False)` assigns zeros to `p.grad` instead of zeroing it in place."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, torch.Tensor):
            raise TypeError('params argument given to the optimizer should be an iterable of Tensors or dicts, but got '
                            + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError('optimizer got an empty parameter list')
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state):
        for key, value in state.items():
            setattr(self, key, value)
        self.defaults.setdefault('differentiable', False)

    def __repr__(self):
        text = type(self).__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            text += '\n' + f'Parameter Group {i}\n'
            for key in sorted(group.keys()):
                if key != 'params':
                    text += f'    {key}: {group[key]}\n'
        return text + ')'

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f'param_group must be a dict, but got {type(param_group)}')
        params = param_group['params']
        if isinstance(params, torch.Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of '
                            'tensors in sets will change between runs. Please use a list instead.')
        else:
            param_group['params'] = list(params)
        for param in param_group['params']:
            if not isinstance(param, torch.Tensor):
                raise TypeError('optimizer can only optimize Tensors, but one of the params is ' + _typename(param))
            if not self.defaults.get('differentiable', None) and not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group['params']
        if len(params) != len(set(params)):
            warnings.warn('optimizer contains a parameter group with duplicate parameters; in future, this will cause '
                          'an error; see github.com/pytorch/pytorch/issues/40967 for more information')
        taken = set()
        for group in self.param_groups:
            taken.update(set(group['params']))
        if not taken.isdisjoint(set(param_group['params'])):
            raise ValueError('some parameters appear in more than one parameter group')
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        # torch reads the foreach flag first: a subclass that never set defaults fails here too
        self.defaults.get('foreach', False) or self.defaults.get('fused', False)
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad = torch.zeros_like(p.grad)

    def step(self, closure=None):
        raise NotImplementedError

    def state_dict(self):
        index = {}
        start = 0
        param_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            for i, p in enumerate(group['params'], start):
                if id(p) not in index:
                    index[id(p)] = i
            packed['params'] = [index[id(p)] for p in group['params']]
            start += len(packed['params'])
            param_groups.append(packed)
        state = {(index[id(k)] if isinstance(k, torch.Tensor) else k): v for k, v in self.state.items()}
        return {'state': state, 'param_groups': param_groups}

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict['param_groups'])
        if len(groups) != len(saved_groups):
            raise ValueError('loaded state dict has a different number of parameter groups')
        if any(len(g['params']) != len(s['params']) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g['params'] for g in saved_groups),
                          chain.from_iterable(g['params'] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved['params'] = group['params']
        self.__setstate__({'state': state, 'param_groups': saved_groups})
"""#
}
