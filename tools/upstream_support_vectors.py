# Prints the expected values of Tests/pytest/test_trick_upstream_support.py with the reference
# libraries (run with the reference env: /work/refenv/bin/python tools/upstream_support_vectors.py).
import torch
from mmengine.testing import assert_allclose
from mmengine.utils import digit_version
from mmseg.models.losses import weight_reduce_loss

for v in ['2.4.1', '2.0.0rc1', '1.13.0a0', '2.1.0.dev20230801', '0.10.7.post1', '1.6']:
    print(v, digit_version(v))
for args in [(torch.tensor([1., 2.]), torch.tensor([1., 2.1])), (0.05, 0.06)]:
    try:
        torch.testing.assert_close(*args)
    except AssertionError as e:
        print(repr(str(e)))
try:
    assert_allclose(0.05, 0.0501)
except AssertionError as e:
    print(repr(str(e)))
loss = torch.tensor([[1., 2.], [3., 4.]])
weight = torch.tensor([[1.], [0.5]])
print(weight_reduce_loss(loss, weight, 'mean').item(), weight_reduce_loss(loss, weight, 'sum').item(),
      weight_reduce_loss(loss, weight, 'mean', avg_factor=3).item())
