# tap-hold-now (keyd's overload): the hold starts at the press, so Ctrl
# is down at once; released with no other key pressed meanwhile, the hold
# ends and the tap follows.  With a TIMEOUT, held longer gives no tap.
device 0 KEY_CAPSLOCK KEY_C KEY_TAB
config
[remap test]
KEY_CAPSLOCK = tap-hold-now(KEY_ESC, KEY_LEFTCTRL)
KEY_TAB = tap-hold-now(KEY_TAB, KEY_LEFTMETA, 300ms)
input
0 0 KEY_CAPSLOCK 1
500 0 KEY_CAPSLOCK 0
1000 0 KEY_CAPSLOCK 1
1010 0 KEY_C 1
1020 0 KEY_C 0
1030 0 KEY_CAPSLOCK 0
2000 0 KEY_TAB 1
2100 0 KEY_TAB 0
3000 0 KEY_TAB 1
3300 0 KEY_TAB 0
output
0 0 KEY_LEFTCTRL 1
500 0 KEY_LEFTCTRL 0
500 0 KEY_ESC 1
500 0 KEY_ESC 0
1000 0 KEY_LEFTCTRL 1
1010 0 KEY_C 1
1020 0 KEY_C 0
1030 0 KEY_LEFTCTRL 0
2000 0 KEY_LEFTMETA 1
2100 0 KEY_LEFTMETA 0
2100 0 KEY_TAB 1
2100 0 KEY_TAB 0
3000 0 KEY_LEFTMETA 1
3300 0 KEY_LEFTMETA 0
