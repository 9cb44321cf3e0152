"""Reference values for issue 22's API leftovers, pinned in Tests/golden/upstream_parity.trick
(run with /work/refenv/bin/python: mmcv 2.1, mmdet 3.3, mmseg 1.2.2, mmengine 0.10.7, torch 2.4.1)."""
import warnings
warnings.filterwarnings("ignore")
import numpy as np
import torch
import mmseg.datasets.transforms  # noqa: F401  (registers ResizeShortestEdge in mmseg's registry)
from mmcv.transforms import LoadAnnotations, Pad, TestTimeAug
from mmdet.models.task_modules import BboxOverlaps2D, MaxIoUAssigner
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from mmseg.models.losses import Accuracy
from mmseg.registry import TRANSFORMS

print('# reprs')
for t in [LoadAnnotations(), LoadAnnotations(with_bbox=False, with_label=False, with_seg=True),
          LoadAnnotations(with_seg=True, imdecode_backend='pillow')]:
    print(repr(t))
tta = TestTimeAug(transforms=[[dict(type='Resize', scale=(1333, 800), keep_ratio=True)],
                              [dict(type='RandomFlip', prob=1.0), dict(type='RandomFlip', prob=0.0)]])
print(repr(tta))
print(len(tta.subroutines), tta.subroutines[1])

print('# Accuracy')
pred = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])
tgt = torch.tensor([1, 1, 2, 0])
a = Accuracy()
print(a, a.topk, a.thresh, a.ignore_index)
print(Accuracy()(pred, tgt), Accuracy(topk=(1, 2))(pred, tgt), Accuracy(topk=2, thresh=0.35)(pred, tgt),
      Accuracy(ignore_index=1)(pred, tgt))

print('# BboxOverlaps2D')
calc = BboxOverlaps2D()
b1 = torch.tensor([[0, 0, 10, 10], [10, 10, 20, 20], [32, 32, 38, 42]], dtype=torch.float32)
b2 = torch.tensor([[0, 0, 10, 20, 0.9], [0, 10, 10, 19, 0.5], [10, 10, 20, 20, 0.1]], dtype=torch.float32)
print(calc, calc(b1, b2), calc(b1, b2, mode='iof'), calc(b1, b2, is_aligned=True), calc(b1, b2, mode='giou').shape)

print('# Pad pad_val dict with tuples')
img = np.arange(2 * 3 * 3).reshape(2, 3, 3).astype(np.uint8)
seg = np.arange(2 * 3 * 3).reshape(2, 3, 3).astype(np.uint8)
out = Pad(size=(4, 3), pad_val=dict(img=(12, 13, 14), seg=(10, 11, 12)))(dict(img=img.copy(), gt_seg_map=seg.copy()))
print(out['img'][:, :, 0].tolist(), out['img'][2, 3].tolist(), out['gt_seg_map'][2, 3].tolist(), out['gt_seg_map'].shape)
out = Pad(size=(4, 3), pad_val=dict(img=(12, 13, 14), seg=7))(dict(img=img.copy(), gt_seg_map=seg[:, :, 0].copy()))
print(out['gt_seg_map'].tolist())

print('# RandomChoiceResize(resize_type=ResizeShortestEdge)')
init_default_scope('mmseg')
for shape, scales, max_size in [((100, 200), [32, 48, 64], 2048), ((300, 120), [(80, 100), 64], 100), ((50, 50), [640], 512)]:
    t = TRANSFORMS.build(dict(type='RandomChoiceResize', scales=scales, resize_type='ResizeShortestEdge', max_size=max_size))
    np.random.seed(3)
    for _ in range(2):
        r = t(dict(img=np.zeros(shape + (3,), np.uint8)))
        print(shape, r['img'].shape, r['scale'], r['scale_idx'], [round(float(f), 6) for f in r['scale_factor']])
print(repr(t))

print('# MaxIoUAssigner 3.x')
init_default_scope('mmdet')
asg = MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.5, ignore_iof_thr=0.5, ignore_wrt_candidates=False)
priors = torch.FloatTensor([[0, 0, 10, 10], [10, 10, 20, 20], [5, 5, 15, 15], [32, 32, 38, 42]])
gt = InstanceData(bboxes=torch.FloatTensor([[0, 0, 10, 9], [0, 10, 10, 19]]), labels=torch.LongTensor([2, 3]))
ign = InstanceData(bboxes=torch.FloatTensor([[30, 30, 40, 40]]))
r = asg.assign(InstanceData(priors=priors), gt, gt_instances_ignore=ign)
print(r.gt_inds, r.labels, r.max_overlaps, r.num_gts)
r = MaxIoUAssigner(0.5, 0.5).assign(pred_instances=InstanceData(priors=priors), gt_instances=InstanceData(bboxes=torch.empty(0, 4), labels=torch.empty(0, dtype=torch.long)))
print(r.gt_inds, r.labels)
