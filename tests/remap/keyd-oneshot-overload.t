# keyd's t/oneshot2.t, t/overload.t and t/oneshot+overload.t, translated:
# 2 = oneshot(customshift) [:S] held across a key is a momentary layer;
# 6 = overload(6l, esc) [6l:C] tapped is Ctrl down/up, then Esc;
# c = oneshot(control) tapped, then 6 tapped: the one-shot's Ctrl holds
# through the overload and goes after the Esc that used it up.
device 0 KEY_2 KEY_6 KEY_A KEY_C
config
[remap test]
KEY_2 = oneshot(customshift)
KEY_6 = tap-hold-now(KEY_ESC, layer(6l))
KEY_C = oneshot(control)

[remap test:customshift:S]

[remap test:6l:C]

[remap test:control:C]
input
0 0 KEY_2 1
1 0 KEY_A 1
2 0 KEY_A 0
3 0 KEY_2 0
100 0 KEY_6 1
101 0 KEY_6 0
200 0 KEY_C 1
201 0 KEY_C 0
202 0 KEY_6 1
203 0 KEY_6 0
output
0 0 KEY_LEFTSHIFT 1
1 0 KEY_A 1
2 0 KEY_A 0
3 0 KEY_LEFTSHIFT 0
100 0 KEY_LEFTCTRL 1
101 0 KEY_LEFTCTRL 0
101 0 KEY_ESC 1
101 0 KEY_ESC 0
200 0 KEY_LEFTCTRL 1
203 0 KEY_ESC 1
203 0 KEY_ESC 0
203 0 KEY_LEFTCTRL 0
