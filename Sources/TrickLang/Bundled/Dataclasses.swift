/// Python's `dataclasses` (CPython 3.11) in trick: `@dataclass` (init, repr, eq, order,
/// unsafe_hash, frozen's hash), `field` (default, default_factory, init, repr, compare),
/// `fields`, `asdict`, `astuple`, `replace`, `is_dataclass`, `MISSING`. The generated methods are
/// closures over the fields (CPython writes their source and execs it); their errors say what
/// CPython's do. Where trick differs: a frozen dataclass is hashable but assignment to its
/// fields is not prevented.
enum Dataclasses {
    static let source = #"""
import copy


class _MissingType:
    def __repr__(self):
        return '<dataclasses._MISSING_TYPE object>'


MISSING = _MissingType()


class Field:
    def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = {} if metadata is None else metadata
        self.kw_only = kw_only

    def __repr__(self):
        return (f'Field(name={self.name!r},type={self.type!r},default={self.default!r},'
                f'default_factory={self.default_factory!r},init={self.init!r},repr={self.repr!r},'
                f'hash={self.hash!r},compare={self.compare!r},metadata={self.metadata!r},'
                f'kw_only={self.kw_only!r},_field_type=_FIELD)')


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None,
          compare=True, metadata=None, kw_only=MISSING):
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError('cannot specify both default and default_factory')
    return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)


def is_dataclass(obj):
    cls = obj if isinstance(obj, type) or hasattr(obj, '__mro__') else type(obj)
    return hasattr(cls, '__dataclass_fields__')


def fields(class_or_instance):
    try:
        found = class_or_instance.__dataclass_fields__
    except AttributeError:
        raise TypeError('must be called with a dataclass type or instance')
    return tuple(found.values())


def _value_tuple(obj, fs):
    return tuple(getattr(obj, f.name) for f in fs)


def _process_class(cls, init, repr, eq, order, unsafe_hash, frozen):
    all_fields = {}
    for base in cls.__mro__[-1:0:-1]:
        for f in getattr(base, '__dataclass_fields__', {}).values():
            all_fields[f.name] = f
    own = cls.__dict__
    for name, type_ in own.get('__annotations__', {}).items():
        default = own.get(name, MISSING)
        f = default if isinstance(default, Field) else field(default=default)
        f.name = name
        f.type = type_
        if isinstance(f.default, (list, dict, set)):
            raise ValueError(f'mutable default {type(f.default)} for field {name} is not allowed: '
                             'use default_factory')
        if isinstance(default, Field):
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        all_fields[name] = f
    cls.__dataclass_fields__ = all_fields
    fs = list(all_fields.values())
    init_fields = [f for f in fs if f.init]
    seen_default = False
    for f in init_fields:
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f'non-default argument {f.name!r} follows default argument')
    qualname = cls.__qualname__

    if init:
        def __init__(self, *args, **kwargs):
            if len(args) > len(init_fields):
                least = len([f for f in init_fields if f.default is MISSING and f.default_factory is MISSING])
                takes = f'{len(init_fields) + 1}' if least == len(init_fields) else f'from {least + 1} to {len(init_fields) + 1}'
                raise TypeError(f'{qualname}.__init__() takes {takes} positional '
                                f'arguments but {len(args) + 1} were given')
            values = {}
            for f, v in zip(init_fields, args):
                values[f.name] = v
            names = [f.name for f in init_fields]
            for k, v in kwargs.items():
                if k not in names:
                    raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument '{k}'")
                if k in values:
                    raise TypeError(f"{qualname}.__init__() got multiple values for argument '{k}'")
                values[k] = v
            missing = [f.name for f in init_fields if f.name not in values
                       and f.default is MISSING and f.default_factory is MISSING]
            if missing:
                s = '' if len(missing) == 1 else 's'
                quoted = [f'{m!r}' for m in missing]   # (`repr` is a parameter here)
                listed = ' and '.join(quoted) if len(quoted) <= 2 else ', '.join(quoted[:-1]) + ', and ' + quoted[-1]
                raise TypeError(f'{qualname}.__init__() missing {len(missing)} required positional '
                                f'argument{s}: {listed}')
            for f in fs:
                if f.name in values:
                    setattr(self, f.name, values[f.name])
                elif f.default_factory is not MISSING:
                    setattr(self, f.name, f.default_factory())
                elif f.default is not MISSING:
                    setattr(self, f.name, f.default)
            if hasattr(self, '__post_init__'):
                self.__post_init__()
        cls.__init__ = __init__

    if repr and '__repr__' not in own:
        def __repr__(self):
            shown = ', '.join(f'{f.name}={getattr(self, f.name)!r}' for f in fs if f.repr)
            return f'{qualname}({shown})'
        cls.__repr__ = __repr__

    compared = [f for f in fs if f.compare]
    if eq and '__eq__' not in own:
        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return _value_tuple(self, compared) == _value_tuple(other, compared)
            return False
        cls.__eq__ = __eq__

    if order:
        def make(op):
            def compare(self, other):
                if other.__class__ is not self.__class__:
                    raise TypeError(f"'{op}' not supported between instances of "
                                    f"'{type(self).__name__}' and '{type(other).__name__}'")
                a, b = _value_tuple(self, compared), _value_tuple(other, compared)
                return {'<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b}[op]
            return compare
        cls.__lt__ = make('<')
        cls.__le__ = make('<=')
        cls.__gt__ = make('>')
        cls.__ge__ = make('>=')

    if unsafe_hash or (eq and frozen):
        hashed = [f for f in fs if (f.compare if f.hash is None else f.hash)]

        def __hash__(self):
            return hash(_value_tuple(self, hashed))
        cls.__hash__ = __hash__
    return cls


def dataclass(cls=None, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False,
              frozen=False, match_args=True, kw_only=False, slots=False, weakref_slot=False):
    if order and not eq:
        raise ValueError('eq must be true if order is true')

    def wrap(c):
        return _process_class(c, init, repr, eq, order, unsafe_hash, frozen)
    if cls is None:
        return wrap
    return wrap(cls)


def _convert(obj, factory):
    if is_dataclass(obj) and not hasattr(obj, '__mro__'):
        return factory([(f.name, _convert(getattr(obj, f.name), factory)) for f in fields(obj)])
    if isinstance(obj, tuple) and hasattr(obj, '_fields'):
        return type(obj)(*[_convert(v, factory) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_convert(v, factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_convert(k, factory), _convert(v, factory)) for k, v in obj.items())
    return copy.deepcopy(obj)


def asdict(obj, *, dict_factory=dict):
    if not is_dataclass(obj) or hasattr(obj, '__mro__'):
        raise TypeError('asdict() should be called on dataclass instances')
    return _convert(obj, dict_factory)


def astuple(obj, *, tuple_factory=tuple):
    if not is_dataclass(obj) or hasattr(obj, '__mro__'):
        raise TypeError('astuple() should be called on dataclass instances')
    return tuple_factory(_convert(getattr(obj, f.name), lambda pairs: dict(pairs)) for f in fields(obj))


def replace(obj, **changes):
    for f in fields(obj):
        if not f.init and f.name in changes:
            raise ValueError(f'field {f.name} is declared with init=False, it cannot be specified with replace()')
        if f.init and f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)
"""#
}
