# tap-hold-wait (keyd's overloadt): only the timeout makes a hold; keys
# pressed meanwhile wait for the decision, then follow in order.  A
# release of the tap-hold key first is a tap (its tap pressed, the waiting
# keys, then its release).
device 0 KEY_A KEY_X KEY_Y
config
[remap test]
KEY_A = tap-hold-wait(KEY_A, KEY_LEFTCTRL, 200ms)
input
0 0 KEY_A 1
50 0 KEY_X 1
100 0 KEY_A 0
150 0 KEY_X 0
1000 0 KEY_A 1
1050 0 KEY_X 1
1100 0 KEY_X 0
1300 0 KEY_A 0
2000 0 KEY_Y 1
2010 0 KEY_A 1
2020 0 KEY_Y 0
2050 0 KEY_A 0
output
100 0 KEY_A 1
100 0 KEY_X 1
100 0 KEY_A 0
150 0 KEY_X 0
1200 0 KEY_LEFTCTRL 1
1200 0 KEY_X 1
1200 0 KEY_X 0
1300 0 KEY_LEFTCTRL 0
2000 0 KEY_Y 1
2020 0 KEY_Y 0
2050 0 KEY_A 1
2050 0 KEY_A 0
