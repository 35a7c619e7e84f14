# keyd's t/chord-hold.t, translated (chord_hold_timeout = 200): a key of
# no chord pressed during the hold wait waits too; a release of a chord
# key before the hold timeout lets everything through; once the chord
# acts, the waiting key follows with Ctrl.
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
200 0 KEY_X 1
200 0 KEY_X 0
200 0 KEY_A 0
200 0 KEY_B 0
300 0 KEY_A 1
301 0 KEY_B 1
502 0 KEY_X 1
503 0 KEY_X 0
504 0 KEY_A 0
505 0 KEY_B 0
output
200 0 KEY_A 1
200 0 KEY_B 1
200 0 KEY_X 1
200 0 KEY_X 0
200 0 KEY_A 0
200 0 KEY_B 0
501 0 KEY_LEFTCTRL 1
502 0 KEY_X 1
503 0 KEY_X 0
505 0 KEY_LEFTCTRL 0
