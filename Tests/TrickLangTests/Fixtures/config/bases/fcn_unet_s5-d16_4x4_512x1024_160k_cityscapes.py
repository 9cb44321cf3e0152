# Stand-in for MMSegmentation's configs/unet/fcn_unet_s5-d16_4x4_512x1024_160k_cityscapes.py (trimmed).
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    backbone=dict(type='UNet', in_channels=3, base_channels=64, num_stages=5, norm_cfg=norm_cfg),
    decode_head=dict(type='FCNHead', in_channels=64, channels=64, num_classes=19, norm_cfg=norm_cfg,
                     loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(type='FCNHead', in_channels=128, channels=64, num_classes=19, norm_cfg=norm_cfg,
                        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)))
