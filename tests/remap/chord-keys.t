# Chords of input keys (keyd's): J and K pressed within chord-timeout act
# as one key, ESC, held until the last of them is released.  A key of a
# chord waits up to chord-timeout for the rest; a timeout, a release, or
# a key of no chord in between lets the waiting keys go through as they
# are (in their order, at that moment).
device 0 KEY_J KEY_K KEY_X
caps 0 KEY_ESC KEY_J KEY_K
config
[remap test]
chord-timeout = 50ms
KEY_J+KEY_K = KEY_ESC
input
0 0 KEY_J 1
20 0 KEY_K 1
100 0 KEY_J 0
120 0 KEY_K 0
1000 0 KEY_J 1
1100 0 KEY_J 0
2000 0 KEY_J 1
2010 0 KEY_J 0
3000 0 KEY_J 1
3010 0 KEY_X 1
3020 0 KEY_X 0
3030 0 KEY_J 0
4000 0 KEY_J 1
4100 0 KEY_K 1
4200 0 KEY_K 0
4210 0 KEY_J 0
output
20 0 KEY_ESC 1
120 0 KEY_ESC 0
1050 0 KEY_J 1
1100 0 KEY_J 0
2010 0 KEY_J 1
2010 0 KEY_J 0
3010 0 KEY_J 1
3010 0 KEY_X 1
3020 0 KEY_X 0
3030 0 KEY_J 0
4050 0 KEY_J 1
4150 0 KEY_K 1
4200 0 KEY_K 0
4210 0 KEY_J 0
