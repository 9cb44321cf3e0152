"""CPython 3.11 hash() of numbers and tuples, pinned in Tests/golden/upstream_parity.trick (run: python3 tools/gen_hash_values.py)."""
vals = [0, 1, -1, -2, 2**61 - 1, 2**61, -(2**61), 2**62 + 5, -9223372036854775807, 0.5, -0.5, 1.5, -2.75e-5, 1e300, -1e-300, 3.141592653589793, 1e16 + 0.5, 2.0**70, -2.0**-1074, True, False, (), (1,), (1, 2), (1.5, (2, -1)), ((), ((),)), (True, 0.25, -7)]
print([hash(v) for v in vals])
