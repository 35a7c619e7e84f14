# Shuttle ring positions onto keys: each range is a key held while the
# ring is inside it.  Moving from one range to the next releases the
# first, then presses the second.
device 0 ABS_WHEEL -7 7 BTN_0
outputs 2
config
[remap test]
ABS_WHEEL[1..3] = KEY_L
ABS_WHEEL[4..7] = KEY_LEFTSHIFT+KEY_L
ABS_WHEEL[-3..-1] = KEY_J
input
0 0 ABS_WHEEL 2
10 0 ABS_WHEEL 3
20 0 ABS_WHEEL 5
30 0 ABS_WHEEL 0
40 0 ABS_WHEEL -2
50 0 ABS_WHEEL 0
output
0 1 KEY_L 1
20 1 KEY_L 0
20 1 KEY_LEFTSHIFT 1
20 1 KEY_L 1
30 1 KEY_L 0
30 1 KEY_LEFTSHIFT 0
40 1 KEY_J 1
50 1 KEY_J 0
