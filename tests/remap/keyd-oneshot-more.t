# keyd's t/oneshot3.t and t/oneshot-single-key.t, translated:
# c = oneshot(control) [:C], 2 = oneshot(customshift) [:S] with b = a in
# customshift.
#  0-5:     both one-shots held, b (bound in customshift) pressed: Shift
#           goes for it and comes back; both held, so nothing is armed
#  100-...: 2 tapped, then u and i rolled: the one-shot Shift applies to u
#           only; it goes up before i (keyd lets it go at the next change)
device 0 KEY_C KEY_2 KEY_B KEY_U KEY_I
config
[remap test]
KEY_C = oneshot(control)
KEY_2 = oneshot(customshift)

[remap test:control:C]

[remap test:customshift:S]
KEY_B = KEY_A
input
0 0 KEY_C 1
1 0 KEY_2 1
2 0 KEY_B 1
3 0 KEY_B 0
4 0 KEY_2 0
5 0 KEY_C 0
100 0 KEY_2 1
101 0 KEY_2 0
102 0 KEY_U 1
103 0 KEY_I 1
104 0 KEY_U 0
105 0 KEY_I 0
output
0 0 KEY_LEFTCTRL 1
1 0 KEY_LEFTSHIFT 1
2 0 KEY_LEFTSHIFT 0
2 0 KEY_A 1
3 0 KEY_A 0
3 0 KEY_LEFTSHIFT 1
4 0 KEY_LEFTSHIFT 0
5 0 KEY_LEFTCTRL 0
100 0 KEY_LEFTSHIFT 1
102 0 KEY_U 1
103 0 KEY_LEFTSHIFT 0
103 0 KEY_I 1
104 0 KEY_U 0
105 0 KEY_I 0
