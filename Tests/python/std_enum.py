# enum as CPython 3.11: the Enums of modes and formats MMEngine/torch code defines (members,
# lookups, iteration, aliases, methods, IntEnum arithmetic, str mixins, auto, unique) and the errors.
from enum import Enum, IntEnum, auto, unique
import enum


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
    CRIMSON = 1          # an alias of RED

    def describe(self):
        return f'{self.name} is {self.value}'

    @property
    def is_warm(self):
        return self in (Color.RED,)

    @classmethod
    def default(cls):
        return cls.GREEN


print(Color.RED, repr(Color.RED), Color.RED.name, Color.RED.value, type(Color.RED), Color)
print(Color(2), Color['BLUE'], Color.CRIMSON is Color.RED, Color(Color.BLUE) is Color.BLUE, Color.CRIMSON.name)
print(list(Color), len(Color), [c.name for c in Color], Color.RED in Color, Color.__members__)
print(Color.RED.describe(), Color.RED.is_warm, Color.BLUE.is_warm, Color.default(), isinstance(Color.RED, Color))
print(Color.RED == Color.RED, Color.RED == 1, Color.RED != Color.BLUE, Color.RED is Color(1), f'{Color.GREEN}', str(Color.GREEN))
print({Color.RED: 'r', Color.BLUE: 'b'}[Color.CRIMSON], sorted(Color, key=lambda c: c.value), hash(Color.RED) == hash(Color.CRIMSON))
print(getattr(Color, 'GREEN'), Color.__name__, type(Color.RED).__name__, Color.RED.__class__ is Color)


class Mode(Enum):
    TRAIN = 'train'
    VAL = 'val'
    TEST = 'test'


mode = Mode('val')
print(mode, mode.value, mode is Mode.VAL, Mode.TRAIN.value.upper(), [m.value for m in Mode])
if mode == Mode.VAL:
    print('validating')


class Priority(IntEnum):
    LOW = 10
    NORMAL = 50
    HIGH = 90


print(Priority.HIGH, repr(Priority.LOW), Priority.LOW == 10, Priority.LOW < Priority.HIGH, Priority.NORMAL + 1, 100 - Priority.HIGH)
print(sorted([Priority.HIGH, Priority.LOW]), Priority(50), int(Priority.LOW), [0, 1, 2][Priority.LOW - 9], f'{Priority.HIGH}')
print(max(Priority), Priority.HIGH > 80, hash(Priority.LOW) == hash(10), Priority.LOW * 2, str(Priority.NORMAL), list(Priority))


class Auto(Enum):
    A = auto()
    B = auto()
    C = 10
    D = auto()


class Named(Enum):
    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()

    X = auto()
    Y = auto()


print(list(Auto), [a.value for a in Auto], list(Named), Named.X.value)


class Format(str, Enum):
    JSON = 'json'
    YAML = 'yaml'


print(Format.JSON, repr(Format.JSON), Format.JSON == 'json', Format('yaml'), Format.JSON.upper(), Format.JSON.value + '.gz')


class Level(int, Enum):
    DEBUG = 10
    INFO = 20


print(Level.INFO, repr(Level.INFO), Level.INFO == 20, Level.INFO + 5, Level(10))


class Planet(Enum):
    MERCURY = (3.303e+23, 2.4397e6)
    EARTH = (5.976e+24, 6.37814e6)

    def __init__(self, mass, radius):
        self.mass = mass
        self.radius = radius

    @property
    def surface_gravity(self):
        return 6.673e-11 * self.mass / (self.radius * self.radius)


print(Planet.EARTH.value, Planet.EARTH.mass, round(Planet.EARTH.surface_gravity, 4), Planet((3.303e+23, 2.4397e6)))


@unique
class Unique(Enum):
    ONE = 1
    TWO = 2


print(list(Unique), enum.Enum is Enum)
try:
    @unique
    class Dup(Enum):
        A = 1
        B = 1
        C = 2
        D = 2
except ValueError as e:
    print('ValueError', e)
for bad in [lambda: Color(7), lambda: Color['PINK'], lambda: Mode('predict')]:
    try:
        bad()
    except ValueError as e:
        print('ValueError', e)
    except KeyError as e:
        print('KeyError', e, repr(e))
    except TypeError as e:
        print('TypeError', e)
try:
    class More(Color):
        PINK = 4
except TypeError as e:
    print('TypeError', e)
