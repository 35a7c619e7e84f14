# A macro: each key is pressed, held for macro-delay, released, and the
# next step starts macro-delay later; a delay step waits its time.  The
# macro runs to its end whatever the trigger does.
device 0 KEY_F1 KEY_A
config
[remap test]
macro-delay = 10ms
KEY_F1 = macro(KEY_H, KEY_I, 50ms, KEY_LEFTSHIFT+KEY_1)
input
0 0 KEY_F1 1
5 0 KEY_F1 0
output
0 0 KEY_H 1
10 0 KEY_H 0
20 0 KEY_I 1
30 0 KEY_I 0
90 0 KEY_LEFTSHIFT 1
90 0 KEY_1 1
100 0 KEY_1 0
100 0 KEY_LEFTSHIFT 0
