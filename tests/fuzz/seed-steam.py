#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/fuzz/corpus/fuzz-steam/: seeds from tests/data/steam's
recordings (their reports as op-0 chunks), plus the other ops (built
reports, rumble, the watchdog timer, a replug) and short, long and unknown
reports.  Input format: tests/fuzz/fuzz-steam.c."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'data', 'steam')
OUT = os.path.join(HERE, 'corpus', 'fuzz-steam')


def chunk(b):
    return struct.pack('<H', len(b)) + bytes(b)


def reports(name):
    out = []
    for line in open(os.path.join(DATA, name + '.hid')):
        if line.startswith('E: '):
            out.append(bytes(int(x, 16) for x in line.split()[3:]))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    for model, hdr in (('steam-wired', 0), ('steam-wireless', 1), ('steam-deck', 2)):
        seeds[model] = bytes([hdr]) + b''.join(chunk(b'\x00' + r) for r in reports(model))
    ops = (chunk([1, 9] + [0xff] * 61) + chunk([1, 3, 0x3c, 0x02]) + chunk([1, 4, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0x3c, 0x0f, 200])
           + chunk([2, 0xff, 0xff, 0x00, 0x80]) + chunk([3]) + chunk([4]) + chunk([1, 1] + [0xaa] * 61)
           + chunk([0, 1, 0, 1]) + chunk([0] + [1] * 65) + chunk([1, 0x77]) + chunk([1, 3, 0x3c, 0x01]))
    for hdr in range(6):
        seeds['ops-%d' % hdr] = bytes([hdr]) + ops
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
