# keyd's t/overload_3.t, translated: ' = overloadt2(control, ', 10).
# hidmapd: tap-hold-balanced(KEY_APOSTROPHE, layer(control), 10ms).
device 0 KEY_APOSTROPHE KEY_X
config
[remap test]
KEY_APOSTROPHE = tap-hold-balanced(KEY_APOSTROPHE, layer(control), 10ms)

[remap test:control:C]
input
0 0 KEY_APOSTROPHE 1
1 0 KEY_X 1
2 0 KEY_X 0
3 0 KEY_APOSTROPHE 0
4 0 KEY_APOSTROPHE 1
5 0 KEY_X 1
6 0 KEY_APOSTROPHE 0
7 0 KEY_X 0
8 0 KEY_APOSTROPHE 1
9 0 KEY_X 1
20 0 KEY_APOSTROPHE 0
21 0 KEY_X 0
output
2 0 KEY_LEFTCTRL 1
2 0 KEY_X 1
2 0 KEY_X 0
3 0 KEY_LEFTCTRL 0
6 0 KEY_APOSTROPHE 1
6 0 KEY_X 1
6 0 KEY_APOSTROPHE 0
7 0 KEY_X 0
18 0 KEY_LEFTCTRL 1
18 0 KEY_X 1
20 0 KEY_LEFTCTRL 0
21 0 KEY_X 0
