from .weighted import WeightedL1, ConfigError
