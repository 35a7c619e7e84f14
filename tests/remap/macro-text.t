# Text on the default US layout: H and ! need Shift.  With macro-delay 0
# every press and every release is a frame of its own, at once.
device 0 KEY_F2 KEY_A
syncs
config
[remap test]
macro-delay = 0
KEY_F2 = macro("Hi!")
input
0 0 KEY_F2 1
10 0 KEY_F2 0
output
0 0 KEY_LEFTSHIFT 1
0 0 KEY_H 1
0 sync
0 0 KEY_H 0
0 0 KEY_LEFTSHIFT 0
0 sync
0 0 KEY_I 1
0 sync
0 0 KEY_I 0
0 sync
0 0 KEY_LEFTSHIFT 1
0 0 KEY_1 1
0 sync
0 0 KEY_1 0
0 0 KEY_LEFTSHIFT 0
0 sync
