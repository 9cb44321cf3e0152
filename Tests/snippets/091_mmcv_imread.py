# Source: https://mmcv.readthedocs.io/en/2.x/understand_mmcv/data_process.html (docs/en/understand_mmcv/data_process.md)
#   "Read/Write/Show": the reads of the first block as published (the imwrite line left out: the corpus
#   writes no files); print() of the results appended.
import mmcv

img = mmcv.imread('tests/data/color.jpg')
img = mmcv.imread('tests/data/color.jpg', flag='grayscale')
img_ = mmcv.imread(img)  # nothing will happen, img_ = img
print(img.shape, img.dtype, img[0, :5], (img_ == img).all())
