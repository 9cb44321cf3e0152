/// mmengine.model.weight_init's module initialisers (mmengine 0.10.7) in trick: `constant_init`,
/// `xavier_init`, `normal_init`, `uniform_init`, `kaiming_init`, `caffe2_xavier_init` (each fills
/// `module.weight` with torch.nn.init's function and `module.bias` with a constant, skipping
/// either when the module has none) and `bias_init_with_prob`. Where trick differs: the random
/// ones draw from trick's own stream, so the values are not torch's for the same seed.
enum MMEngineWeightInit {
    static let exported = ["constant_init", "xavier_init", "normal_init", "uniform_init", "kaiming_init",
                           "caffe2_xavier_init", "bias_init_with_prob"]

    static let source = #"""
import math

import torch.nn as nn


def _has(module, name):
    return hasattr(module, name) and getattr(module, name) is not None


def constant_init(module, val, bias=0):
    if _has(module, 'weight'):
        nn.init.constant_(module.weight, val)
    if _has(module, 'bias'):
        nn.init.constant_(module.bias, bias)


def xavier_init(module, gain=1, bias=0, distribution='normal'):
    assert distribution in ['uniform', 'normal']
    if _has(module, 'weight'):
        if distribution == 'uniform':
            nn.init.xavier_uniform_(module.weight, gain=gain)
        else:
            nn.init.xavier_normal_(module.weight, gain=gain)
    if _has(module, 'bias'):
        nn.init.constant_(module.bias, bias)


def normal_init(module, mean=0, std=1, bias=0):
    if _has(module, 'weight'):
        nn.init.normal_(module.weight, mean, std)
    if _has(module, 'bias'):
        nn.init.constant_(module.bias, bias)


def uniform_init(module, a=0, b=1, bias=0):
    if _has(module, 'weight'):
        nn.init.uniform_(module.weight, a, b)
    if _has(module, 'bias'):
        nn.init.constant_(module.bias, bias)


def kaiming_init(module, a=0, mode='fan_out', nonlinearity='relu', bias=0, distribution='normal'):
    assert distribution in ['uniform', 'normal']
    if _has(module, 'weight'):
        if distribution == 'uniform':
            nn.init.kaiming_uniform_(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
        else:
            nn.init.kaiming_normal_(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
    if _has(module, 'bias'):
        nn.init.constant_(module.bias, bias)


def caffe2_xavier_init(module, bias=0):
    # Caffe2's XavierFill is kaiming_uniform_ with a=1 over fan_in
    kaiming_init(module, a=1, mode='fan_in', nonlinearity='leaky_relu', bias=bias, distribution='uniform')


def bias_init_with_prob(prior_prob):
    """The bias whose sigmoid is `prior_prob`: -log((1 - p) / p)."""
    return float(-math.log((1 - prior_prob) / prior_prob))
"""#
}
