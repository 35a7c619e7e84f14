# A chord is released as keyd does: its keys in the order written, then
# its modifiers in the order written.  Ctrl+Z lets Z go first; Ctrl+Meta
# and A+B go in the order written.
device 0 KEY_1 KEY_2 KEY_3
config
[remap test]
KEY_1 = KEY_LEFTCTRL+KEY_Z
KEY_2 = KEY_LEFTCTRL+KEY_LEFTMETA
KEY_3 = KEY_A+KEY_LEFTSHIFT+KEY_B
input
0 0 KEY_1 1
10 0 KEY_1 0
20 0 KEY_2 1
30 0 KEY_2 0
40 0 KEY_3 1
50 0 KEY_3 0
output
0 0 KEY_LEFTCTRL 1
0 0 KEY_Z 1
10 0 KEY_Z 0
10 0 KEY_LEFTCTRL 0
20 0 KEY_LEFTCTRL 1
20 0 KEY_LEFTMETA 1
30 0 KEY_LEFTCTRL 0
30 0 KEY_LEFTMETA 0
40 0 KEY_A 1
40 0 KEY_LEFTSHIFT 1
40 0 KEY_B 1
50 0 KEY_A 0
50 0 KEY_B 0
50 0 KEY_LEFTSHIFT 0
