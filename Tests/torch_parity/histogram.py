# confusion matrix and per-class IoU as torch code: bincount / histc
import torch
pred = torch.tensor([0, 1, 2, 2, 1, 0, 2, 2, 1, 1])
gt = torch.tensor([0, 2, 2, 1, 1, 0, 2, 255, 1, 0])
valid = gt != 255
n = 3
hist = torch.bincount(n * gt[valid] + pred[valid], minlength=n * n).reshape(n, n)
print(hist)
inter = pred[valid][pred[valid] == gt[valid]]
area_inter = torch.histc(inter.float(), bins=n, min=0, max=n - 1)
area_pred = torch.histc(pred[valid].float(), bins=n, min=0, max=n - 1)
area_gt = torch.histc(gt[valid].float(), bins=n, min=0, max=n - 1)
print(area_inter, area_pred, area_gt, area_inter / (area_pred + area_gt - area_inter))
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 2.0, 3.0])))
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([1, 2, 3, 4])))
print(torch.bincount(torch.tensor([], dtype=torch.long)), torch.tensor([4, 0]).bincount(minlength=6))
x = torch.tensor([0.1, 0.35, 0.5, 0.99, 1.0, -0.2, 2.5, 0.7], dtype=torch.float64)
print(torch.histc(x, bins=4, min=0, max=1), x.float().histc(bins=5), torch.histc(torch.tensor([1.0, 1.0]), bins=4))
print(torch.histc(torch.tensor([0.3, 0.6, 0.9]) * 7, bins=7, min=0, max=7))
for bad in [lambda: torch.bincount(torch.tensor([-1, 2])), lambda: torch.bincount(torch.tensor([1.0])),
            lambda: torch.histc(torch.tensor([1, 2]), bins=2)]:
    try:
        bad()
    except RuntimeError as e:
        print('RuntimeError:', e)
