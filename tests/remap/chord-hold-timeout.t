# chord-hold-timeout (keyd's chord_hold_timeout): a complete chord acts
# only once held that long; a key of it released before lets the keys go
# through as they are.  A three-key chord waits while a two-key chord
# inside it could still grow (here J+K, then L).
device 0 KEY_J KEY_K KEY_L
config
[remap test]
chord-timeout = 50ms
chord-hold-timeout = 100ms
KEY_J+KEY_K = KEY_ESC
KEY_J+KEY_K+KEY_L = KEY_TAB
input
0 0 KEY_J 1
10 0 KEY_K 1
200 0 KEY_J 0
210 0 KEY_K 0
1000 0 KEY_J 1
1010 0 KEY_K 1
1050 0 KEY_K 0
1100 0 KEY_J 0
2000 0 KEY_J 1
2010 0 KEY_K 1
2020 0 KEY_L 1
2200 0 KEY_L 0
2210 0 KEY_K 0
2220 0 KEY_J 0
output
110 0 KEY_ESC 1
210 0 KEY_ESC 0
1050 0 KEY_J 1
1050 0 KEY_K 1
1050 0 KEY_K 0
1100 0 KEY_J 0
2120 0 KEY_TAB 1
2220 0 KEY_TAB 0
