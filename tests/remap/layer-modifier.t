# A modifier layer (keyd's [capslock:C]): Ctrl is down while the layer is
# active, so an unbound key gives Ctrl+key; a key bound in the layer goes
# without Ctrl (released before it, pressed again after it).
device 0 KEY_CAPSLOCK KEY_J KEY_X
caps 0 KEY_LEFTCTRL KEY_DOWN KEY_X
config
[remap test]
KEY_CAPSLOCK = layer(cap)

[remap test:cap:C]
KEY_J = KEY_DOWN
input
0 0 KEY_CAPSLOCK 1
10 0 KEY_X 1
20 0 KEY_X 0
30 0 KEY_J 1
40 0 KEY_J 0
50 0 KEY_CAPSLOCK 0
output
0 0 KEY_LEFTCTRL 1
10 0 KEY_X 1
20 0 KEY_X 0
30 0 KEY_LEFTCTRL 0
30 0 KEY_DOWN 1
40 0 KEY_DOWN 0
40 0 KEY_LEFTCTRL 1
50 0 KEY_LEFTCTRL 0
