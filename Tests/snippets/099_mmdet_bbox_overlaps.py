# Source: https://mmdetection.readthedocs.io/en/latest/api.html#mmdet.structures.bbox.bbox_overlaps — the docstring example of mmdet.structures.bbox.bbox_overlaps, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print(); print() of the results appended.
import torch
from mmdet.structures.bbox import bbox_overlaps
bboxes1 = torch.FloatTensor([
    [0, 0, 10, 10],
    [10, 10, 20, 20],
    [32, 32, 38, 42],
])
bboxes2 = torch.FloatTensor([
    [0, 0, 10, 20],
    [0, 10, 10, 19],
    [10, 10, 20, 20],
])
overlaps = bbox_overlaps(bboxes1, bboxes2)
assert overlaps.shape == (3, 3)
overlaps = bbox_overlaps(bboxes1, bboxes2, is_aligned=True)
assert overlaps.shape == (3, )
empty = torch.empty(0, 4)
nonempty = torch.FloatTensor([[0, 0, 10, 9]])
assert tuple(bbox_overlaps(empty, nonempty).shape) == (0, 1)
assert tuple(bbox_overlaps(nonempty, empty).shape) == (1, 0)
assert tuple(bbox_overlaps(empty, empty).shape) == (0, 0)
print(bbox_overlaps(bboxes1, bboxes2))
print(overlaps)
