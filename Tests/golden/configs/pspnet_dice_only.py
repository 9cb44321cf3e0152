_base_ = ['./pspnet_ohem.py']
model = dict(decode_head=dict(loss_decode=dict(_delete_=True, type='DiceLoss', loss_weight=3.0)))
optimizer = dict(lr=0.02)
