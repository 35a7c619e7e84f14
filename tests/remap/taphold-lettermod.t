# Home-row mods (keyd's lettermod): A is a letter when pressed within
# 150 ms of a plain key (typing), else tap-hold-balanced(A, Ctrl, 200ms).
# S passes unmapped: a plain key.
device 0 KEY_A KEY_S
config
[remap test]
KEY_A = lettermod(KEY_LEFTCTRL, KEY_A, 150ms, 200ms)
input
0 0 KEY_S 1
10 0 KEY_S 0
50 0 KEY_A 1
60 0 KEY_A 0
1000 0 KEY_A 1
1050 0 KEY_S 1
1060 0 KEY_S 0
1100 0 KEY_A 0
2000 0 KEY_A 1
2100 0 KEY_A 0
3000 0 KEY_A 1
3500 0 KEY_A 0
output
0 0 KEY_S 1
10 0 KEY_S 0
50 0 KEY_A 1
60 0 KEY_A 0
1060 0 KEY_LEFTCTRL 1
1060 0 KEY_S 1
1060 0 KEY_S 0
1100 0 KEY_LEFTCTRL 0
2100 0 KEY_A 1
2100 0 KEY_A 0
3200 0 KEY_LEFTCTRL 1
3500 0 KEY_LEFTCTRL 0
