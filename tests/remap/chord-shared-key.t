# Two chords share Ctrl: it stays down until the last one lets go.
device 0 KEY_1 KEY_2
config
[remap test]
KEY_1 = KEY_LEFTCTRL+KEY_Z
KEY_2 = KEY_LEFTCTRL+KEY_Y
input
0 0 KEY_1 1
10 0 KEY_2 1
20 0 KEY_1 0
30 0 KEY_2 0
output
0 0 KEY_LEFTCTRL 1
0 0 KEY_Z 1
10 0 KEY_Y 1
20 0 KEY_Z 0
30 0 KEY_Y 0
30 0 KEY_LEFTCTRL 0
