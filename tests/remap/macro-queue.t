# A second macro waits for the first to finish; text never interleaves.
device 0 KEY_F1 KEY_F2
config
[remap test]
macro-delay = 10ms
KEY_F1 = macro(KEY_A, KEY_B)
KEY_F2 = macro(KEY_C)
input
0 0 KEY_F1 1
1 0 KEY_F2 1
2 0 KEY_F1 0
3 0 KEY_F2 0
output
0 0 KEY_A 1
10 0 KEY_A 0
20 0 KEY_B 1
30 0 KEY_B 0
40 0 KEY_C 1
50 0 KEY_C 0
