# keyd's t/swap.t, translated: leftalt = layer(myalt) [myalt:A],
# ` = swap(tablayer) in myalt, [tablayer] tab = S-x, a = b.  The swap
# makes the Alt key hold tablayer: Alt goes (guarded: it was the last key
# pressed), then tab is Shift+X and a is B until the Alt key's release.
device 0 KEY_LEFTALT KEY_GRAVE KEY_TAB KEY_A
config
[remap test]
KEY_LEFTALT = layer(myalt)

[remap test:myalt:A]
KEY_GRAVE = swap(tablayer)

[remap test:tablayer]
KEY_TAB = KEY_LEFTSHIFT+KEY_X
KEY_A = KEY_B
input
0 0 KEY_LEFTALT 1
1 0 KEY_GRAVE 1
2 0 KEY_GRAVE 0
3 0 KEY_TAB 1
4 0 KEY_TAB 0
5 0 KEY_TAB 1
6 0 KEY_TAB 0
7 0 KEY_A 1
8 0 KEY_A 0
9 0 KEY_LEFTALT 0
output
0 0 KEY_LEFTALT 1
1 0 KEY_LEFTCTRL 1
1 0 KEY_LEFTALT 0
1 0 KEY_LEFTCTRL 0
3 0 KEY_LEFTSHIFT 1
3 0 KEY_X 1
4 0 KEY_X 0
4 0 KEY_LEFTSHIFT 0
5 0 KEY_LEFTSHIFT 1
5 0 KEY_X 1
6 0 KEY_X 0
6 0 KEY_LEFTSHIFT 0
7 0 KEY_B 1
8 0 KEY_B 0
