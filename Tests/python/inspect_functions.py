# inspect: getfullargspec of a generator function with every kind of parameter, and the is* tests.
import inspect
def f(self, a, b=2, *rest, c, d=4, **kw): yield 1
class K:
    def m(self): pass
print(inspect.getfullargspec(f))
print(inspect.isfunction(f), inspect.isfunction(len), inspect.isclass(K), inspect.isclass(K()), inspect.ismethod(K().m), inspect.ismethod(f), inspect.isgeneratorfunction(f))
