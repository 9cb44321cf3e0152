# Source: https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.registry.build_from_cfg.html — the docstring example of mmengine.registry.build_from_cfg, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print(); print() of the results appended.
from mmengine import Registry, build_from_cfg
MODELS = Registry('models')
@MODELS.register_module()
class ResNet:
    def __init__(self, depth, stages=4):
        self.depth = depth
        self.stages = stages
cfg = dict(type='ResNet', depth=50)
model = build_from_cfg(cfg, MODELS)
@MODELS.register_module()
def resnet50():
    pass
resnet = build_from_cfg(dict(type='resnet50'), MODELS)
print(type(model).__name__, model.depth, model.stages, resnet)
