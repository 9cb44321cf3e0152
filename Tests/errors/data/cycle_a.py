_base_ = './cycle_b.py'
x = 1
