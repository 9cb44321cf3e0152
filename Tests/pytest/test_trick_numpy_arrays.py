# numpy's array functions and ndarray methods the upstream tests use (np.zeros/ones/full, stack,
# concatenate, equal, allclose, array_equal, astype, negative-step slicing, np.testing). Expected
# values printed by numpy in the reference env (tools/gen_numpy_random_vectors.py, its last lines).
import os.path as osp

import numpy as np
import pytest
from numpy.testing import assert_array_almost_equal, assert_array_equal


def test_negative_step_slices():
    a = np.array([[1, 2, 3], [4, 5, 6]])
    assert a[..., ::-1].tolist() == [[3, 2, 1], [6, 5, 4]]
    assert a[::-1, ::2].tolist() == [[4, 6], [1, 3]]
    assert a[1:-3:-1].tolist() == [[4, 5, 6], [1, 2, 3]]
    assert a[-1::-2, 2:0:-1].tolist() == [[6, 5]]


def test_creation_and_comparison():
    a = np.array([[1, 2, 3], [4, 5, 6]])
    assert str(np.zeros((2, 3)).dtype).endswith('float64')
    assert str(np.ones(3, dtype=np.float32).dtype).endswith('float32')
    assert str(np.full((2,), 7).dtype).endswith('int64')
    assert np.allclose([1.0, 2.0], [1.0, 2.00001]) and not np.allclose([1.0, 2.0], [1.0, 2.0001])
    assert np.equal(a, [1, 0, 3]).tolist() == [[True, False, True], [False, False, False]]
    assert not np.array_equal(a, a[:1])
    assert np.array([1.7, -1.7, 2.5]).astype(np.int64).tolist() == [1, -1, 2]
    assert np.stack([a, a], axis=-1).shape == (2, 3, 2)
    assert np.concatenate([a, a], axis=1).shape == (2, 6)


def test_testing_asserts():
    np.testing.assert_equal(dict(a=[1, 2], b='x'), dict(a=[1, 2], b='x'))
    np.testing.assert_equal(np.array([1.0, np.nan]), [1.0, np.nan])
    assert_array_equal(np.zeros((2, 2)), 0)
    assert_array_almost_equal([1.0, 2.0], [1.0, 2.0000001])
    with pytest.raises(AssertionError):
        np.testing.assert_equal([1, 2], [1, 3])
    with pytest.raises(AssertionError):
        assert_array_equal(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(AssertionError):
        assert_array_almost_equal([1.0], [1.00001])


def test_file_names_this_test():
    assert osp.basename(__file__) == 'test_trick_numpy_arrays.py'
