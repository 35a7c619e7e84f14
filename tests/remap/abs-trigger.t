# A trigger that rests at its minimum: center=min measures from 0, so
# threshold=50% of 0..255 is 127.5 (128 presses); hysteresis 10% releases
# below 0.4 * 255 = 102.
device 0 ABS_Z 0 255 BTN_SOUTH
outputs 2
config
[remap test]
ABS_Z+ = KEY_SPACE, center=min
input
0 0 ABS_Z 127
10 0 ABS_Z 128
20 0 ABS_Z 103
30 0 ABS_Z 102
output
10 1 KEY_SPACE 1
30 1 KEY_SPACE 0
