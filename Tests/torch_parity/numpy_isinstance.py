# numpy arrays and torch tensors are told apart as upstream code tells them apart
# (mmcv's to_tensor: `isinstance(data, torch.Tensor)` first, then `isinstance(data, np.ndarray)`).
import numpy as np
import torch

a = np.zeros(3)
t = torch.zeros(1)
print(isinstance(a, np.ndarray), isinstance(a, torch.Tensor), isinstance(t, np.ndarray), isinstance(t, torch.Tensor))
print(type(a) is np.ndarray, type(a).__name__, type(t) is torch.Tensor)
print(isinstance(a, (np.ndarray, torch.Tensor)), torch.is_tensor(a), torch.is_tensor(t))
print(np.ndarray((2, 3)).shape, np.ndarray((2,), dtype=np.int64).dtype)


def to_tensor(data):
    if isinstance(data, torch.Tensor):
        return 'tensor'
    elif isinstance(data, np.ndarray):
        return 'from_numpy ' + str(torch.from_numpy(data).dtype)
    return 'other'


print(to_tensor(t), to_tensor(a), to_tensor([1]))
