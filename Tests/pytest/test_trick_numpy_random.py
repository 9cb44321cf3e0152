# numpy's legacy global stream (np.random.seed, rand, random, randint, uniform, randn, normal)
# and RandomState, draw for draw. Expected values printed by numpy in the reference env
# (tools/gen_numpy_random_vectors.py prints them, in this order).
import numpy as np
import pytest


def test_global_stream_in_order():
    np.random.seed(0)
    assert np.random.rand() == 0.5488135039273248
    assert np.random.rand(2, 3).tolist() == [[0.7151893663724195, 0.6027633760716439, 0.5448831829968969],
                                            [0.4236547993389047, 0.6458941130666561, 0.4375872112626925]]
    assert np.random.random((2,)).tolist() == [0.8917730007820798, 0.9636627605010293]
    assert np.random.random_sample() == 0.3834415188257777
    assert np.random.randint(256, size=(2, 3)).tolist() == [[230, 39, 87], [174, 88, 81]]
    assert np.random.randint(-5, 5) == 0
    assert np.random.randint(0, 2**40, size=3).tolist() == [107679279949, 309611862793, 635741997171]
    assert np.random.uniform(-1, 3, size=2).tolist() == [0.4729661593621919, 2.8286206358121855]
    assert np.random.randn(3).tolist() == [1.4143771877719702, -0.12405066439134643, 2.008157088692113]
    assert np.random.normal(2, 0.5) == 2.114943268500181
    assert np.random.standard_normal(2).tolist() == [0.6048937346427542, 1.6271598247785584]


def test_random_state_is_its_own_stream():
    np.random.seed(0)
    rs = np.random.RandomState(42)
    assert rs.rand(3).tolist() == [0.3745401188473625, 0.9507143064099162, 0.7319939418114051]
    assert rs.randint(10, size=4).tolist() == [4, 6, 9, 2]
    assert np.random.rand() == 0.5488135039273248


def test_shapes_and_errors():
    assert np.random.rand(4, 5, 3).shape == (4, 5, 3)
    assert np.random.randint(3, size=5).shape == (5,)
    np.random.seed(7)
    a = np.random.rand(2)
    np.random.seed(7)
    assert (np.random.rand(2) == a).all()
    with pytest.raises(ValueError):
        np.random.seed(-1)
    with pytest.raises(ValueError):
        np.random.randint(3, 3)
