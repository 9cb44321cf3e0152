# torchvision.ops box_area and box_convert against torchvision 0.19: values and dtypes exactly
# (integer boxes stay integer through xywh, become float32 through cxcywh; box_area upcasts int8/int16
# to int32 and float16 to float32). Expected values printed by
# tools/gen_box_convert_vectors.py in the reference env.
import pytest
import torch
from torchvision.ops import box_area, box_convert

INT_BOXES = [[0, 0, 100, 100], [3, 5, 10, 7], [10, 15, 30, 35], [23, 35, 93, 95]]
FLOAT_BOXES = [[285.3538, 185.5758, 1193.5110, 851.4551], [0.1, 0.2, 0.35, 0.9], [-1.5, 2.25, 3.125, 7.0]]
FORMATS = ['xyxy', 'xywh', 'cxcywh']

EXPECTED = {
    ('int', torch.int8, 'area'): (torch.int32, [10000, 14, 400, 4200]),
    ('int', torch.int16, 'area'): (torch.int32, [10000, 14, 400, 4200]),
    ('int', torch.int32, 'area'): (torch.int32, [10000, 14, 400, 4200]),
    ('int', torch.int32, 'xyxy', 'xywh'): (torch.int32, [[0, 0, 100, 100], [3, 5, 7, 2], [10, 15, 20, 20], [23, 35, 70, 60]]),
    ('int', torch.int32, 'xyxy', 'cxcywh'): (torch.float32, [[50.0, 50.0, 100.0, 100.0], [6.5, 6.0, 7.0, 2.0], [20.0, 25.0, 20.0, 20.0], [58.0, 65.0, 70.0, 60.0]]),
    ('int', torch.int32, 'xywh', 'xyxy'): (torch.int32, [[0, 0, 100, 100], [3, 5, 13, 12], [10, 15, 40, 50], [23, 35, 116, 130]]),
    ('int', torch.int32, 'xywh', 'cxcywh'): (torch.float32, [[50.0, 50.0, 100.0, 100.0], [8.0, 8.5, 10.0, 7.0], [25.0, 32.5, 30.0, 35.0], [69.5, 82.5, 93.0, 95.0]]),
    ('int', torch.int32, 'cxcywh', 'xyxy'): (torch.float32, [[-50.0, -50.0, 50.0, 50.0], [-2.0, 1.5, 8.0, 8.5], [-5.0, -2.5, 25.0, 32.5], [-23.5, -12.5, 69.5, 82.5]]),
    ('int', torch.int32, 'cxcywh', 'xywh'): (torch.float32, [[-50.0, -50.0, 100.0, 100.0], [-2.0, 1.5, 10.0, 7.0], [-5.0, -2.5, 30.0, 35.0], [-23.5, -12.5, 93.0, 95.0]]),
    ('int', torch.int64, 'area'): (torch.int64, [10000, 14, 400, 4200]),
    ('int', torch.int64, 'xyxy', 'xywh'): (torch.int64, [[0, 0, 100, 100], [3, 5, 7, 2], [10, 15, 20, 20], [23, 35, 70, 60]]),
    ('int', torch.int64, 'xyxy', 'cxcywh'): (torch.float32, [[50.0, 50.0, 100.0, 100.0], [6.5, 6.0, 7.0, 2.0], [20.0, 25.0, 20.0, 20.0], [58.0, 65.0, 70.0, 60.0]]),
    ('int', torch.int64, 'xywh', 'xyxy'): (torch.int64, [[0, 0, 100, 100], [3, 5, 13, 12], [10, 15, 40, 50], [23, 35, 116, 130]]),
    ('int', torch.int64, 'xywh', 'cxcywh'): (torch.float32, [[50.0, 50.0, 100.0, 100.0], [8.0, 8.5, 10.0, 7.0], [25.0, 32.5, 30.0, 35.0], [69.5, 82.5, 93.0, 95.0]]),
    ('int', torch.int64, 'cxcywh', 'xyxy'): (torch.float32, [[-50.0, -50.0, 50.0, 50.0], [-2.0, 1.5, 8.0, 8.5], [-5.0, -2.5, 25.0, 32.5], [-23.5, -12.5, 69.5, 82.5]]),
    ('int', torch.int64, 'cxcywh', 'xywh'): (torch.float32, [[-50.0, -50.0, 100.0, 100.0], [-2.0, 1.5, 10.0, 7.0], [-5.0, -2.5, 30.0, 35.0], [-23.5, -12.5, 93.0, 95.0]]),
    ('int', torch.float16, 'area'): (torch.float32, [10000.0, 14.0, 400.0, 4200.0]),
    ('int', torch.float32, 'area'): (torch.float32, [10000.0, 14.0, 400.0, 4200.0]),
    ('int', torch.float32, 'xyxy', 'xywh'): (torch.float32, [[0.0, 0.0, 100.0, 100.0], [3.0, 5.0, 7.0, 2.0], [10.0, 15.0, 20.0, 20.0], [23.0, 35.0, 70.0, 60.0]]),
    ('int', torch.float32, 'xyxy', 'cxcywh'): (torch.float32, [[50.0, 50.0, 100.0, 100.0], [6.5, 6.0, 7.0, 2.0], [20.0, 25.0, 20.0, 20.0], [58.0, 65.0, 70.0, 60.0]]),
    ('int', torch.float32, 'xywh', 'xyxy'): (torch.float32, [[0.0, 0.0, 100.0, 100.0], [3.0, 5.0, 13.0, 12.0], [10.0, 15.0, 40.0, 50.0], [23.0, 35.0, 116.0, 130.0]]),
    ('int', torch.float32, 'xywh', 'cxcywh'): (torch.float32, [[50.0, 50.0, 100.0, 100.0], [8.0, 8.5, 10.0, 7.0], [25.0, 32.5, 30.0, 35.0], [69.5, 82.5, 93.0, 95.0]]),
    ('int', torch.float32, 'cxcywh', 'xyxy'): (torch.float32, [[-50.0, -50.0, 50.0, 50.0], [-2.0, 1.5, 8.0, 8.5], [-5.0, -2.5, 25.0, 32.5], [-23.5, -12.5, 69.5, 82.5]]),
    ('int', torch.float32, 'cxcywh', 'xywh'): (torch.float32, [[-50.0, -50.0, 100.0, 100.0], [-2.0, 1.5, 10.0, 7.0], [-5.0, -2.5, 30.0, 35.0], [-23.5, -12.5, 93.0, 95.0]]),
    ('int', torch.float64, 'area'): (torch.float64, [10000.0, 14.0, 400.0, 4200.0]),
    ('int', torch.float64, 'xyxy', 'xywh'): (torch.float64, [[0.0, 0.0, 100.0, 100.0], [3.0, 5.0, 7.0, 2.0], [10.0, 15.0, 20.0, 20.0], [23.0, 35.0, 70.0, 60.0]]),
    ('int', torch.float64, 'xyxy', 'cxcywh'): (torch.float64, [[50.0, 50.0, 100.0, 100.0], [6.5, 6.0, 7.0, 2.0], [20.0, 25.0, 20.0, 20.0], [58.0, 65.0, 70.0, 60.0]]),
    ('int', torch.float64, 'xywh', 'xyxy'): (torch.float64, [[0.0, 0.0, 100.0, 100.0], [3.0, 5.0, 13.0, 12.0], [10.0, 15.0, 40.0, 50.0], [23.0, 35.0, 116.0, 130.0]]),
    ('int', torch.float64, 'xywh', 'cxcywh'): (torch.float64, [[50.0, 50.0, 100.0, 100.0], [8.0, 8.5, 10.0, 7.0], [25.0, 32.5, 30.0, 35.0], [69.5, 82.5, 93.0, 95.0]]),
    ('int', torch.float64, 'cxcywh', 'xyxy'): (torch.float64, [[-50.0, -50.0, 50.0, 50.0], [-2.0, 1.5, 8.0, 8.5], [-5.0, -2.5, 25.0, 32.5], [-23.5, -12.5, 69.5, 82.5]]),
    ('int', torch.float64, 'cxcywh', 'xywh'): (torch.float64, [[-50.0, -50.0, 100.0, 100.0], [-2.0, 1.5, 10.0, 7.0], [-5.0, -2.5, 30.0, 35.0], [-23.5, -12.5, 93.0, 95.0]]),
    ('float', torch.float16, 'area'): (torch.float32, [605113.875, 0.17507323622703552, 21.96875]),
    ('float', torch.float32, 'area'): (torch.float32, [604723.0625, 0.17499999701976776, 21.96875]),
    ('float', torch.float32, 'xyxy', 'xywh'): (torch.float32, [[285.3537902832031, 185.5758056640625, 908.1572265625, 665.8792724609375], [0.10000000149011612, 0.20000000298023224, 0.25, 0.699999988079071], [-1.5, 2.25, 4.625, 4.75]]),
    ('float', torch.float32, 'xyxy', 'cxcywh'): (torch.float32, [[739.432373046875, 518.5154418945312, 908.1572265625, 665.8792724609375], [0.22499999403953552, 0.550000011920929, 0.25, 0.699999988079071], [0.8125, 4.625, 4.625, 4.75]]),
    ('float', torch.float32, 'xywh', 'xyxy'): (torch.float32, [[285.3537902832031, 185.5758056640625, 1478.86474609375, 1037.0308837890625], [0.10000000149011612, 0.20000000298023224, 0.44999998807907104, 1.100000023841858], [-1.5, 2.25, 1.625, 9.25]]),
    ('float', torch.float32, 'xywh', 'cxcywh'): (torch.float32, [[882.1092529296875, 611.3033447265625, 1193.510986328125, 851.455078125], [0.2750000059604645, 0.6500000357627869, 0.3499999940395355, 0.9000000357627869], [0.0625, 5.75, 3.125, 7.0]]),
    ('float', torch.float32, 'cxcywh', 'xyxy'): (torch.float32, [[-311.4017028808594, -240.1517333984375, 882.1092529296875, 611.3033447265625], [-0.07499999552965164, -0.2499999850988388, 0.2750000059604645, 0.6499999761581421], [-3.0625, -1.25, 0.0625, 5.75]]),
    ('float', torch.float32, 'cxcywh', 'xywh'): (torch.float32, [[-311.4017028808594, -240.1517333984375, 1193.510986328125, 851.455078125], [-0.07499999552965164, -0.2499999850988388, 0.3499999940395355, 0.8999999761581421], [-3.0625, -1.25, 3.125, 7.0]]),
    ('float', torch.float64, 'area'): (torch.float64, [604723.08062596, 0.17499999999999996, 21.96875]),
    ('float', torch.float64, 'xyxy', 'xywh'): (torch.float64, [[285.3538, 185.5758, 908.1572, 665.8793000000001], [0.1, 0.2, 0.24999999999999997, 0.7], [-1.5, 2.25, 4.625, 4.75]]),
    ('float', torch.float64, 'xyxy', 'cxcywh'): (torch.float64, [[739.4323999999999, 518.51545, 908.1572, 665.8793000000001], [0.22499999999999998, 0.55, 0.24999999999999997, 0.7], [0.8125, 4.625, 4.625, 4.75]]),
    ('float', torch.float64, 'xywh', 'xyxy'): (torch.float64, [[285.3538, 185.5758, 1478.8647999999998, 1037.0309], [0.1, 0.2, 0.44999999999999996, 1.1], [-1.5, 2.25, 1.625, 9.25]]),
    ('float', torch.float64, 'xywh', 'cxcywh'): (torch.float64, [[882.1092999999998, 611.30335, 1193.511, 851.4551], [0.27499999999999997, 0.65, 0.35, 0.9000000000000001], [0.0625, 5.75, 3.125, 7.0]]),
    ('float', torch.float64, 'cxcywh', 'xyxy'): (torch.float64, [[-311.4017, -240.15175000000002, 882.1093, 611.30335], [-0.07499999999999998, -0.25, 0.275, 0.65], [-3.0625, -1.25, 0.0625, 5.75]]),
    ('float', torch.float64, 'cxcywh', 'xywh'): (torch.float64, [[-311.4017, -240.15175000000002, 1193.511, 851.4551], [-0.07499999999999998, -0.25, 0.35, 0.9], [-3.0625, -1.25, 3.125, 7.0]]),
}


def boxes(name, dtype):
    return torch.tensor(INT_BOXES if name == 'int' else FLOAT_BOXES, dtype=dtype)


@pytest.mark.parametrize('key', [k for k in EXPECTED if k[2] == 'area'])
def test_box_area(key):
    dtype, values = EXPECTED[key]
    out = box_area(boxes(key[0], key[1]))
    assert out.dtype == dtype
    assert out.tolist() == values


@pytest.mark.parametrize('key', [k for k in EXPECTED if k[2] != 'area'])
def test_box_convert(key):
    dtype, values = EXPECTED[key]
    out = box_convert(boxes(key[0], key[1]), key[2], key[3])
    assert out.dtype == dtype
    assert out.tolist() == values


def test_box_convert_same_format_and_errors():
    b = boxes('float', torch.float32)
    for f in FORMATS:
        assert torch.equal(box_convert(b, f, f), b)
    with pytest.raises(ValueError, match='Unsupported Bounding Box Conversions'):
        box_convert(b, 'xwyh', 'xyxy')
    assert box_area(torch.zeros(0, 4)).shape == (0,)
    assert box_convert(torch.zeros(0, 4), 'xyxy', 'cxcywh').shape == (0, 4)
