# oneshot-timeout: an armed one-shot layer lapses after this time.
device 0 KEY_F1 KEY_H
config
[remap test]
oneshot-timeout = 100ms
KEY_F1 = oneshot(nav)

[remap test:nav]
KEY_H = KEY_LEFT
input
0 0 KEY_F1 1
10 0 KEY_F1 0
200 0 KEY_H 1
210 0 KEY_H 0
300 0 KEY_F1 1
310 0 KEY_F1 0
409 0 KEY_H 1
419 0 KEY_H 0
output
200 0 KEY_H 1
210 0 KEY_H 0
409 0 KEY_LEFT 1
419 0 KEY_LEFT 0
