# torch.inference_mode as a context manager and decorator (bare and called), inference_mode(False),
# and the default dtype.
import torch
w = torch.ones(2, requires_grad=True)
with torch.inference_mode():
    y = w * 2
print(y.requires_grad, torch.is_grad_enabled())
@torch.inference_mode()
def f(x):
    return x * 3
@torch.inference_mode
def g(x):
    return x * 4
print(f(w).requires_grad, g(w).requires_grad)
with torch.inference_mode(False):
    print((w * 2).requires_grad)
print(torch.get_default_dtype())
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.0]).dtype)
