# A gamepad as keyboard and mouse: buttons onto keys go to an extra
# keyboard (output 1), a button onto a mouse button and the stick onto the
# pointer go to an extra pointer (output 2); the gamepad keeps the rest.
device 0 BTN_SOUTH BTN_EAST BTN_NORTH ABS_X -128 127 ABS_Y -128 127 ABS_RX -128 127
outputs 3
caps 0 BTN_NORTH ABS_RX
nocaps 0 BTN_SOUTH BTN_EAST ABS_X KEY_ENTER BTN_LEFT
caps 1 KEY_ENTER
nocaps 1 BTN_LEFT REL_X
caps 2 BTN_LEFT BTN_RIGHT REL_X REL_Y
config
[remap test]
rate = 10
BTN_SOUTH = KEY_ENTER
BTN_EAST = BTN_LEFT
ABS_X = REL_X, speed=100
ABS_Y = disabled
input
0 0 BTN_SOUTH 1
1 0 BTN_SOUTH 0
2 0 BTN_EAST 1
3 0 BTN_EAST 0
4 0 BTN_NORTH 1
5 0 ABS_RX 12
6 0 ABS_Y 40
1000 0 ABS_X 127
1150 0 ABS_X 0
output
0 1 KEY_ENTER 1
1 1 KEY_ENTER 0
2 2 BTN_LEFT 1
3 2 BTN_LEFT 0
4 0 BTN_NORTH 1
5 0 ABS_RX 12
1100 2 REL_X 10
