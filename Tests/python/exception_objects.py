# Built-in exception objects: str, repr, args, type and isinstance, raised and caught or made directly.
try:
    raise KeyError("x")
except KeyError as e:
    print(repr(e), str(e), e.args, type(e).__name__, isinstance(e, KeyError), isinstance(e, LookupError))
try:
    raise ValueError
except ValueError as e:
    print(repr(e), str(e), e.args)
try:
    raise RuntimeError("a", 1)
except Exception as e:
    print(repr(e), str(e), e.args, type(e).__name__)
print(str(KeyError('x')), repr(KeyError()), str(KeyError('a', 'b')), str(ValueError('v')), repr(ValueError('v')))
