# unmapped = pass (the default): what is not mapped comes out unchanged,
# values included (the kernel passes any non-zero key value).
device 0 KEY_A KEY_C REL_X REL_Y BTN_LEFT
caps 0 KEY_B KEY_C REL_X BTN_LEFT
nocaps 0 KEY_A
config
[remap test]
KEY_A = KEY_B
input
0 0 KEY_C 255
1 0 KEY_C 0
2 0 REL_X 5
3 0 KEY_A 1
4 0 KEY_A 0
output
0 0 KEY_C 255
1 0 KEY_C 0
2 0 REL_X 5
3 0 KEY_B 1
4 0 KEY_B 0
