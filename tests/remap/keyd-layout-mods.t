# keyd's t/layout-mods2.t, translated: 5 = layer(symbols), [symbols]
# a = [, b = S-[.  { held, then [ pressed: keyd's modifiers are exact per
# binding, so Shift (held only by the { binding) goes up and [ comes out
# unshifted; Shift stays up.  keyd's expected output, in its order:
# Shift down, [ down, [ up, Shift up, [ down, [ up.  (hidmapd lets [ go
# at the release of the last key holding it, a: the same events.)
device 0 KEY_5 KEY_A KEY_B
config
[remap test]
KEY_5 = layer(symbols)

[remap test:symbols]
KEY_A = KEY_LEFTBRACE
KEY_B = KEY_LEFTSHIFT+KEY_LEFTBRACE
input
0 0 KEY_5 1
1 0 KEY_B 1
2 0 KEY_A 1
3 0 KEY_B 0
4 0 KEY_A 0
5 0 KEY_5 0
output
1 0 KEY_LEFTSHIFT 1
1 0 KEY_LEFTBRACE 1
2 0 KEY_LEFTBRACE 0
2 0 KEY_LEFTSHIFT 0
2 0 KEY_LEFTBRACE 1
4 0 KEY_LEFTBRACE 0
