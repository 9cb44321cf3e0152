# Source: https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.registry.Registry.html#mmengine.registry.Registry.build — the docstring example of mmengine.registry.Registry.build, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print(); print() of the results appended.
from mmengine import Registry
MODELS = Registry('models')
@MODELS.register_module()
class ResNet:
    def __init__(self, depth, stages=4):
        self.depth = depth
        self.stages = stages
cfg = dict(type='ResNet', depth=50)
model = MODELS.build(cfg)
print(model.depth, model.stages)
