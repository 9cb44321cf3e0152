class Registry:
    def __init__(self, name):
        self.name = name
        self.modules = {}

    def register_module(self, name=None):
        def deco(cls):
            self.modules[name or cls.__name__] = cls
            return cls
        return deco

    def build(self, cfg):
        cfg = dict(cfg)
        cls = self.modules[cfg.pop('type')]
        return cls(**cfg)


LOSSES = Registry('loss')
calls = 0


def build(cfg):
    global calls
    calls += 1
    return LOSSES.build(cfg)
