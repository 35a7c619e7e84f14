# A reset (reload or profile switch; the core releases what the outputs
# hold) forgets everything: a release after it sends nothing, a pending
# tap-hold never fires, a running macro stops, a moving pointer stops.
device 0 KEY_A KEY_CAPSLOCK KEY_F1 KEY_KP6
config
[remap test]
macro-delay = 10ms
rate = 10
mouse-speed = 100
mouse-max-speed = 100
KEY_A = KEY_B
KEY_CAPSLOCK = tap-hold(KEY_ESC, KEY_LEFTCTRL)
KEY_F1 = macro(KEY_X, KEY_Y)
KEY_KP6 = REL_X+
input
0 0 KEY_A 1
1 0 KEY_CAPSLOCK 1
reset 50
60 0 KEY_A 0
500 0 KEY_F1 1
505 0 KEY_KP6 1
reset 515
600 0 KEY_CAPSLOCK 0
output
0 0 KEY_B 1
500 0 KEY_X 1
510 0 KEY_X 0
