# Source: https://mmdetection.readthedocs.io/en/latest/api.html#mmdet.models.task_modules.MaxIoUAssigner.assign — the docstring example of mmdet.models.task_modules.MaxIoUAssigner.assign, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print(); print() of the results appended.
import torch
from mmdet.models.task_modules import MaxIoUAssigner
from mmengine.structures import InstanceData
self = MaxIoUAssigner(0.5, 0.5)
pred_instances = InstanceData()
pred_instances.priors = torch.Tensor([[0, 0, 10, 10],
                                     [10, 10, 20, 20]])
gt_instances = InstanceData()
gt_instances.bboxes = torch.Tensor([[0, 0, 10, 9]])
gt_instances.labels = torch.Tensor([0])
assign_result = self.assign(pred_instances, gt_instances)
expected_gt_inds = torch.LongTensor([1, 0])
assert torch.all(assign_result.gt_inds == expected_gt_inds)
print(assign_result.num_gts, assign_result.gt_inds, assign_result.max_overlaps, assign_result.labels)
