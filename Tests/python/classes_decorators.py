# Classes (inheritance, super, C3 order, dunders, property/staticmethod/classmethod), exception
# classes, decorators and context managers, as CPython 3.11 runs them.
class Animal:
    kind = "animal"
    def __init__(self, name):
        self.name = name
    def speak(self):
        return f"{self.name} makes a sound"
    def __repr__(self):
        return f"Animal({self.name!r})"

class Dog(Animal):
    def speak(self):
        return super().speak() + " (woof)"
    @property
    def upper(self):
        return self.name.upper()
    @staticmethod
    def legs():
        return 4
    @classmethod
    def make(cls, n):
        return cls(n)

d = Dog.make("rex")
print(d.speak(), d.upper, Dog.legs(), d.kind, isinstance(d, Animal), issubclass(Dog, Animal))
print([d], Dog.__mro__[1].__name__ if hasattr(Dog, '__mro__') else '')

class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)
    def __eq__(self, o):
        return self.x == o.x and self.y == o.y
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]
    def __iter__(self):
        return iter([self.x, self.y])
    def __str__(self):
        return f"<{self.x}, {self.y}>"
v = Vec(1, 2) + Vec(3, 4)
print(v, v == Vec(4, 6), len(v), v[1], list(v), bool(v))

class MyError(ValueError):
    pass
try:
    raise MyError("bad thing")
except ValueError as e:
    print("caught", e.args, isinstance(e, MyError), str(e), type(e).__name__)

def deco(f):
    def wrapper(*a, **k):
        return "[" + str(f(*a, **k)) + "]"
    return wrapper
@deco
def hello(x):
    return x * 2
print(hello(21))

class Counter:
    count = 0
    def __call__(self):
        Counter.count += 1
        return Counter.count
c = Counter()
c(); c()
print(c(), Counter.count)

class A:
    def who(self): return "A"
class B(A):
    def who(self): return "B" + super().who()
class C(A):
    def who(self): return "C" + super().who()
class D(B, C):
    def who(self): return "D" + super().who()
print(D().who(), [k.__name__ for k in D.__mro__])
class Ctx:
    def __enter__(self):
        print("enter"); return self
    def __exit__(self, t, v, tb):
        print("exit", t is None); return False
with Ctx() as cx:
    print("body")

# closures and unbound locals as Python has them
fs = [lambda: i for i in range(3)]
print([f() for f in fs])
def late():
    try:
        print(x)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    x = 1
late()
class Base:
    def __init__(self, n):
        self.items = list(range(n))
    def __contains__(self, v):
        return v in self.items
class Sub(Base):
    def __init__(self):
        super().__init__(3)
        self.extra = True
s = Sub()
print(2 in s, 5 in s, s.extra, vars(s) if False else sorted(s.__dict__))
