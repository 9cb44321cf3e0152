# Source: https://mmcv.readthedocs.io/en/2.x/understand_mmcv/data_process.html (docs/en/understand_mmcv/data_process.md)
#   "Resize": the two imrescale calls of the block as published (the imresize_like line needs a dst_img the
#   page never defines), with the page's imports; print() of the results' shapes appended.
import mmcv

img = mmcv.imread('tests/data/color.jpg')

# resize by a ratio
mmcv.imrescale(img, 0.5)

# resize so that the max edge no longer than 1000, short edge no longer than 800
# without changing the aspect ratio
mmcv.imrescale(img, (1000, 800))
print(mmcv.imrescale(img, 0.5).shape, mmcv.imrescale(img, (1000, 800)).shape)
