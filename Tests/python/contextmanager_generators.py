# contextlib.contextmanager (body exceptions thrown in at the yield, handled or propagated, a
# generator that yields twice), generators' send/throw/close, del of attributes, function
# attributes and __defaults__, id() of functions.
import contextlib
@contextlib.contextmanager
def tag(name):
    print('<' + name + '>')
    try:
        yield name.upper()
    except KeyError as e:
        print('handled', repr(e))
    finally:
        print('</' + name + '>')
with tag('a') as t:
    print('body', t)
with tag('b'):
    raise KeyError('k')
print('after b')
try:
    with tag('c'):
        raise ValueError('v')
except ValueError as e:
    print('propagated', e)
from contextlib import contextmanager
@contextmanager
def bad():
    yield 1
    yield 2
try:
    with bad():
        pass
except RuntimeError as e:
    print(e)
def gen():
    x = yield 1
    print('got', x)
    try:
        yield 2
    except ZeroDivisionError:
        yield 'recovered'
    yield 3
g = gen()
print(next(g), g.send('hello'), g.throw(ZeroDivisionError()), next(g))
g2 = gen(); next(g2); g2.close(); print('closed')
class Tx:
    @contextmanager
    def scope(self, n):
        yield n * 2
with Tx().scope(4) as v:
    print(v)
def f(a, b=1, *args, c, **kw):
    pass
f.calls = 0
f.calls += 1
print(f.__name__, f.__defaults__, f.calls, id(f) == id(f))
del f.calls
print(hasattr(f, 'calls'))
class A:
    x = 1
a = A()
a.y = 2
del a.y
print(hasattr(a, 'y'), a.x)
delattr(A, 'x')
print(hasattr(a, 'x'))
try:
    del a.nothing
except AttributeError as e:
    print('AttributeError', e)
