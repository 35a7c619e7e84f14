# A stick moves the pointer while deflected, at speed units/s at full
# deflection, rate 10/s; at rest no timer runs, so nothing comes.  The
# default deadzone of a stick onto motion is 10%: ABS_X turns it off.
device 0 ABS_X -100 100 ABS_Y -100 100 BTN_SOUTH
outputs 2
caps 1 REL_X
nocaps 0 ABS_X
config
[remap test]
rate = 10
ABS_X = REL_X, speed=100, deadzone=0
ABS_Y = REL_WHEEL, speed=10, deadzone=20%
input
0 0 ABS_X 100
250 0 ABS_X 50
350 0 ABS_X 0
1000 0 ABS_Y 10
2000 0 ABS_Y -100
2250 0 ABS_Y 0
output
100 1 REL_X 10
200 1 REL_X 10
300 1 REL_X 5
2100 1 REL_WHEEL -1
2200 1 REL_WHEEL -1
