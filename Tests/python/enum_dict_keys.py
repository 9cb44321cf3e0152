# Enum members with a value mixin are found under their plain key and the other way round (dict and
# set lookups hash an object by its __hash__ and a plain key by Python's hash, the same number).
from enum import Enum, IntEnum


class Format(str, Enum):
    JSON = 'json'
    YAML = 'yaml'


class Level(IntEnum):
    LOW = 1
    HIGH = 2


d = {'json': 1, 'yaml': 2}
print(d[Format.JSON], Format.YAML in d, d.get(Format.YAML))
e = {1: 'one', 2: 'two'}
print(e[Level.HIGH], Level.LOW in e)
m = {Level.LOW: 'low'}
print(m[1], 1 in m, m.get(3))
s = {Format.JSON: 'J'}
print(s['json'], 'xml' in s)
