# keyd's t/oneshot10.t, translated: 2 = oneshot(customshift) [:S], in
# customshift x = macro(o n).  An armed one-shot is used up before the
# macro runs, and a macro in a modifier layer runs without the layer's
# modifiers (keyd's execute_macro): "on", not "ON".  Keys typed while it
# runs wait for its end (20 ms: two keys at 5 ms macro-delay).
device 0 KEY_2 KEY_X
config
[remap test]
KEY_2 = oneshot(customshift)

[remap test:customshift:S]
KEY_X = macro(KEY_O, KEY_N)
input
0 0 KEY_2 1
1 0 KEY_2 0
2 0 KEY_X 1
3 0 KEY_X 0
4 0 KEY_X 1
5 0 KEY_X 0
100 0 KEY_2 1
101 0 KEY_X 1
102 0 KEY_X 0
103 0 KEY_2 0
output
0 0 KEY_LEFTSHIFT 1
2 0 KEY_LEFTSHIFT 0
2 0 KEY_O 1
7 0 KEY_O 0
12 0 KEY_N 1
17 0 KEY_N 0
22 0 KEY_X 1
22 0 KEY_X 0
100 0 KEY_LEFTSHIFT 1
101 0 KEY_LEFTSHIFT 0
101 0 KEY_O 1
106 0 KEY_O 0
111 0 KEY_N 1
116 0 KEY_N 0
121 0 KEY_LEFTSHIFT 1
121 0 KEY_LEFTSHIFT 0
