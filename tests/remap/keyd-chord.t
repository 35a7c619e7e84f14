# keyd's t/chord.t, translated (t/test.conf: chord_hold_timeout = 200,
# chord_timeout 50 by default): a+b = layer(control), a+b+d =
# layer(shift).  Released before the hold timeout, the keys go through;
# held 200 ms, the chord is Ctrl until both are up.
device 0 KEY_A KEY_B KEY_D KEY_X
config
[remap test]
chord-hold-timeout = 200ms
KEY_A+KEY_B = layer(control)
KEY_A+KEY_B+KEY_D = layer(shift)

[remap test:control:C]

[remap test:shift:S]
input
0 0 KEY_A 1
1 0 KEY_B 1
151 0 KEY_A 0
152 0 KEY_B 0
153 0 KEY_X 1
154 0 KEY_X 0
300 0 KEY_A 1
301 0 KEY_B 1
510 0 KEY_A 0
511 0 KEY_B 0
512 0 KEY_X 1
513 0 KEY_X 0
output
151 0 KEY_A 1
151 0 KEY_B 1
151 0 KEY_A 0
152 0 KEY_B 0
153 0 KEY_X 1
154 0 KEY_X 0
501 0 KEY_LEFTCTRL 1
511 0 KEY_LEFTCTRL 0
512 0 KEY_X 1
513 0 KEY_X 0
