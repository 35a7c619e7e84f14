# tap-hold released before the timeout, nothing else pressed: the tap
# action, pressed and released at the release.
device 0 KEY_CAPSLOCK KEY_C
syncs
config
[remap test]
KEY_CAPSLOCK = tap-hold(KEY_ESC, KEY_LEFTCTRL)
input
0 0 KEY_CAPSLOCK 1
100 0 KEY_CAPSLOCK 0
output
100 0 KEY_ESC 1
100 sync
100 0 KEY_ESC 0
100 sync
