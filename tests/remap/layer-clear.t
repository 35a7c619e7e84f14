# clear(): toggled layers off, armed one-shot layers dropped.
device 0 KEY_F1 KEY_F2 KEY_ESC KEY_H KEY_J
config
[remap test]
KEY_F1 = toggle(nav)
KEY_F2 = oneshot(num)
KEY_ESC = clear()

[remap test:nav]
KEY_H = KEY_LEFT

[remap test:num]
KEY_J = KEY_1
input
0 0 KEY_F1 1
5 0 KEY_F1 0
10 0 KEY_F2 1
15 0 KEY_F2 0
20 0 KEY_ESC 1
25 0 KEY_ESC 0
30 0 KEY_H 1
35 0 KEY_H 0
40 0 KEY_J 1
45 0 KEY_J 0
output
30 0 KEY_H 1
35 0 KEY_H 0
40 0 KEY_J 1
45 0 KEY_J 0
