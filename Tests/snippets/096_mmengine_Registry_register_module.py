# Source: https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.registry.Registry.html#mmengine.registry.Registry.register_module — the docstring example of mmengine.registry.Registry.register_module, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print(); print() of the results appended.
from mmengine import Registry
backbones = Registry('backbone')
@backbones.register_module()
class ResNet:
    pass
backbones = Registry('backbone')
@backbones.register_module(name='mnet')
class MobileNet:
    pass
class ResNet:
    pass
backbones.register_module(module=ResNet)
print(sorted(backbones.module_dict))
