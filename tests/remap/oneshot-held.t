# A one-shot key held while other keys are pressed is a momentary layer:
# every key pressed meanwhile gets the layer, and the release does not
# arm it (it was used).  Held and released with only a modifier between,
# it is armed as if tapped.
device 0 KEY_F1 KEY_H KEY_LEFTSHIFT
config
[remap test]
KEY_F1 = oneshot(nav)

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_F1 1
10 0 KEY_H 1
20 0 KEY_H 0
30 0 KEY_H 1
40 0 KEY_H 0
50 0 KEY_F1 0
60 0 KEY_H 1
70 0 KEY_H 0
100 0 KEY_F1 1
110 0 KEY_LEFTSHIFT 1
120 0 KEY_F1 0
130 0 KEY_H 1
140 0 KEY_H 0
150 0 KEY_LEFTSHIFT 0
output
10 0 KEY_LEFT 1
20 0 KEY_LEFT 0
30 0 KEY_LEFT 1
40 0 KEY_LEFT 0
60 0 KEY_H 1
70 0 KEY_H 0
110 0 KEY_LEFTSHIFT 1
130 0 KEY_LEFT 1
140 0 KEY_LEFT 0
150 0 KEY_LEFTSHIFT 0
