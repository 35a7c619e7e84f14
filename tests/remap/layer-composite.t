# A composite layer [test:a+b] is active while a and b both are, and wins
# over them for what it maps; what it does not map falls through to the
# active layers (the latest first), then the base.
device 0 KEY_F1 KEY_F2 KEY_H KEY_J
config
[remap test]
KEY_F1 = layer(a)
KEY_F2 = layer(b)

[remap test:a]
KEY_H = KEY_LEFT

[remap test:b]
KEY_H = KEY_HOME
KEY_J = KEY_END

[remap test:a+b]
KEY_H = KEY_PAGEUP
input
0 0 KEY_F1 1
10 0 KEY_H 1
20 0 KEY_H 0
30 0 KEY_F2 1
40 0 KEY_H 1
50 0 KEY_H 0
60 0 KEY_J 1
70 0 KEY_J 0
80 0 KEY_F1 0
90 0 KEY_H 1
100 0 KEY_H 0
110 0 KEY_F2 0
output
10 0 KEY_LEFT 1
20 0 KEY_LEFT 0
40 0 KEY_PAGEUP 1
50 0 KEY_PAGEUP 0
60 0 KEY_END 1
70 0 KEY_END 0
90 0 KEY_HOME 1
100 0 KEY_HOME 0
