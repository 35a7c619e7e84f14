#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes seeds for fuzz-switch (corpus/fuzz-switch/): each model and pad
mode, the pad's answers delivered step by step with timers between, then
full reports, rumble and a player-LED change.  Input format: see
fuzz-switch.c."""
import hashlib
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'fuzz-switch')


def chunk(op, payload=b''):
    body = bytes([op]) + payload
    return struct.pack('<H', len(body)) + body


def report(buttons, lx, ly):
    r = bytes([0, 0x8e]) + buttons.to_bytes(3, 'little')
    r += bytes([lx & 0xff, (lx >> 8) | ((ly & 15) << 4), ly >> 4]) * 2 + b'\x00'
    r += struct.pack('<6h', 100, -200, 4096, 1000, -500, 20) * 3
    return r


os.makedirs(OUT, exist_ok=True)
for model in range(8):
    for bt in (0, 8):
        for mode in range(6):
            s = bytes([model | bt, mode])
            for _ in range(20):
                s += chunk(1) + chunk(5)
            s += chunk(6, report(0x000008, 3000, 1000)) + chunk(6, report(0x800000, 500, 3500))
            s += chunk(3, b'\xff\xff\x00\x80') + chunk(5) + chunk(4, b'\x03') + chunk(5) + chunk(1)
            s += chunk(2, b'\x21\x00\x8e') + chunk(0, b'\x30' + report(1, 2048, 2048)[:20])
            name = hashlib.sha1(s).hexdigest()
            with open(os.path.join(OUT, name), 'wb') as f:
                f.write(s)
