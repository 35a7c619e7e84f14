# A composite of a modifier layer (the example keyboard's Caps Lock +
# space): a key bound in the composite goes without the parts' modifiers,
# but a modifier of its own chord that the layer holds too stays down (no
# Ctrl up and down again), as keyd's update_mods does.  A key bound in the
# modifier layer itself lets Ctrl go before it and brings it back after.
device 0 KEY_CAPSLOCK KEY_SPACE KEY_H KEY_J
config
[remap test]
KEY_CAPSLOCK = layer(control)
KEY_SPACE = layer(nav)

[remap test:control:C]
KEY_J = KEY_DOWN

[remap test:nav]
KEY_H = KEY_LEFT

[remap test:control+nav]
KEY_H = KEY_LEFTCTRL+KEY_LEFT
input
0 0 KEY_CAPSLOCK 1
10 0 KEY_SPACE 1
20 0 KEY_H 1
30 0 KEY_H 0
40 0 KEY_J 1
50 0 KEY_J 0
60 0 KEY_SPACE 0
70 0 KEY_CAPSLOCK 0
output
0 0 KEY_LEFTCTRL 1
20 0 KEY_LEFT 1
30 0 KEY_LEFT 0
40 0 KEY_LEFTCTRL 0
40 0 KEY_DOWN 1
50 0 KEY_DOWN 0
50 0 KEY_LEFTCTRL 1
70 0 KEY_LEFTCTRL 0
