import functools
# Objects as dict keys and set members: identity by default, __eq__/__hash__ when defined;
# a class with __eq__ but no __hash__ is unhashable; functions are keys; lru_cache on a method.
class Node:
    def __init__(self, name):
        self.name = name
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)
    def __hash__(self):
        return hash((self.x, self.y))
class OnlyEq:
    def __eq__(self, other):
        return True
a, b = Node('a'), Node('a')
state = {a: 1, b: 2}
state[a] += 10
print(len(state), state[a], state[b], a in state, Node('a') in state)
pts = {Point(1, 2): 'p'}
print(pts[Point(1, 2)], Point(1, 2) in pts, len({Point(0, 0), Point(0, 0), Point(1, 0)}), hash(Point(1, 2)) == hash((1, 2)))
try:
    {OnlyEq(): 1}
except TypeError as e:
    print('TypeError:', e)
def f(): pass
print({f: 'f'}[f], len({len, len, print}))
import functools
def logged(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper
@logged
def area(w, h):
    """Area of a box."""
    return w * h
print(area.__name__, area.__doc__, area.__wrapped__(2, 3), area(2, 4))
class Grid:
    def __init__(self, n):
        self.n = n
    @functools.lru_cache(maxsize=None)
    def cells(self, k):
        print('computing', k)
        return self.n * k
    def __hash__(self):
        return hash(self.n)
g = Grid(3)
print(g.cells(2), g.cells(2), Grid.cells.cache_info().hits)
@functools.lru_cache(maxsize=2)
def sq(x):
    return x * x
print(sq(3), sq(3), sq.cache_info())
