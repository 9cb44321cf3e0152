"""mmcv 2.1 transform reprs pinned in Tests/golden/upstream_parity.trick (run with /work/refenv/bin/python)."""
import warnings
warnings.filterwarnings("ignore")
from mmcv.transforms import LoadImageFromFile, Normalize, Pad, RandomChoiceResize, RandomFlip, RandomResize, Resize

for t in [Resize(scale=(2048, 512), keep_ratio=True), Resize(scale_factor=0.5), Resize(scale=512),
          RandomResize(scale=(2048, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
          RandomChoiceResize(scales=[(1333, 640), (1333, 800)], keep_ratio=True),
          RandomFlip(prob=0.5), RandomFlip(prob=[0.3, 0.3], direction=['horizontal', 'vertical']),
          Pad(size=(512, 512)), Pad(size_divisor=32, pad_val=dict(img=0, seg=255)), Pad(size=(4, 4), pad_val=3),
          Normalize(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True),
          Normalize(mean=[0, 0, 0], std=[1, 1, 1], to_rgb=False), Normalize(mean=[-1.5, 2.0, 10.25], std=[1, 1, 1]),
          LoadImageFromFile(), LoadImageFromFile(to_float32=True, color_type='grayscale')]:
    print(repr(t))
# LoadAnnotations / TestTimeAug (and subroutines): tools/gen_parity_leftovers.py
