from ..registry import LOSSES
from .. import registry

EPS = 1e-6


class ConfigError(ValueError):
    pass


@LOSSES.register_module()
class WeightedL1:
    def __init__(self, weight=1.0):
        if weight < 0:
            raise ConfigError(f'weight must be >= 0, got {weight}')
        self.weight = weight

    def __call__(self, a, b):
        return self.weight * sum(abs(x - y) for x, y in zip(a, b)) / (len(a) + EPS)

    def __repr__(self):
        return f'WeightedL1(weight={self.weight}, registry={registry.LOSSES.name})'
