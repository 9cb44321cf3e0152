# A class's docstring is its own __doc__ (None when it has none: not inherited); instances read it
# from their class; a dataclass keeps it; the docstring is not one of vars(cls)'s plain names.
from dataclasses import dataclass


class Foo:
    """A foo."""
    x = 1


class Bar(Foo):
    pass


@dataclass
class P:
    """A point."""
    x: int
    y: int = 0


def f():
    """F doc."""


print(Foo.__doc__, Bar.__doc__, Foo().__doc__)
print(P(1), P.__doc__, f.__doc__)
print([k for k in vars(Foo) if not k.startswith('__')])
