# Keys typed while a macro runs wait until it ends (keyd finishes the
# macro first): "on" then x, not "oxn".  The macro ends macro-delay after
# its last release; the waiting events follow then, in their order.
device 0 KEY_F1 KEY_X
config
[remap test]
KEY_F1 = macro(KEY_O, KEY_N)
input
0 0 KEY_F1 1
2 0 KEY_F1 0
7 0 KEY_X 1
9 0 KEY_X 0
output
0 0 KEY_O 1
5 0 KEY_O 0
10 0 KEY_N 1
15 0 KEY_N 0
20 0 KEY_X 1
20 0 KEY_X 0
