# torch.utils.data.IterableDataset streams with DataLoader: batches in stream order, the last
# shorter batch kept or dropped, collate_fn, ChainDataset / `+`, len() with and without __len__,
# and torch's error for shuffle=True
import torch
from torch.utils.data import DataLoader, IterableDataset, ChainDataset


class Stream(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        for i in range(self.start, self.end):
            yield torch.tensor([float(i), float(i * i)]), i % 3


class Sized(Stream):
    def __len__(self):
        return self.end - self.start


for batch in DataLoader(Stream(0, 7), batch_size=3):
    print(batch)
print([b[1].tolist() for b in DataLoader(Stream(0, 7), batch_size=3, drop_last=True)])
print([x for x in DataLoader(Stream(2, 4), batch_size=None)])
print(list(DataLoader(Stream(0, 4), batch_size=2, collate_fn=lambda items: sum(i for _, i in items))))
print(len(DataLoader(Sized(0, 7), batch_size=3)), len(DataLoader(Sized(0, 7), batch_size=3, drop_last=True)), len(Sized(0, 7) + Sized(1, 3)))
print([b[1].tolist() for b in DataLoader(Stream(0, 3) + Stream(10, 12), batch_size=2)], isinstance(ChainDataset([Stream(0, 1)]), IterableDataset))
try:
    len(DataLoader(Stream(0, 3), batch_size=2))
except TypeError as e:
    print('TypeError:', e)
try:
    DataLoader(Stream(0, 3), shuffle=True)
except ValueError as e:
    print('ValueError:', e)
