# Another key pressed while the tap-hold is undecided: hold, at once, and
# the other key comes after it (Ctrl+C).  A release of a key pressed
# before does not decide anything.
device 0 KEY_CAPSLOCK KEY_C KEY_X
config
[remap test]
KEY_CAPSLOCK = tap-hold(KEY_ESC, KEY_LEFTCTRL)
input
0 0 KEY_X 1
10 0 KEY_CAPSLOCK 1
20 0 KEY_X 0
50 0 KEY_C 1
60 0 KEY_C 0
70 0 KEY_CAPSLOCK 0
output
0 0 KEY_X 1
20 0 KEY_X 0
50 0 KEY_LEFTCTRL 1
50 0 KEY_C 1
60 0 KEY_C 0
70 0 KEY_LEFTCTRL 0
