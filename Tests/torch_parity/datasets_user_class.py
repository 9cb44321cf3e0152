# A Dataset subclass through DataLoader (shuffled: __getitem__ called in the sampler's order), random_split
# with a seeded generator, ConcatDataset by +, Subset, torch.randperm from torch's generator.
import torch
from torch.utils.data import DataLoader, Dataset, Subset, ConcatDataset, random_split, TensorDataset


class Squares(Dataset):
    def __init__(self, n):
        self.n = n
        self.calls = []

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.calls.append(i)
        return torch.tensor([float(i)]), i * i


ds = Squares(7)
torch.manual_seed(0)
for xb, yb in DataLoader(ds, batch_size=3, shuffle=True):
    print(xb.flatten().tolist(), yb.tolist())
print(ds.calls)
g = torch.Generator().manual_seed(42)
train, val = random_split(ds, [0.7, 0.3], generator=g)
print(len(train), len(val), train.indices, val.indices, val[1][1])
both = ds + Squares(2)
print(len(both), both[8][1], both[-1][1], isinstance(both, ConcatDataset), isinstance(ds, Dataset))
print(len(Subset(ds, [1, 3])), [y for _, y in DataLoader(Subset(ds, [1, 3]), batch_size=None)])
try:
    Dataset()[0]
except NotImplementedError as e:
    print('NotImplementedError', e)
print(len(torch.utils.data.ConcatDataset([TensorDataset(torch.zeros(2, 1)), TensorDataset(torch.ones(3, 1))])))
g = torch.Generator().manual_seed(42)
print(torch.randperm(10, generator=g).tolist(), torch.randperm(5, generator=g).tolist())
torch.manual_seed(0)
print(torch.randperm(8).tolist(), torch.randperm(3).tolist())
