# unmapped = drop: only what the profile maps comes out, and the outputs
# lose the codes that can no longer be sent.
device 0 KEY_A KEY_C REL_X REL_Y BTN_LEFT
unmapped drop
caps 0 KEY_B
nocaps 0 KEY_A KEY_C REL_X BTN_LEFT
config
[remap test]
KEY_A = KEY_B
input
0 0 KEY_C 1
1 0 KEY_C 0
2 0 REL_X 5
3 0 KEY_A 1
4 0 KEY_A 0
output
3 0 KEY_B 1
4 0 KEY_B 0
