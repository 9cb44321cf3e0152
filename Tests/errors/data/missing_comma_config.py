model = dict(
    type='PSPNet'
    pretrained=None)
