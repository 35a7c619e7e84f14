# A chord: pressed in the order written, released in reverse.
device 0 KEY_1 KEY_2 KEY_A
config
[remap test]
KEY_1 = KEY_LEFTCTRL+KEY_Z
input
0 0 KEY_1 1
40 0 KEY_1 0
output
0 0 KEY_LEFTCTRL 1
0 0 KEY_Z 1
40 0 KEY_Z 0
40 0 KEY_LEFTCTRL 0
