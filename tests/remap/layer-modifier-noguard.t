# modifier-guard = no: a lone Alt of a layer is released plainly.
device 0 KEY_CAPSLOCK
config
[remap test]
modifier-guard = no
KEY_CAPSLOCK = tap-hold-now(KEY_ESC, layer(alt))

[remap test:alt:A]
input
0 0 KEY_CAPSLOCK 1
50 0 KEY_CAPSLOCK 0
output
0 0 KEY_LEFTALT 1
50 0 KEY_LEFTALT 0
50 0 KEY_ESC 1
50 0 KEY_ESC 0
