# tap-hold-balanced (keyd's overloadt2): like tap-hold-wait, and a whole
# tap of a key pressed after it (its press and release) makes a hold at
# that release.  A key pressed before it and released meanwhile goes on
# at once and decides nothing.
device 0 KEY_A KEY_X KEY_Y
config
[remap test]
KEY_A = tap-hold-balanced(KEY_A, KEY_LEFTCTRL, 200ms)
input
0 0 KEY_A 1
50 0 KEY_X 1
80 0 KEY_X 0
100 0 KEY_A 0
1000 0 KEY_Y 1
1010 0 KEY_A 1
1020 0 KEY_Y 0
1050 0 KEY_A 0
2000 0 KEY_A 1
2050 0 KEY_X 1
2100 0 KEY_A 0
2150 0 KEY_X 0
output
80 0 KEY_LEFTCTRL 1
80 0 KEY_X 1
80 0 KEY_X 0
100 0 KEY_LEFTCTRL 0
1000 0 KEY_Y 1
1020 0 KEY_Y 0
1050 0 KEY_A 1
1050 0 KEY_A 0
2100 0 KEY_A 1
2100 0 KEY_X 1
2100 0 KEY_A 0
2150 0 KEY_X 0
