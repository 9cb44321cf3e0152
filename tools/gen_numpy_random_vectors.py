# Prints the expected values of Tests/pytest/test_trick_numpy_random.py: numpy's legacy global
# stream (np.random.seed + rand / random / randint / uniform / randn / normal) and a RandomState.
# Run with the reference env: /work/refenv/bin/python tools/gen_numpy_random_vectors.py
import numpy as np

np.random.seed(0)
print('rand()', repr(np.random.rand()))
print('rand(2, 3)', np.random.rand(2, 3).tolist())
print('random((2,))', np.random.random((2,)).tolist())
print('random_sample()', repr(np.random.random_sample()))
print('randint(256, size=(2, 3))', np.random.randint(256, size=(2, 3)).tolist())
print('randint(-5, 5)', np.random.randint(-5, 5))
print('randint(0, 2**40, size=3)', np.random.randint(0, 2**40, size=3).tolist())
print('uniform(-1, 3, size=2)', np.random.uniform(-1, 3, size=2).tolist())
print('randn(3)', np.random.randn(3).tolist())
print('normal(2, 0.5)', repr(np.random.normal(2, 0.5)))
print('standard_normal(2)', np.random.standard_normal(2).tolist())
rs = np.random.RandomState(42)
print('RandomState(42).rand(3)', rs.rand(3).tolist())
print('RandomState(42) then randint(10, size=4)', rs.randint(10, size=4).tolist())
np.random.seed(7)
a = np.random.rand(2)
np.random.seed(7)
print('reseed gives the same', (np.random.rand(2) == a).all())

# Tests/pytest/test_trick_numpy_arrays.py
a = np.array([[1, 2, 3], [4, 5, 6]])
print('a[..., ::-1]', a[..., ::-1].tolist(), 'a[::-1, ::2]', a[::-1, ::2].tolist(), 'a[1:-3:-1]', a[1:-3:-1].tolist(),
      'a[-1::-2, 2:0:-1]', a[-1::-2, 2:0:-1].tolist())
print('zeros', np.zeros((2, 3)).dtype, 'ones f32', np.ones(3, dtype=np.float32).dtype, 'full int', np.full((2,), 7).dtype)
print('allclose', np.allclose([1.0, 2.0], [1.0, 2.00001]), np.allclose([1.0, 2.0], [1.0, 2.0001]))
print('equal', np.equal(a, [1, 0, 3]).tolist(), 'array_equal', np.array_equal(a, a[:1]))
print('astype', np.array([1.7, -1.7, 2.5]).astype(np.int64).tolist())
print('stack', np.stack([a, a], axis=-1).shape, 'concatenate', np.concatenate([a, a], axis=1).shape)
