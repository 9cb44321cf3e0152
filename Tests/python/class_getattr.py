# __getattr__: called when the normal lookup fails (a config wrapper, a delegating wrapper); an
# AttributeError from it is what hasattr/getattr(default) see.
class Cfg:
    def __init__(self, d):
        self._d = d
    def __getattr__(self, name):
        try:
            return self._d[name]
        except KeyError:
            raise AttributeError(name)
c = Cfg({'lr': 0.1})
print(c.lr, hasattr(c, 'lr'), hasattr(c, 'momentum'), getattr(c, 'momentum', 0.9))
try:
    c.momentum
except AttributeError as e:
    print('AttributeError', e)
class Wrap:
    def __init__(self, inner): self.inner = inner
    def __getattr__(self, name): return getattr(self.inner, name)
w = Wrap([3, 1, 2])
w.sort(); print(w.inner, w.count(1))
print(repr(Cfg({})).startswith('<'))
