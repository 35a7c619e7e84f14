# repeat(ACTION, DELAY, INTERVAL) (keyd's macro2): the macro runs at the
# press, again DELAY after it ends, then INTERVAL after each run ends,
# while the key is held; the release (or any key event) stops it.
device 0 KEY_F1 KEY_X
config
[remap test]
KEY_F1 = repeat(KEY_A, 100ms, 50ms)
input
0 0 KEY_F1 1
250 0 KEY_F1 0
1000 0 KEY_F1 1
1120 0 KEY_X 1
1130 0 KEY_X 0
1300 0 KEY_F1 0
output
0 0 KEY_A 1
5 0 KEY_A 0
110 0 KEY_A 1
115 0 KEY_A 0
170 0 KEY_A 1
175 0 KEY_A 0
230 0 KEY_A 1
235 0 KEY_A 0
1000 0 KEY_A 1
1005 0 KEY_A 0
1110 0 KEY_A 1
1115 0 KEY_A 0
1120 0 KEY_X 1
1130 0 KEY_X 0
