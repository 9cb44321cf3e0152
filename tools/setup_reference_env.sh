#!/usr/bin/env bash
# Set up the Python reference ML stack used to *generate* test vectors.
# CI never needs this. Idempotent: re-running only fills in what is missing.
#
#   usage: tools/setup_reference_env.sh [VENV_DIR]     (default: /work/refenv)
#
# Only PyPI is needed. torch is pinned to 2.4.1 (the last era mmcv 2.1 /
# mmdet 3.3 / mmseg 1.2 were written for) with numpy<2. PyPI's Linux torch
# wheel pulls in nvidia-*-cu12 packages (~3 GB); they are unused on CPU.
set -euo pipefail

VENV="${1:-/work/refenv}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
"$VPY" -m pip install -q -U pip setuptools wheel

# 1) torch first (big), then the OpenMMLab stack; numpy<2 kept throughout.
"$VPY" -m pip install -q torch==2.4.1 torchvision==0.19.1 "numpy<2"
"$VPY" -m pip install -q "numpy<2" \
    mmengine==0.10.7 mmcv-lite==2.1.0 mmsegmentation==1.2.2 mmdet==3.3.0 \
    ensemble-boxes==1.0.9 ftfy regex   # ftfy+regex: needed by `import mmseg.models`
"$VPY" -m pip install -q safetensors==0.8.0   # tools/gen_state_file_vectors.py: files written by the real library

# 2) mmcv-lite ships no compiled ops: install a stub mmcv/_ext.py so that
#    mmcv.ops / mmseg / mmdet import. nms (offset=0) -> torchvision.ops.nms;
#    every other compiled op raises NotImplementedError when called.
SITE="$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cp "$HERE/mmcv_ext_stub.py" "$SITE/mmcv/_ext.py"

# 3) Verify imports and write $VENV/READY.
cd /tmp
"$VPY" - "$VENV/READY" <<'PYEOF'
import sys, warnings
warnings.filterwarnings("ignore")
stmts = [
    "import torch, torchvision, numpy, mmengine, mmcv, mmseg, mmdet, ensemble_boxes",
    "import mmcv.ops",
    "import mmseg.models, mmdet.models",
    "from mmseg.models.losses import CrossEntropyLoss, DiceLoss, FocalLoss",
    "from mmseg.models.segmentors.seg_tta import *",
    "from mmdet.models.task_modules.assigners import MaxIoUAssigner",
    "from mmengine.optim import DefaultOptimWrapperConstructor",
    "from mmcv.transforms import Resize",
    "from mmseg.structures.sampler import OHEMPixelSampler",
    "from torchvision.ops import nms, box_iou",
    "from ensemble_boxes import weighted_boxes_fusion, nms, soft_nms",
    "from mmcv.ops import nms, batched_nms  # works via stub (offset=0 only)",
]
ok, failed = [], []
for s in stmts:
    try:
        exec(s.split("  #")[0], {})
        ok.append("OK: " + s)
    except Exception as e:
        failed.append(f"FAIL: {s} -> {type(e).__name__}: {e}")
import torch, numpy, mmcv, mmengine, mmseg, mmdet
b = torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30.]])
from mmcv.ops import nms as mnms
assert mnms(b, torch.tensor([.9, .8, .7]), 0.5)[1].tolist() == [0, 2]
lines = ok + failed + [
    f"VERSIONS: python {sys.version.split()[0]}, torch {torch.__version__} (CPU use), "
    f"numpy {numpy.__version__}, mmengine {mmengine.__version__}, mmcv-lite {mmcv.__version__}, "
    f"mmseg {mmseg.__version__}, mmdet {mmdet.__version__}",
    "CAVEAT: mmcv/_ext.py is a stub (mmcv-lite has no compiled ops). mmcv.ops.nms/batched_nms work "
    "via torchvision.ops.nms for offset=0 only; every other compiled mmcv op raises NotImplementedError "
    "when called: soft_nms, nms_match, nms_rotated, mmcv.ops.bbox_overlaps, box_iou_rotated, RoIAlign "
    "(unless use_torchvision=True), RoIPool, DeformConv2d, ModulatedDeformConv2d, sigmoid/softmax_focal_loss "
    "(mmcv op), CARAFE, PSAMask, upfirdn2d, fused_bias_leakyrelu, 3D/point ops, etc. "
    "(mmdet.structures.bbox.bbox_overlaps is pure torch and works.)",
    "CAVEAT: mmseg FocalLoss(use_sigmoid=True) on CPU with class-index targets crashes (upstream mmseg "
    "1.2.2 bug in the non-CUDA branch: target[:, num_classes]); pass one-hot targets shaped like pred.",
    "CAVEAT: torch wheel is PyPI's CUDA build (nvidia-*-cu12 installed, unused); no GPU here, "
    "torch.cuda.is_available() is False.",
]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if failed else 0)
PYEOF
