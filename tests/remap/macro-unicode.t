# A character the text layout has no key for (the snowman U+2603 on us)
# is typed as ISO 14755 Unicode input, as GTK and IBus take it:
# Ctrl+Shift+U, the hex code through the layout, Space.
device 0 KEY_F3
caps 0 KEY_LEFTCTRL KEY_LEFTSHIFT KEY_U KEY_2 KEY_6 KEY_0 KEY_3 KEY_SPACE KEY_A
config
[remap test]
macro-delay = 0
KEY_F3 = macro("a☃")
input
0 0 KEY_F3 1
10 0 KEY_F3 0
output
0 0 KEY_A 1
0 0 KEY_A 0
0 0 KEY_LEFTCTRL 1
0 0 KEY_LEFTSHIFT 1
0 0 KEY_U 1
0 0 KEY_U 0
0 0 KEY_LEFTCTRL 0
0 0 KEY_LEFTSHIFT 0
0 0 KEY_2 1
0 0 KEY_2 0
0 0 KEY_6 1
0 0 KEY_6 0
0 0 KEY_0 1
0 0 KEY_0 0
0 0 KEY_3 1
0 0 KEY_3 0
0 0 KEY_SPACE 1
0 0 KEY_SPACE 0
