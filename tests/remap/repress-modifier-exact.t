# The modifiers of a binding are exact, as keyd's: Ctrl+C held, then a
# key mapped onto V alone: Ctrl (held only by the Ctrl+C binding) goes up
# before V, and stays up after.  A Shift passed through from the keyboard,
# or held by a key mapped onto a modifier alone, is never let go so.
device 0 KEY_1 KEY_2 KEY_3 KEY_LEFTSHIFT
config
[remap test]
KEY_1 = KEY_LEFTCTRL+KEY_C
KEY_2 = KEY_V
KEY_3 = KEY_RIGHTCTRL
input
0 0 KEY_1 1
10 0 KEY_2 1
20 0 KEY_2 0
30 0 KEY_1 0
100 0 KEY_LEFTSHIFT 1
105 0 KEY_3 1
110 0 KEY_2 1
120 0 KEY_2 0
125 0 KEY_3 0
130 0 KEY_LEFTSHIFT 0
output
0 0 KEY_LEFTCTRL 1
0 0 KEY_C 1
10 0 KEY_LEFTCTRL 0
10 0 KEY_V 1
20 0 KEY_V 0
30 0 KEY_C 0
100 0 KEY_LEFTSHIFT 1
105 0 KEY_RIGHTCTRL 1
110 0 KEY_V 1
120 0 KEY_V 0
125 0 KEY_RIGHTCTRL 0
130 0 KEY_LEFTSHIFT 0
