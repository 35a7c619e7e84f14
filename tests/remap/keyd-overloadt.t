# keyd's t/overload_2.t, translated: o = overloadt(control, a, 10).
# hidmapd: tap-hold-wait(KEY_A, layer(control), 10ms), control a [:C]
# layer.  Expected output: keyd's, with the times of the input.
device 0 KEY_O KEY_X
config
[remap test]
KEY_O = tap-hold-wait(KEY_A, layer(control), 10ms)

[remap test:control:C]
input
0 0 KEY_O 1
1 0 KEY_O 0
2 0 KEY_O 1
11 0 KEY_O 0
12 0 KEY_O 1
23 0 KEY_O 0
24 0 KEY_O 1
25 0 KEY_X 1
26 0 KEY_X 0
27 0 KEY_O 0
28 0 KEY_O 1
29 0 KEY_X 1
30 0 KEY_O 0
31 0 KEY_X 0
output
1 0 KEY_A 1
1 0 KEY_A 0
11 0 KEY_A 1
11 0 KEY_A 0
22 0 KEY_LEFTCTRL 1
23 0 KEY_LEFTCTRL 0
27 0 KEY_A 1
27 0 KEY_X 1
27 0 KEY_X 0
27 0 KEY_A 0
30 0 KEY_A 1
30 0 KEY_X 1
30 0 KEY_A 0
31 0 KEY_X 0
