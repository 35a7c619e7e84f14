# keyd's t/altgr-modifier-guard.t, translated: keyd's default
# rightalt = layer(altgr), [altgr:G] a = a.  A bound key: AltGr goes
# guarded, the key, AltGr back, released guarded.  Tapped alone: a plain
# AltGr tap.  An unbound key: AltGr+x, then AltGr released plainly (x was
# the last key pressed).
device 0 KEY_RIGHTALT KEY_A KEY_X
config
[remap test]
KEY_RIGHTALT = layer(altgr)

[remap test:altgr:G]
KEY_A = KEY_A
input
0 0 KEY_RIGHTALT 1
1 0 KEY_A 1
2 0 KEY_A 0
3 0 KEY_RIGHTALT 0
4 0 KEY_RIGHTALT 1
5 0 KEY_RIGHTALT 0
6 0 KEY_RIGHTALT 1
7 0 KEY_X 1
8 0 KEY_X 0
9 0 KEY_RIGHTALT 0
output
0 0 KEY_RIGHTALT 1
1 0 KEY_LEFTCTRL 1
1 0 KEY_RIGHTALT 0
1 0 KEY_LEFTCTRL 0
1 0 KEY_A 1
2 0 KEY_A 0
2 0 KEY_RIGHTALT 1
3 0 KEY_LEFTCTRL 1
3 0 KEY_RIGHTALT 0
3 0 KEY_LEFTCTRL 0
4 0 KEY_RIGHTALT 1
5 0 KEY_RIGHTALT 0
6 0 KEY_RIGHTALT 1
7 0 KEY_X 1
8 0 KEY_X 0
9 0 KEY_RIGHTALT 0
