# A layer while a key is held; what the layer does not map falls through
# to the base layer; a key keeps what its press did when the layer goes.
device 0 KEY_CAPSLOCK KEY_H KEY_A KEY_Q
config
[remap test]
KEY_CAPSLOCK = layer(nav)
KEY_A = KEY_B

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_CAPSLOCK 1
10 0 KEY_H 1
20 0 KEY_H 0
30 0 KEY_A 1
40 0 KEY_A 0
50 0 KEY_H 1
60 0 KEY_CAPSLOCK 0
70 0 KEY_H 0
80 0 KEY_H 1
90 0 KEY_H 0
output
10 0 KEY_LEFT 1
20 0 KEY_LEFT 0
30 0 KEY_B 1
40 0 KEY_B 0
50 0 KEY_LEFT 1
70 0 KEY_LEFT 0
80 0 KEY_H 1
90 0 KEY_H 0
