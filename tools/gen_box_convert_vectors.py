# Prints the expected values of Tests/pytest/test_trick_box_convert.py with torchvision 0.19
# (run with the reference env: /work/refenv/bin/python tools/gen_box_convert_vectors.py).
import torch
from torchvision.ops import box_area, box_convert

INT_BOXES = [[0, 0, 100, 100], [3, 5, 10, 7], [10, 15, 30, 35], [23, 35, 93, 95]]
FLOAT_BOXES = [[285.3538, 185.5758, 1193.5110, 851.4551], [0.1, 0.2, 0.35, 0.9], [-1.5, 2.25, 3.125, 7.0]]
FORMATS = ['xyxy', 'xywh', 'cxcywh']

for name, boxes in [('int', INT_BOXES), ('float', FLOAT_BOXES)]:
    for dtype in [torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.float32, torch.float64]:
        if name == 'float' and not dtype.is_floating_point:
            continue
        if dtype in (torch.int8, torch.int16, torch.float16):   # box_area's upcast: no wrap-around
            a = box_area(torch.tensor(boxes, dtype=dtype))
            print(f"('{name}', {dtype}, 'area'): ({a.dtype}, {a.tolist()!r}),")
            continue
        b = torch.tensor(boxes, dtype=dtype)
        a = box_area(b)
        print(f"('{name}', {dtype}, 'area'): ({a.dtype}, {a.tolist()!r}),")
        for i in FORMATS:
            for o in FORMATS:
                if i != o:
                    c = box_convert(b, i, o)
                    print(f"('{name}', {dtype}, '{i}', '{o}'): ({c.dtype}, {c.tolist()!r}),")
try:
    box_convert(torch.tensor(INT_BOXES), 'xwyh', 'xyxy')
except ValueError as e:
    print('ValueError:', e)
print(box_area(torch.zeros(0, 4)).shape, box_convert(torch.zeros(0, 4), 'xyxy', 'cxcywh').shape)
