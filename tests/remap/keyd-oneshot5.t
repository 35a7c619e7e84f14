# keyd's t/oneshot5.t, translated: 2 = oneshot(customshift) [:S],
# c = oneshot(control) [:C].  Two one-shots pressed overlapping and
# released: both armed, both apply to the next key.
device 0 KEY_2 KEY_C KEY_I
config
[remap test]
KEY_2 = oneshot(customshift)
KEY_C = oneshot(control)

[remap test:customshift:S]

[remap test:control:C]
input
0 0 KEY_2 1
1 0 KEY_C 1
2 0 KEY_2 0
3 0 KEY_C 0
4 0 KEY_I 1
5 0 KEY_I 0
output
0 0 KEY_LEFTSHIFT 1
1 0 KEY_LEFTCTRL 1
4 0 KEY_I 1
5 0 KEY_I 0
5 0 KEY_LEFTSHIFT 0
5 0 KEY_LEFTCTRL 0
