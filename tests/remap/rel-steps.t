# A dial: a tap per step of motion.  The device has no keyboard keys, so
# the keys go to an extra keyboard output (1).
device 0 REL_DIAL BTN_0
outputs 2
caps 1 KEY_LEFT KEY_RIGHT
nocaps 0 REL_DIAL KEY_LEFT
config
[remap test]
REL_DIAL+ = KEY_RIGHT
REL_DIAL- = KEY_LEFT
input
0 0 REL_DIAL 1
10 0 REL_DIAL 2
20 0 REL_DIAL -1
output
0 1 KEY_RIGHT 1
0 1 KEY_RIGHT 0
10 1 KEY_RIGHT 1
10 1 KEY_RIGHT 0
10 1 KEY_RIGHT 1
10 1 KEY_RIGHT 0
20 1 KEY_LEFT 1
20 1 KEY_LEFT 0
