_base_ = './cycle_a.py'
y = 2
