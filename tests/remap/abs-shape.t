# Absolute axis onto absolute axis, shaped.  All axes -100..100 (center 0).
#  ABS_X: deadzone 10%, outer deadzone 10%: |n| <= 0.1 is 0, then
#         (|n| - 0.1) / 0.8, full from 0.9 on.
#  ABS_Y: scale 0.5, then offset 10 (output units).
#  ABS_RX: curve 2: n squared, sign kept.
#  ABS_RY: calibrate=-50..50: the device only reaches +-50; that is full range.
#  ABS_Z onto ABS_RZ, inverted.
device 0 ABS_X -100 100 ABS_Y -100 100 ABS_RX -100 100 ABS_RY -100 100 ABS_Z -100 100 BTN_SOUTH
caps 0 ABS_X ABS_RZ
nocaps 0 ABS_Z
config
[remap test]
ABS_X = ABS_X, deadzone=10%, outer-deadzone=10%
ABS_Y = ABS_Y, scale=0.5, offset=10
ABS_RX = ABS_RX, curve=2
ABS_RY = ABS_RY, calibrate=-50..50
ABS_Z = ABS_RZ, invert
input
0 0 ABS_X 5
1 0 ABS_X 10
2 0 ABS_X 50
3 0 ABS_X 95
4 0 ABS_X -30
10 0 ABS_Y 100
11 0 ABS_Y -100
20 0 ABS_RX 50
21 0 ABS_RX -100
30 0 ABS_RY 50
31 0 ABS_RY -25
32 0 ABS_RY 80
40 0 ABS_Z 30
output
0 0 ABS_X 0
1 0 ABS_X 0
2 0 ABS_X 50
3 0 ABS_X 100
4 0 ABS_X -25
10 0 ABS_Y 60
11 0 ABS_Y -40
20 0 ABS_RX 25
21 0 ABS_RX -100
30 0 ABS_RY 100
31 0 ABS_RY -50
32 0 ABS_RY 100
40 0 ABS_RZ -30
