# Source: https://mmcv.readthedocs.io/en/2.x/understand_mmcv/data_process.html (docs/en/understand_mmcv/data_process.md)
#   "Pad": the code block as published (its tests/data/color.jpg is mmcv's test image), with the page's
#   imports (first block of the page); print() of each result's shape and a pixel appended.
import mmcv
import numpy as np

img = mmcv.imread('tests/data/color.jpg')

# pad the image to (1000, 1200) with all zeros
img_ = mmcv.impad(img, shape=(1000, 1200), pad_val=0)
print(img_.shape, img_[999, 1199])

# pad the image to (1000, 1200) with different values for three channels.
img_ = mmcv.impad(img, shape=(1000, 1200), pad_val=(100, 50, 200))
print(img_.shape, img_[999, 1199])

# pad the image on left, right, top, bottom borders with all zeros
img_ = mmcv.impad(img, padding=(10, 20, 30, 40), pad_val=0)
print(img_.shape, img_[0, 0], img_[30, 10])

# pad the image on left, right, top, bottom borders with different values
# for three channels.
img_ = mmcv.impad(img, padding=(10, 20, 30, 40), pad_val=(100, 50, 200))
print(img_.shape, img_[0, 0])

# pad an image so that each edge is a multiple of some value.
img_ = mmcv.impad_to_multiple(img, 32)
print(img_.shape)
