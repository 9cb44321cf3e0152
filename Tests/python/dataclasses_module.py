# dataclasses: defaults, default_factory, inheritance, order, unsafe_hash, replace/asdict/astuple/fields,
# __post_init__, the errors of the generated __init__, a mutable default refused.
from dataclasses import dataclass, field, asdict, astuple, fields, replace, is_dataclass
from typing import List


@dataclass
class Resize:
    scale: tuple
    keep_ratio: bool = True
    tags: List[str] = field(default_factory=list)


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0


@dataclass
class Scaled(Resize):
    factor: float = 1.0

    def __post_init__(self):
        self.area = self.scale[0] * self.scale[1] * self.factor


r = Resize((512, 1024))
print(r, r == Resize((512, 1024)), r == Resize((512, 512)), r.tags is not Resize((1, 1)).tags)
print(Version(1, 2) < Version(1, 10), sorted([Version(2), Version(1, 5), Version(1)]))
s = Scaled((2, 3), factor=0.5)
print(s, s.area, [f.name for f in fields(s)], is_dataclass(s), is_dataclass(Scaled), is_dataclass(3))
print(asdict(s), astuple(Version(3, 4)), replace(r, keep_ratio=False))
for bad in [lambda: Resize(), lambda: Resize((1, 1), True, [], 4), lambda: Resize((1, 1), nope=1)]:
    try:
        bad()
    except TypeError as e:
        print('TypeError:', e)
try:
    @dataclass
    class Bad:
        xs: list = []
except ValueError as e:
    print('ValueError:', e)
try:
    {Resize((1, 1)): 1}
except TypeError as e:
    print('TypeError:', e)


@dataclass(frozen=True)
class Key:
    a: int
    b: str = 'x'


print({Key(1): 'one'}[Key(1)], Key(2, 'y'))
