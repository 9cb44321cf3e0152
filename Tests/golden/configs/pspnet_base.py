# A trimmed MMSegmentation base config (model + schedule), for Config.fromfile tests.
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    backbone=dict(type='ResNetV1c', depth=50, norm_cfg=norm_cfg),
    decode_head=dict(
        type='PSPHead', in_channels=2048, channels=512, num_classes=19, norm_cfg=norm_cfg,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(
        type='FCNHead', in_channels=1024, channels=256, num_classes=19,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)))
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=40000, by_epoch=False)]
