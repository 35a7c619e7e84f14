# A key onto another key: press and release follow the source.
device 0 KEY_A KEY_B KEY_C
config
[remap test]
KEY_A = KEY_B
KEY_C = disabled
input
0 0 KEY_A 1
10 0 KEY_C 1
20 0 KEY_C 0
30 0 KEY_A 0
40 0 KEY_B 1
50 0 KEY_B 0
output
0 0 KEY_B 1
30 0 KEY_B 0
40 0 KEY_B 1
50 0 KEY_B 0
