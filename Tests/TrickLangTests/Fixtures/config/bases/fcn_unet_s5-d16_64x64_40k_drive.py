# Stand-in for MMSegmentation's configs/unet/fcn_unet_s5-d16_64x64_40k_drive.py (trimmed).
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    backbone=dict(type='UNet', in_channels=3, base_channels=64, num_stages=5, norm_cfg=norm_cfg),
    decode_head=dict(type='FCNHead', in_channels=64, channels=64, num_convs=1, num_classes=2, norm_cfg=norm_cfg,
                     loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(type='FCNHead', in_channels=128, channels=64, num_classes=2, norm_cfg=norm_cfg,
                        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
    test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(42, 42)))
