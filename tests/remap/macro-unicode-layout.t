# Unicode input goes through the layout too: on French AZERTY the digits
# need Shift (e-acute is on the 2 key, so it is no Unicode input; the
# em dash U+2014 is not on the layout's first levels).
device 0 KEY_F3
config
[remap test]
macro-delay = 0
text-layout = fr
KEY_F3 = macro("—")
input
0 0 KEY_F3 1
output
0 0 KEY_LEFTCTRL 1
0 0 KEY_LEFTSHIFT 1
0 0 KEY_U 1
0 0 KEY_U 0
0 0 KEY_LEFTCTRL 0
0 0 KEY_LEFTSHIFT 0
0 0 KEY_LEFTSHIFT 1
0 0 KEY_2 1
0 0 KEY_2 0
0 0 KEY_LEFTSHIFT 0
0 0 KEY_LEFTSHIFT 1
0 0 KEY_0 1
0 0 KEY_0 0
0 0 KEY_LEFTSHIFT 0
0 0 KEY_LEFTSHIFT 1
0 0 KEY_1 1
0 0 KEY_1 0
0 0 KEY_LEFTSHIFT 0
0 0 KEY_LEFTSHIFT 1
0 0 KEY_4 1
0 0 KEY_4 0
0 0 KEY_LEFTSHIFT 0
0 0 KEY_SPACE 1
0 0 KEY_SPACE 0
