# keyd's t/meta.t, translated: meta = layer(mymeta), [mymeta:M] a = b.
# A key bound in the layer lets Meta go (guarded: Ctrl around it, as Meta
# was the last key pressed), Meta comes back after it, and goes guarded
# at the layer key's release.  (keyd's right Meta half needs its default
# bindings; left out.)
device 0 KEY_LEFTMETA KEY_A
config
[remap test]
KEY_LEFTMETA = layer(mymeta)

[remap test:mymeta:M]
KEY_A = KEY_B
input
0 0 KEY_LEFTMETA 1
1 0 KEY_A 1
2 0 KEY_A 0
3 0 KEY_LEFTMETA 0
output
0 0 KEY_LEFTMETA 1
1 0 KEY_LEFTCTRL 1
1 0 KEY_LEFTMETA 0
1 0 KEY_LEFTCTRL 0
1 0 KEY_B 1
2 0 KEY_B 0
2 0 KEY_LEFTMETA 1
3 0 KEY_LEFTCTRL 1
3 0 KEY_LEFTMETA 0
3 0 KEY_LEFTCTRL 0
