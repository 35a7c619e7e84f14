# A modifier pressed after a one-shot does not use it up: Shift, then H,
# gives Shift+Left.  A key mapped onto a modifier alone does not either;
# the next other key does.
device 0 KEY_F1 KEY_H KEY_LEFTSHIFT KEY_CAPSLOCK
config
[remap test]
KEY_F1 = oneshot(nav)
KEY_CAPSLOCK = KEY_LEFTCTRL

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_F1 1
5 0 KEY_F1 0
10 0 KEY_LEFTSHIFT 1
20 0 KEY_H 1
30 0 KEY_H 0
40 0 KEY_LEFTSHIFT 0
50 0 KEY_H 1
60 0 KEY_H 0
100 0 KEY_F1 1
105 0 KEY_F1 0
110 0 KEY_CAPSLOCK 1
120 0 KEY_H 1
130 0 KEY_H 0
140 0 KEY_CAPSLOCK 0
output
10 0 KEY_LEFTSHIFT 1
20 0 KEY_LEFT 1
30 0 KEY_LEFT 0
40 0 KEY_LEFTSHIFT 0
50 0 KEY_H 1
60 0 KEY_H 0
110 0 KEY_LEFTCTRL 1
120 0 KEY_LEFT 1
130 0 KEY_LEFT 0
140 0 KEY_LEFTCTRL 0
