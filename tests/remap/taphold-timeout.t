# Held past tap-hold-timeout (200ms by default): the hold action, from the
# timeout until the release.
device 0 KEY_CAPSLOCK KEY_C
config
[remap test]
KEY_CAPSLOCK = tap-hold(KEY_ESC, KEY_LEFTCTRL)
input
0 0 KEY_CAPSLOCK 1
300 0 KEY_CAPSLOCK 0
output
200 0 KEY_LEFTCTRL 1
300 0 KEY_LEFTCTRL 0
