"""mmdet 3.3's numpy bbox_overlaps (mmdet.evaluation) on boxes that exercise legacy coordinates, iof and
the set exchange; prints the values pinned in Tests/golden/upstream_parity.trick (run with /work/refenv/bin/python)."""
import warnings
warnings.filterwarnings("ignore")
import numpy as np
from mmdet.evaluation import bbox_overlaps

a = np.array([[0, 0, 10, 10], [5, 5, 15, 25], [3.5, 1.25, 7.75, 9.5]], dtype=np.float32)
b = np.array([[0, 0, 10, 10], [2, 2, 12, 8]], dtype=np.float32)
for mode in ['iou', 'iof']:
    for legacy in [False, True]:
        print(mode, legacy, bbox_overlaps(a, b, mode=mode, use_legacy_coordinate=legacy).round(6).tolist())
        print(mode, legacy, bbox_overlaps(b, a, mode=mode, use_legacy_coordinate=legacy).round(6).tolist())
