# Mouse keys with acceleration: rate 10/s (a step each 100 ms), the speed
# goes from 100 to 300 units/s over 1 s.  At 100 ms: 120 u/s * 0.1 s = 12,
# at 200 ms 14, at 300 ms 16.  The release stops the timer: nothing after.
# The keypad is a keyboard, so motion goes to an extra pointer output (1).
device 0 KEY_KP6 KEY_KP8
outputs 2
caps 1 REL_X REL_Y BTN_LEFT
config
[remap test]
rate = 10
mouse-speed = 100
mouse-max-speed = 300
mouse-accel-time = 1s
KEY_KP6 = REL_X+
KEY_KP8 = REL_Y-
input
0 0 KEY_KP6 1
350 0 KEY_KP6 0
1000 0 KEY_KP8 1
1100 0 KEY_KP8 0
output
100 1 REL_X 12
200 1 REL_X 14
300 1 REL_X 16
1100 1 REL_Y -12
