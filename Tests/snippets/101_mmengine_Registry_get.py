# Source: https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.registry.Registry.html#mmengine.registry.Registry.get — the docstring example of mmengine.registry.Registry.get, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print(); print() of the results appended.
from mmengine import Registry
MODELS = Registry('models')
@MODELS.register_module()
class ResNet:
    pass
resnet_cls = MODELS.get('ResNet')
DETECTORS = Registry('detector', parent=MODELS, scope='det')
resnet_cls = DETECTORS.get('ResNet')
CLASSIFIER = Registry('classifier', parent=MODELS, scope='cls')
@CLASSIFIER.register_module()
class MobileNet:
    pass
mobilenet_cls = DETECTORS.get('cls.MobileNet')
print(resnet_cls.__name__, mobilenet_cls.__name__)
