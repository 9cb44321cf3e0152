# Descriptors: __get__ (also on class access), __set__ (a data descriptor validating), __set_name__,
# and a non-data descriptor caching into the instance dict.
class Positive:
    def __set_name__(self, owner, name):
        self.name = '_' + name
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.name, 0)
    def __set__(self, obj, value):
        if value < 0:
            raise ValueError(f'{self.name[1:]} must be >= 0')
        setattr(obj, self.name, value)
class Lazy:
    def __init__(self, f):
        self.f = f
    def __get__(self, obj, cls):
        if obj is None:
            return 'class access'
        v = self.f(obj)
        setattr(obj, self.f.__name__, v)
        return v
class Box:
    w = Positive()
    h = Positive()
    def __init__(self, w, h):
        self.w, self.h = w, h
    @Lazy
    def area(self):
        print('computing')
        return self.w * self.h
b = Box(2, 3)
print(b.w, b.h, b.area, b.area, Box.area, type(Box.w).__name__)
try:
    b.w = -1
except ValueError as e:
    print(e)
