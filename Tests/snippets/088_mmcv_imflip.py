# Source: https://mmcv.readthedocs.io/en/2.x/understand_mmcv/data_process.html (docs/en/understand_mmcv/data_process.md)
#   "Flip": the code block as published, with the page's import; print() of the results' first pixels appended.
import mmcv

img = mmcv.imread('tests/data/color.jpg')

# flip the image horizontally
mmcv.imflip(img)

# flip the image vertically
mmcv.imflip(img, direction='vertical')
print(img.shape, img[0, 0], mmcv.imflip(img)[0, 0], mmcv.imflip(img, direction='vertical')[0, 0])
