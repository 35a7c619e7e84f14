# A key switches the device to another profile; the switch happens after
# the frame, and the new profile starts with nothing held.
device 0 KEY_F1 KEY_F2 KEY_A
config
[remap test]
KEY_F1 = profile(games)
KEY_A = KEY_B

[remap games]
KEY_F2 = profile(test)
KEY_A = KEY_SPACE
input
0 0 KEY_A 1
10 0 KEY_A 0
20 0 KEY_F1 1
30 0 KEY_F1 0
40 0 KEY_A 1
50 0 KEY_A 0
60 0 KEY_F2 1
70 0 KEY_F2 0
80 0 KEY_A 1
output
0 0 KEY_B 1
10 0 KEY_B 0
20 profile games
40 0 KEY_SPACE 1
50 0 KEY_SPACE 0
60 profile test
80 0 KEY_B 1
