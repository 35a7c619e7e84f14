# A key already down, pressed again by another binding, is released and
# pressed again (keyd: "[" held, then "{" = Shift+[ gives two keystrokes).
# The release and the new press are frames of their own.  The key stays
# down while anything still holds it: the first binding's release lets it
# go.
device 0 KEY_A KEY_B
syncs
config
[remap test]
KEY_A = KEY_LEFTBRACE
KEY_B = KEY_LEFTSHIFT+KEY_LEFTBRACE
input
0 0 KEY_A 1
10 0 KEY_B 1
20 0 KEY_B 0
30 0 KEY_A 0
output
0 0 KEY_LEFTBRACE 1
0 sync
10 0 KEY_LEFTBRACE 0
10 sync
10 0 KEY_LEFTSHIFT 1
10 0 KEY_LEFTBRACE 1
10 sync
20 0 KEY_LEFTSHIFT 0
20 sync
30 0 KEY_LEFTBRACE 0
30 sync
