# Stick directions onto keys.  ABS_X is 0..255, its center 127.5 and half
# range 127.5.  threshold=50%: pressed from (v - 127.5) / 127.5 >= 0.5,
# i.e. v >= 192; hysteresis=10%: released only below 0.4, i.e. v <= 178.
device 0 ABS_X 0 255 KEY_A
config
[remap test]
ABS_X- = KEY_A
ABS_X+ = KEY_D, threshold=50%, hysteresis=10%
input
0 0 ABS_X 190
10 0 ABS_X 192
20 0 ABS_X 180
30 0 ABS_X 179
40 0 ABS_X 178
50 0 ABS_X 60
60 0 ABS_X 128
output
10 0 KEY_D 1
40 0 KEY_D 0
50 0 KEY_A 1
60 0 KEY_A 0
