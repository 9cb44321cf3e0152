/// mmcv.transforms.utils (mmcv 2.1) in trick: `cache_randomness` marks a transform's method that
/// draws random values; inside `cache_random_params(transforms)` its first result is kept and
/// returned again (so a random flip is the same for every item a wrapper broadcasts to), and a
/// marked method called more than once for one sample is an error; `avoid_cache_randomness`
/// marks a class whose randomness cannot be cached.
enum MMCVTransformUtils {
    static let exported = ["cache_randomness", "cache_random_params", "avoid_cache_randomness"]

    static let source = #"""
import inspect
from contextlib import contextmanager

from mmcv.transforms import BaseTransform


class cache_randomness:
    """Marks a transform method returning random values (its result is cached inside
    cache_random_params). Only an instance method (first argument `self`) can be marked."""

    def __init__(self, func):
        if not inspect.isfunction(func):
            raise TypeError('Unsupport callable to decorate with@cache_randomness.')
        args = inspect.getfullargspec(func).args
        if len(args) == 0 or args[0] != 'self':
            raise TypeError('@cache_randomness should only be used to decorate instance methods '
                            '(the first argument is ``self``).')
        self.func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name):
        # the record is shared with the base class when the base has one, as in mmcv
        if not hasattr(owner, '_methods_with_randomness'):
            owner._methods_with_randomness = []
        owner._methods_with_randomness.append(name)

    def __get__(self, obj, cls):
        if obj is None:
            return self
        return _RandomMethod(self.func, obj, self.__name__)


class _RandomMethod:
    """A cache_randomness method bound to its transform."""

    def __init__(self, func, instance, name):
        self.func = func
        self.instance = instance
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        instance = self.instance
        name = self.__name__
        if getattr(instance, '_cache_enabled', False):
            if not hasattr(instance, '_cache'):
                instance._cache = {}
            if name not in instance._cache:
                instance._cache[name] = self.func(instance, *args, **kwargs)
            return instance._cache[name]
        if hasattr(instance, '_cache'):
            del instance._cache
        return self.func(instance, *args, **kwargs)


class _AvoidCacheRandomness:
    """`cls.avoid_cache_randomness`: True for the decorated class itself, not its subclasses."""

    def __get__(self, obj, objtype=None):
        return getattr(objtype, '_avoid_cache_randomness_class', None) is objtype


def avoid_cache_randomness(cls):
    """Marks a transform class whose randomness cannot be cached: using it inside
    cache_random_params (a broadcaster sharing random parameters) is an error."""
    assert issubclass(cls, BaseTransform)
    if getattr(cls, '_methods_with_randomness', None):
        raise RuntimeError(
            f'Class {cls.__name__} decorated with ``avoid_cache_randomness`` should not have '
            f'methods decorated with ``cache_randomness`` (invalid methods: '
            f'{cls._methods_with_randomness})')
    cls.avoid_cache_randomness = _AvoidCacheRandomness()
    cls._avoid_cache_randomness_class = cls
    return cls


def _is_iterable(t):
    return isinstance(t, (list, tuple)) or hasattr(t, '__iter__')


@contextmanager
def cache_random_params(transforms):
    """Within the block, each cache_randomness method of the transforms (and of the transforms
    they contain) returns its first result again, and may run at most once per sample."""
    originals = {}
    counts = {}

    def counted(obj, name):
        method = getattr(obj, name)
        key = (id(obj), name)
        originals[key] = method

        def wrapped(*args, **kwargs):
            counts[key] = counts.get(key, 0) + 1
            return method(*args, **kwargs)
        return wrapped

    def checked(obj):
        method = getattr(obj, 'transform')
        originals[(id(obj), 'transform')] = method

        def wrapped(*args, **kwargs):
            for name in obj._methods_with_randomness:
                counts[(id(obj), name)] = 0
            output = method(*args, **kwargs)
            for name in obj._methods_with_randomness:
                n = counts[(id(obj), name)]
                if n > 1:
                    raise RuntimeError(
                        'The method decorated with ``cache_randomness`` should be invoked at '
                        'most once during processing one data sample. The method '
                        f'{name} of {obj} has been invoked {n} times.')
            return output
        return wrapped

    def start(t):
        if getattr(t, 'avoid_cache_randomness', False):
            raise RuntimeError(
                f'Class {t.__class__.__name__} decorated with ``avoid_cache_randomness`` is not '
                'allowed to be used with ``cache_random_params`` (e.g. wrapped by '
                '``ApplyToMultiple`` with ``share_random_params==True``).')
        if not hasattr(t, '_methods_with_randomness'):
            return
        t._cache_enabled = True
        t.transform = checked(t)
        for name in t._methods_with_randomness:
            setattr(t, name, counted(t, name))

    def end(t):
        if not hasattr(t, '_methods_with_randomness'):
            return
        del t._cache_enabled
        if hasattr(t, '_cache'):
            del t._cache
        for name in t._methods_with_randomness:
            setattr(t, name, originals[(id(t), name)])
        t.transform = originals[(id(t), 'transform')]

    def apply(t, f):
        if isinstance(t, BaseTransform):
            f(t)
        if _is_iterable(t):
            for inner in t:
                apply(inner, f)

    try:
        apply(transforms, start)
        yield
    finally:
        apply(transforms, end)
"""#
}
