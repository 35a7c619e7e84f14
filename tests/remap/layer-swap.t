# swap(NAME), as keyd: the layer the swap key is bound in is replaced.
# Held by a layer() key: that key holds the new layer until its release.
# Toggled: the new layer is toggled instead.
device 0 KEY_F1 KEY_F2 KEY_X KEY_S
caps 0 KEY_LEFTCTRL KEY_S
config
[remap test]
KEY_F1 = layer(ctl)
KEY_F2 = toggle(ctl)

[remap test:ctl]
KEY_X = swap(xl)

[remap test:xl]
KEY_S = KEY_LEFTCTRL+KEY_S
input
0 0 KEY_F1 1
10 0 KEY_X 1
20 0 KEY_X 0
30 0 KEY_S 1
40 0 KEY_S 0
50 0 KEY_F1 0
60 0 KEY_S 1
70 0 KEY_S 0
100 0 KEY_F2 1
110 0 KEY_F2 0
120 0 KEY_X 1
130 0 KEY_X 0
140 0 KEY_S 1
150 0 KEY_S 0
160 0 KEY_S 1
170 0 KEY_S 0
output
30 0 KEY_LEFTCTRL 1
30 0 KEY_S 1
40 0 KEY_S 0
40 0 KEY_LEFTCTRL 0
60 0 KEY_S 1
70 0 KEY_S 0
140 0 KEY_LEFTCTRL 1
140 0 KEY_S 1
150 0 KEY_S 0
150 0 KEY_LEFTCTRL 0
160 0 KEY_LEFTCTRL 1
160 0 KEY_S 1
170 0 KEY_S 0
170 0 KEY_LEFTCTRL 0
