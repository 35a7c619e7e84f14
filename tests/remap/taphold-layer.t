# A space bar that is a layer when held: a key pressed while it is held
# is looked up in the layer; tapped alone it is a space.  Its own timeout.
device 0 KEY_SPACE KEY_H
config
[remap test]
KEY_SPACE = tap-hold(KEY_SPACE, layer(nav), 300ms)

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_SPACE 1
50 0 KEY_H 1
60 0 KEY_H 0
70 0 KEY_SPACE 0
100 0 KEY_SPACE 1
350 0 KEY_SPACE 0
500 0 KEY_SPACE 1
900 0 KEY_H 1
910 0 KEY_H 0
920 0 KEY_SPACE 0
output
50 0 KEY_LEFT 1
60 0 KEY_LEFT 0
350 0 KEY_SPACE 1
350 0 KEY_SPACE 0
900 0 KEY_LEFT 1
910 0 KEY_LEFT 0
