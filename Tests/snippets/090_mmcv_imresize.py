# Source: https://mmcv.readthedocs.io/en/2.x/understand_mmcv/data_process.html (docs/en/understand_mmcv/data_process.md)
#   "Resize": the first call of the block as published, with the page's imports; print() of the result appended.
import mmcv

img = mmcv.imread('tests/data/color.jpg')

# resize to a given size
mmcv.imresize(img, (1000, 600), return_scale=True)
resized, w_scale, h_scale = mmcv.imresize(img, (1000, 600), return_scale=True)
print(resized.shape, w_scale, h_scale)
