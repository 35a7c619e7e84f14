# With X held (passing unmapped), a key mapped to Ctrl+X still delivers
# Ctrl+X: X is released, then Ctrl and X are pressed.  A modifier that is
# already down is not pressed again.
device 0 KEY_X KEY_F1 KEY_F2 KEY_LEFTCTRL
config
[remap test]
KEY_F1 = KEY_LEFTCTRL+KEY_X
KEY_F2 = KEY_LEFTCTRL+KEY_C
input
0 0 KEY_X 1
10 0 KEY_F1 1
20 0 KEY_F1 0
30 0 KEY_X 0
100 0 KEY_LEFTCTRL 1
110 0 KEY_F2 1
120 0 KEY_F2 0
130 0 KEY_LEFTCTRL 0
output
0 0 KEY_X 1
10 0 KEY_X 0
10 0 KEY_LEFTCTRL 1
10 0 KEY_X 1
20 0 KEY_LEFTCTRL 0
30 0 KEY_X 0
100 0 KEY_LEFTCTRL 1
110 0 KEY_C 1
120 0 KEY_C 0
130 0 KEY_LEFTCTRL 0
