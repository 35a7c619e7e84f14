# Two one-shots tapped in a row both apply to the next key, and that key
# uses both up.  H is mapped in nav only, J in num only.
device 0 KEY_F1 KEY_F2 KEY_H KEY_J
config
[remap test]
KEY_F1 = oneshot(nav)
KEY_F2 = oneshot(num)

[remap test:nav]
KEY_H = KEY_LEFT

[remap test:num]
KEY_J = KEY_1
input
0 0 KEY_F1 1
5 0 KEY_F1 0
10 0 KEY_F2 1
15 0 KEY_F2 0
20 0 KEY_H 1
30 0 KEY_H 0
40 0 KEY_J 1
50 0 KEY_J 0
100 0 KEY_F1 1
105 0 KEY_F1 0
110 0 KEY_F2 1
115 0 KEY_F2 0
120 0 KEY_J 1
130 0 KEY_J 0
140 0 KEY_H 1
150 0 KEY_H 0
output
20 0 KEY_LEFT 1
30 0 KEY_LEFT 0
40 0 KEY_J 1
50 0 KEY_J 0
120 0 KEY_1 1
130 0 KEY_1 0
140 0 KEY_H 1
150 0 KEY_H 0
