# keyd's modifier guard: Alt (or Meta) pressed for a layer and released
# with nothing pressed since is wrapped in a Ctrl tap, so no menu opens.
# Not when the layer's own layer() key was tapped alone (a plain Alt tap).
#  0-50:    tap-hold-now tapped alone: Ctrl around Alt's release, then Esc
#  100-150: layer() key tapped alone: a plain Alt tap
#  200-230: J bound in the layer: Alt goes (guarded) before Down, comes
#           back after it, and goes guarded at the layer key's release
device 0 KEY_CAPSLOCK KEY_RIGHTALT KEY_J
caps 0 KEY_LEFTALT KEY_LEFTCTRL KEY_ESC KEY_DOWN
config
[remap test]
KEY_CAPSLOCK = tap-hold-now(KEY_ESC, layer(alt))
KEY_RIGHTALT = layer(alt)

[remap test:alt:A]
KEY_J = KEY_DOWN
input
0 0 KEY_CAPSLOCK 1
50 0 KEY_CAPSLOCK 0
100 0 KEY_RIGHTALT 1
150 0 KEY_RIGHTALT 0
200 0 KEY_RIGHTALT 1
210 0 KEY_J 1
220 0 KEY_J 0
230 0 KEY_RIGHTALT 0
output
0 0 KEY_LEFTALT 1
50 0 KEY_LEFTCTRL 1
50 0 KEY_LEFTALT 0
50 0 KEY_LEFTCTRL 0
50 0 KEY_ESC 1
50 0 KEY_ESC 0
100 0 KEY_LEFTALT 1
150 0 KEY_LEFTALT 0
200 0 KEY_LEFTALT 1
210 0 KEY_LEFTCTRL 1
210 0 KEY_LEFTALT 0
210 0 KEY_LEFTCTRL 0
210 0 KEY_DOWN 1
220 0 KEY_DOWN 0
220 0 KEY_LEFTALT 1
230 0 KEY_LEFTCTRL 1
230 0 KEY_LEFTALT 0
230 0 KEY_LEFTCTRL 0
