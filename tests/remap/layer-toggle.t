# toggle(): one press turns the layer on, the next turns it off.
device 0 KEY_F12 KEY_H
config
[remap test]
KEY_F12 = toggle(nav)

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_F12 1
5 0 KEY_F12 0
10 0 KEY_H 1
20 0 KEY_H 0
30 0 KEY_F12 1
35 0 KEY_F12 0
40 0 KEY_H 1
50 0 KEY_H 0
output
10 0 KEY_LEFT 1
20 0 KEY_LEFT 0
40 0 KEY_H 1
50 0 KEY_H 0
