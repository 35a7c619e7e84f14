# oneshot(): the layer serves the next key press only.
device 0 KEY_F11 KEY_H
config
[remap test]
KEY_F11 = oneshot(nav)

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_F11 1
5 0 KEY_F11 0
10 0 KEY_H 1
20 0 KEY_H 0
30 0 KEY_H 1
40 0 KEY_H 0
output
10 0 KEY_LEFT 1
20 0 KEY_LEFT 0
30 0 KEY_H 1
40 0 KEY_H 0
