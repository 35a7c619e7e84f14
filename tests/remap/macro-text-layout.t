# Text on the French AZERTY layout: a is the key US calls Q, and e-acute
# is the unshifted 2 key.
device 0 KEY_F3 KEY_A
config
[remap test]
macro-delay = 0
text-layout = fr
KEY_F3 = macro("aé")
input
0 0 KEY_F3 1
output
0 0 KEY_Q 1
0 0 KEY_Q 0
0 0 KEY_2 1
0 0 KEY_2 0
