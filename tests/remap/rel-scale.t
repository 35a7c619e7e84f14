# Relative motion scaled by a fraction: what does not make a whole unit is
# carried to the next event, so no motion is lost.  invert flips it.
device 0 REL_X REL_Y REL_WHEEL BTN_LEFT
config
[remap test]
REL_X = REL_X, scale=1/3
REL_WHEEL = REL_WHEEL, invert
REL_Y = REL_Y, scale=2
input
0 0 REL_X 1
1 0 REL_X 1
2 0 REL_X 1
3 0 REL_X 5
4 0 REL_X 1
5 0 REL_X -2
6 0 REL_WHEEL 1
7 0 REL_Y -3
output
2 0 REL_X 1
3 0 REL_X 1
4 0 REL_X 1
6 0 REL_WHEEL -1
7 0 REL_Y -6
