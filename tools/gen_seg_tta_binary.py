"""mmseg 1.2.2 SegTTAModel.merge_preds on a one-class (binary) model, for Tests/golden/upstream_parity.trick.

The views' seg_logits are what BaseSegmentor.postprocess_result stores for C == 1: the sigmoid of
the raw logits (mmseg/models/segmentors/base.py); merge_preds then takes their sigmoid again.
Run with the reference env: /work/refenv/bin/python tools/gen_seg_tta_binary.py
"""
import warnings
warnings.filterwarnings("ignore")
import torch
from mmengine.structures import PixelData
from mmseg.models.segmentors import SegTTAModel
from mmseg.structures import SegDataSample


class Head:
    threshold = 0.6
    out_channels = 1


class Module:
    decode_head = Head()
    out_channels = 1


raw = [torch.tensor([[[-2.0, 0.5], [1.0, 3.0]]]), torch.tensor([[[0.0, -1.0], [2.0, -0.5]]])]
samples = []
for r in raw:
    s = SegDataSample(metainfo={'img_path': 'x.png'})
    s.set_data({'seg_logits': PixelData(data=r.sigmoid())})   # postprocess_result, C == 1
    samples.append(s)
tta = SegTTAModel.__new__(SegTTAModel)
torch.nn.Module.__init__(tta)
tta.module = Module()
out = SegTTAModel.merge_preds(tta, [samples])[0]
print('pred', out.pred_sem_seg.data.tolist())
mean = sum(r.sigmoid().sigmoid() for r in raw) / 2
print('mean probs (double sigmoid)', [round(v, 4) for v in mean.flatten().tolist()])
