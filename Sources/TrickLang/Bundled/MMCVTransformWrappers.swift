/// mmcv.transforms.wrappers (mmcv 2.1) in trick: `KeyMapper` (renames and regroups the fields a
/// sub-pipeline sees and writes), `TransformBroadcaster` (runs it on each item of a list of
/// fields, optionally with shared random parameters), `RandomChoice` and `RandomApply`, each
/// registered in TRANSFORMS; `Compose` is trick's own.
enum MMCVTransformWrappers {
    static let exported = ["KeyMapper", "TransformBroadcaster", "RandomChoice", "RandomApply"]
    static let registered = exported

    static let source = #"""
import numpy as np

from mmcv.transforms import BaseTransform, Compose
from mmcv.transforms.builder import TRANSFORMS
from mmcv.transforms.utils import cache_random_params, cache_randomness
from contextlib import nullcontext

# stands for a field that is left out (`...` in a mapping, or missing with allow_nonexist_keys)
IgnoreKey = object()


@TRANSFORMS.register_module()
class KeyMapper(BaseTransform):
    """Runs `transforms` on renamed fields: `mapping` says which outer field each inner key
    reads (a name, a list or dict of names, or ... to hide it), `remapping` where each inner
    key is written back (auto_remap: the inverse of `mapping`)."""

    def __init__(self, transforms=None, mapping=None, remapping=None, auto_remap=None,
                 allow_nonexist_keys=False):
        super().__init__()
        self.allow_nonexist_keys = allow_nonexist_keys
        self.mapping = mapping
        if auto_remap is None:
            auto_remap = remapping is None
        self.auto_remap = auto_remap
        if self.auto_remap:
            if remapping is not None:
                raise ValueError('KeyMapper: ``remapping`` must be None if`auto_remap` is set True.')
            self.remapping = mapping
        else:
            self.remapping = remapping
        if transforms is None:
            transforms = []
        self.transforms = Compose(transforms)

    def __iter__(self):
        return iter(self.transforms)

    def _map_input(self, data, mapping):
        if mapping is None:
            return data.copy()

        def gather(m):
            if isinstance(m, dict):
                return {inner: gather(outer) for inner, outer in m.items()}
            if isinstance(m, list):
                return [gather(e) for e in m]
            if isinstance(m, tuple):
                return tuple(gather(e) for e in m)
            if m is ...:
                return IgnoreKey
            if self.allow_nonexist_keys:
                return data.get(m, IgnoreKey)
            return data.get(m)

        inputs = data.copy()
        inputs.update(gather(mapping))
        return inputs

    def _map_output(self, data, remapping):
        if remapping is None:
            return {k: v for k, v in data.items() if v is not IgnoreKey}

        def scatter(value, m):
            if isinstance(m, dict):
                assert isinstance(value, dict)
                out = {}
                for inner, outer in m.items():
                    assert inner in value
                    out.update(scatter(value[inner], outer))
                return out
            if isinstance(m, (list, tuple)):
                assert isinstance(value, (list, tuple))
                assert len(value) == len(m)
                out = {}
                for m_i, v_i in zip(m, value):
                    out.update(scatter(v_i, m_i))
                return out
            if m is ... or value is IgnoreKey:
                return {}
            return {m: value}

        return scatter(data, remapping)

    def _apply_transforms(self, inputs):
        results = inputs.copy()
        visible = {k: v for k, v in inputs.items() if v is not IgnoreKey}
        outputs = self.transforms(visible)
        if outputs is None:
            raise ValueError(f'Transforms wrapped by {self.__class__.__name__} should not return None.')
        results.update(outputs)
        return results

    def transform(self, results):
        inputs = self._map_input(results, self.mapping)
        outputs = self._apply_transforms(inputs)
        results.update(self._map_output(outputs, self.remapping))
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(transforms = {self.transforms}, mapping = {self.mapping}, '
                f'remapping = {self.remapping}, auto_remap = {self.auto_remap}, '
                f'allow_nonexist_keys = {self.allow_nonexist_keys})')


@TRANSFORMS.register_module()
class TransformBroadcaster(KeyMapper):
    """Runs `transforms` once per item of the mapped list fields (all of one length) and
    gathers the outputs back into lists; share_random_params draws random parameters once."""

    def __init__(self, transforms, mapping=None, remapping=None, auto_remap=None,
                 allow_nonexist_keys=False, share_random_params=False):
        super().__init__(transforms, mapping, remapping, auto_remap, allow_nonexist_keys)
        self.share_random_params = share_random_params

    def scatter_sequence(self, data):
        keys = list(self.mapping.keys()) if self.mapping else list(data.keys())
        length = 0
        first = None
        for key in keys:
            assert isinstance(data[key], (list, tuple, str))
            if length:
                if len(data[key]) != length:
                    raise ValueError(f'Got inconsistent sequence length: {length} ({first}) vs. '
                                     f'{len(data[key])} ({key})')
            else:
                length = len(data[key])
                first = key
        assert length > 0, 'Fail to get the number of broadcasting targets'
        scatters = []
        for i in range(length):
            item = data.copy()
            for key in keys:
                item[key] = data[key][i]
            scatters.append(item)
        return scatters

    def transform(self, results):
        inputs = self._map_input(results, self.mapping)
        scatters = self.scatter_sequence(inputs)
        context = cache_random_params if self.share_random_params else nullcontext
        with context(self.transforms):
            outputs = [self._apply_transforms(item) for item in scatters]
        gathered = {key: [out[key] for out in outputs] for key in outputs[0]}
        results.update(self._map_output(gathered, self.remapping))
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(transforms = {self.transforms}, mapping = {self.mapping}, '
                f'remapping = {self.remapping}, auto_remap = {self.auto_remap}, '
                f'allow_nonexist_keys = {self.allow_nonexist_keys}, '
                f'share_random_params = {self.share_random_params})')


@TRANSFORMS.register_module()
class RandomChoice(BaseTransform):
    """Runs one of the candidate pipelines, drawn with probabilities `prob` (uniform if None)."""

    def __init__(self, transforms, prob=None):
        super().__init__()
        if prob is not None:
            assert isinstance(prob, (list, tuple)) and all(isinstance(p, float) for p in prob)
            assert len(transforms) == len(prob), \
                '``transforms`` and ``prob`` must have same lengths. ' \
                f'Got {len(transforms)} vs {len(prob)}.'
            assert sum(prob) == 1
        self.prob = prob
        self.transforms = [Compose(t) for t in transforms]

    def __iter__(self):
        return iter(self.transforms)

    @cache_randomness
    def random_pipeline_index(self):
        return np.random.choice(np.arange(len(self.transforms)), p=self.prob)

    def transform(self, results):
        return self.transforms[int(self.random_pipeline_index())](results)

    def __repr__(self):
        return f'{self.__class__.__name__}(transforms = {self.transforms}prob = {self.prob})'


@TRANSFORMS.register_module()
class RandomApply(BaseTransform):
    """Runs `transforms` with probability `prob`."""

    def __init__(self, transforms, prob=0.5):
        super().__init__()
        self.prob = prob
        self.transforms = Compose(transforms)

    def __iter__(self):
        return iter(self.transforms)

    @cache_randomness
    def random_apply(self):
        return np.random.rand() < self.prob

    def transform(self, results):
        if self.random_apply():
            return self.transforms(results)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(transforms = {self.transforms}, prob = {self.prob})'
"""#
}
