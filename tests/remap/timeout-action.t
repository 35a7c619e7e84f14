# timeout(A1, TIME, A2), as keyd: A2 when held TIME with no other key
# pressed; A1 when released before, or when another key is pressed first
# (A1 then stays held until the release).
device 0 KEY_A KEY_H
config
[remap test]
KEY_A = timeout(KEY_A, 300ms, layer(nav))

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_A 1
100 0 KEY_A 0
1000 0 KEY_A 1
1100 0 KEY_H 1
1150 0 KEY_H 0
1200 0 KEY_A 0
2000 0 KEY_A 1
2400 0 KEY_H 1
2450 0 KEY_H 0
2500 0 KEY_A 0
output
100 0 KEY_A 1
100 0 KEY_A 0
1100 0 KEY_A 1
1100 0 KEY_H 1
1150 0 KEY_H 0
1200 0 KEY_A 0
2400 0 KEY_LEFT 1
2450 0 KEY_LEFT 0
