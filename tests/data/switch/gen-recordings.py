#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the scripted Switch controller recordings of this directory.

Each recording is a uhid device (name, bus, ids, the Pro Controller's USB
report descriptor from pro-usb-descriptor.hid) and a list of full input
reports 0x30, laid out as hid-nintendo's struct joycon_input_report
(research note section 3): timer, battery/connection, 24 button bits,
two 12-bit stick pairs, vibrator byte, three IMU samples of six s16
(accel x y z, gyro x y z), padded to the descriptor's 64 bytes.  The
reports are built here from that layout, not by hidmapd.

    gen-recordings.py            writes pro-usb.hid pro-bt.hid jcl-bt.hid jcr-bt.hid
                                 snes-bt.hid n64-bt.hid gen-usb.hid gen-bt.hid
                                 grip-l-usb.hid grip-r-usb.hid

A model whose product ID does not say its controller type carries a
comment '# nsw-type: 0xNN', the type the pad's device info answers
(tests/vm/ps-oracle-uhid.c reads it).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

BTN = {
    'Y': 0, 'X': 1, 'B': 2, 'A': 3, 'SR_R': 4, 'SL_R': 5, 'R': 6, 'ZR': 7,
    'MINUS': 8, 'PLUS': 9, 'RSTICK': 10, 'LSTICK': 11, 'HOME': 12, 'CAP': 13,
    'DOWN': 16, 'UP': 17, 'RIGHT': 18, 'LEFT': 19, 'SR_L': 20, 'SL_L': 21,
    'L': 22, 'ZL': 23,
}

MODELS = {
    # name, bus, product, type (device info)
    'pro-usb': ('Nintendo Co., Ltd. Pro Controller', 3, 0x2009),
    'pro-bt': ('Pro Controller', 5, 0x2009),
    'jcl-bt': ('Joy-Con (L)', 5, 0x2006),
    'jcr-bt': ('Joy-Con (R)', 5, 0x2007),
    # the Nintendo Switch Online pads (6.12's hid-nintendo only)
    'snes-bt': ('SNES Controller', 5, 0x2017),
    'n64-bt': ('N64 Controller', 5, 0x2019),
    'gen-usb': ('Nintendo Co., Ltd. MD/Gen Control Pad', 3, 0x201e),
    # the Genesis pad over Bluetooth says 2017, the SNES pad's ID: the
    # device info's type (0x0d) tells them apart
    'gen-bt': ('MD/Gen Control Pad', 5, 0x2017, 0x0d),
    # each Joy-Con in the charging grip is a USB device 200e (name
    # constructed); the device info's type says which half it is
    'grip-l-usb': ('Nintendo Co., Ltd. Nintendo Switch Charging Grip', 3, 0x200e, 0x01),
    'grip-r-usb': ('Nintendo Co., Ltd. Nintendo Switch Charging Grip', 3, 0x200e, 0x02),
}


def stick(x, y):
    return bytes([x & 0xff, (x >> 8) | ((y & 0x0f) << 4), y >> 4])


def report(timer, buttons=(), left=(2048, 2000), right=(1900, 2100), imu=(0, 0, 4096, 0, 0, 0),
           battery=0x8e):
    b = 0
    for name in buttons:
        b |= 1 << BTN[name]
    r = bytes([0x30, timer & 0xff, battery]) + b.to_bytes(3, 'little')
    r += stick(*left) + stick(*right) + bytes([0])
    r += struct.pack('<6h', *imu) * 3
    return r + bytes(64 - len(r))


# (comment, report): sticks at their calibrated centres first, then each
# button alone, stick extremes and IMU motion
SCRIPT = [
    ('rest', dict()),
    ('A', dict(buttons=['A'])),
    ('B', dict(buttons=['B'])),
    ('X Y', dict(buttons=['X', 'Y'])),
    ('L ZL', dict(buttons=['L', 'ZL'])),
    ('R ZR', dict(buttons=['R', 'ZR'])),
    ('minus plus', dict(buttons=['MINUS', 'PLUS'])),
    ('home capture', dict(buttons=['HOME', 'CAP'])),
    ('stick clicks', dict(buttons=['LSTICK', 'RSTICK'])),
    ('dpad up left', dict(buttons=['UP', 'LEFT'])),
    ('dpad down right', dict(buttons=['DOWN', 'RIGHT'])),
    ('SL SR both sides', dict(buttons=['SL_L', 'SR_L', 'SL_R', 'SR_R'])),
    ('left stick right up', dict(left=(2798, 2800))),
    ('left stick left down', dict(left=(700, 1300))),
    ('right stick beyond max', dict(right=(4000, 4000))),
    ('right stick beyond min', dict(right=(100, 0))),
    ('imu motion', dict(imu=(1000, -2000, 4000, 1000, -500, 20))),
    ('imu other way', dict(imu=(-1000, 2000, -4000, -1000, 500, -20))),
    ('battery low, not charging', dict(battery=0x20)),
    ('rest', dict()),
]


def write(model):
    name, bus, product = MODELS[model][:3]
    ntype = MODELS[model][3] if len(MODELS[model]) > 3 else None
    with open(os.path.join(HERE, 'pro-usb-descriptor.hid')) as f:
        rdesc = next(line for line in f if line.startswith('R: '))
    out = [f'# {model}: scripted reports, written by gen-recordings.py (do not edit)',
           '# descriptor: the Pro Controller USB descriptor (pro-usb-descriptor.hid)',
           f'N: {name}', f'I: {bus:x} 057e {product:04x}', rdesc.rstrip('\n')]
    if ntype is not None:
        out.insert(2, f'# nsw-type: 0x{ntype:02x}')
    for i, (comment, kw) in enumerate(SCRIPT):
        data = report(i * 3, **kw)
        t = i * 0.015
        out.append(f'# {i}: {comment}')
        out.append(f'E: {int(t):06d}.{int(round((t % 1) * 1e6)):06d} {len(data)} ' +
                   ' '.join(f'{c:02x}' for c in data))
    with open(os.path.join(HERE, model + '.hid'), 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    for m in sys.argv[1:] or MODELS:
        write(m)
