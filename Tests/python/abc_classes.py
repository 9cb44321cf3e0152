# abc: abstract methods (also as a property getter), ABC and metaclass=ABCMeta, and the error
# for a class whose abstract methods are not all overridden.
from abc import ABC, ABCMeta, abstractmethod
class Base(ABC):
    @abstractmethod
    def run(self): ...
    @abstractmethod
    def name(self): ...
class Half(Base):
    def run(self): return 1
class Full(Half):
    def name(self): return 'full'
for c in (Base, Half, Full):
    try:
        print(c().run(), c().name())
    except TypeError as e:
        print(e)
class M(metaclass=ABCMeta):
    @property
    @abstractmethod
    def x(self): ...
try:
    M()
except TypeError as e:
    print(e)
