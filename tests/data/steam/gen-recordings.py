#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/steam/: scripted recordings of the Steam Controller
(wired 28de:1102, a wireless receiver slot 28de:1142) and the Steam Deck
(28de:1205), and the reply to the one feature request the kernel reads
(the serial number), from the report layouts documented in the kernel's
drivers/hid/hid-steam.c (the tables above steam_do_input_event() and
steam_do_deck_input_event()) and SDL's steam/controller_structs.h.
Deterministic: python3 tests/data/steam/gen-recordings.py.

The report descriptor is written here: one vendor-defined application
collection with an unnumbered 64-byte input report and an unnumbered
64-byte feature report, the shape of the pad's interface (the kernel's
steam_is_valve_interface() looks for the feature report and
steam_send_report() wants it 64 bytes long).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

RDESC = bytes([
    0x06, 0x00, 0xff,  # Usage Page (Vendor 0xff00)
    0x09, 0x01,        # Usage (1)
    0xa1, 0x01,        # Collection (Application)
    0x15, 0x00,        #  Logical Minimum (0)
    0x26, 0xff, 0x00,  #  Logical Maximum (255)
    0x75, 0x08,        #  Report Size (8)
    0x95, 0x40,        #  Report Count (64)
    0x09, 0x01,        #  Usage (1)
    0x81, 0x02,        #  Input (Data, Var, Abs)
    0x09, 0x01,        #  Usage (1)
    0xb1, 0x02,        #  Feature (Data, Var, Abs)
    0xc0,              # End Collection
])

MODELS = {
    # model: name, pid, kind
    'steam-wired': ('Valve Software Steam Controller', 0x1102, 'sc'),
    'steam-wireless': ('Valve Software Steam Controller', 0x1142, 'wireless'),
    'steam-deck': ('Valve Software Steam Deck Controller', 0x1205, 'deck'),
}


def s16(v):
    return struct.pack('<h', v)


def header(kind, length):
    return bytearray([0x01, 0x00, kind, length])


def sc_report(n, st):
    """type 1: the Controller's state (hid-steam's table)"""
    r = header(0x01, 0x3c) + bytearray(60)
    struct.pack_into('<I', r, 4, n)
    r[8], r[9], r[10] = st.get('b8', 0), st.get('b9', 0), st.get('b10', 0)
    r[11] = st.get('lt', 0)
    r[12] = st.get('rt', 0)
    r[16:18] = s16(st.get('x', 0))
    r[18:20] = s16(st.get('y', 0))
    r[20:22] = s16(st.get('rx', 0))
    r[22:24] = s16(st.get('ry', 0))
    return bytes(r)


def deck_report(n, st):
    """type 9: SteamDeckStatePacket_t (u64 buttons at 8)"""
    r = header(0x09, 0x40) + bytearray(60)
    struct.pack_into('<I', r, 4, n)
    struct.pack_into('<Q', r, 8, st.get('buttons', 0))
    for off, key in ((16, 'lpx'), (18, 'lpy'), (20, 'rpx'), (22, 'rpy'),
                     (24, 'ax'), (26, 'ay'), (28, 'az'), (30, 'gx'), (32, 'gy'), (34, 'gz'),
                     (48, 'lx'), (50, 'ly'), (52, 'rx'), (54, 'ry')):
        r[off:off + 2] = s16(st.get(key, 0))
    struct.pack_into('<H', r, 44, st.get('lt', 0))
    struct.pack_into('<H', r, 46, st.get('rt', 0))
    return bytes(r)


def connect_report(connected):
    r = header(0x03, 0x01) + bytearray(60)
    r[4] = 0x02 if connected else 0x01
    return bytes(r)


def battery_report(n, mv, percent):
    r = header(0x04, 0x0b) + bytearray(60)
    struct.pack_into('<I', r, 4, n)
    struct.pack_into('<H', r, 12, mv)
    r[14] = percent
    return bytes(r)


# the Controller's buttons: (byte, bit, what) in hid-steam's table order
SC_BUTTONS = [
    ('b8', 0, 'R2 full'), ('b8', 1, 'L2 full'), ('b8', 2, 'R1'), ('b8', 3, 'L1'),
    ('b8', 4, 'Y'), ('b8', 5, 'B'), ('b8', 6, 'X'), ('b8', 7, 'A'),
    ('b9', 0, 'left pad up'), ('b9', 1, 'left pad right'), ('b9', 2, 'left pad left'),
    ('b9', 3, 'left pad down'), ('b9', 4, 'menu left'), ('b9', 5, 'steam'),
    ('b9', 6, 'menu right'), ('b9', 7, 'left grip'), ('b10', 0, 'right grip'),
    ('b10', 1, 'left pad click (unmapped)'), ('b10', 2, 'right pad click'),
    ('b10', 4, 'right pad touch'), ('b10', 5, 'unknown bit 10.5'), ('b10', 6, 'stick click'),
]


def sc_script():
    s = [('rest', {})]
    for byte, bit, what in SC_BUTTONS:
        s.append((what + ' down', {byte: 1 << bit}))
        s.append((what + ' up', {}))
    s += [
        ('triggers 64/200', {'lt': 64, 'rt': 200}),
        ('triggers released', {}),
        ('stick 10000,-5000', {'x': 10000, 'y': -5000}),
        ('stick -32768,32767 (clamped)', {'x': -32768, 'y': 32767}),
        ('stick centred', {}),
        ('left pad touched 1234,-2000', {'b10': 0x08, 'x': 1234, 'y': -2000}),
        ('left pad moved -30000,30000', {'b10': 0x08, 'x': -30000, 'y': 30000}),
        ('left pad and stick: pad 500,600', {'b10': 0x88, 'x': 500, 'y': 600}),
        ('left pad and stick: stick 7000,-7000', {'b10': 0x80, 'x': 7000, 'y': -7000}),
        ('left pad let go', {}),
        ('right pad 3000,-4000 touched', {'b10': 0x10, 'rx': 3000, 'ry': -4000}),
        ('right pad -32768,-32768', {'b10': 0x10, 'rx': -32768, 'ry': -32768}),
        ('right pad let go', {}),
        ('everything at once', {'b8': 0xff, 'b9': 0xff, 'b10': 0x55, 'lt': 255, 'rt': 255,
                                'x': 111, 'y': 222, 'rx': 333, 'ry': 444}),
        ('all released', {}),
    ]
    return s


# the Deck's buttons: (bit of the u64, what), hid-steam's table
DECK_BUTTONS = [
    (0, 'R2 full'), (1, 'L2 full'), (2, 'R1'), (3, 'L1'), (4, 'Y'), (5, 'B'), (6, 'X'),
    (7, 'A'), (8, 'dpad up'), (9, 'dpad right'), (10, 'dpad left'), (11, 'dpad down'),
    (12, 'view'), (13, 'steam'), (14, 'options'), (15, 'L5'), (16, 'R5'),
    (17, 'left pad click'), (18, 'right pad click'), (22, 'left stick click'),
    (26, 'right stick click'), (41, 'L4'), (42, 'R4'), (50, 'quick access'),
    (45, 'left stick touch (unmapped)'), (23, 'unknown bit 10.7'),
]


def deck_script():
    opt = 1 << 14
    s = [
        # 6.12 reports nothing until Options is held 0.45 s (gamepad mode):
        # the oracle holds report 0 that long; both sides' events for
        # reports 0 and 1 are left out of the comparison
        ('options held (gamepad mode on)', {'buttons': opt}),
        ('options released', {}),
        ('rest', {}),
    ]
    for bit, what in DECK_BUTTONS:
        if bit == 14:
            continue  # options: a second hold would switch gamepad mode off
        s.append((what + ' down', {'buttons': 1 << bit}))
        s.append((what + ' up', {}))
    s += [
        ('triggers 1000/32767', {'lt': 1000, 'rt': 32767}),
        ('triggers released', {}),
        ('sticks', {'lx': 10000, 'ly': -5000, 'rx': -32768, 'ry': 32767}),
        ('sticks centred', {}),
        ('left pad touched', {'buttons': 1 << 19, 'lpx': 1234, 'lpy': -2000}),
        ('left pad coordinates without touch', {'lpx': 999, 'lpy': 888}),
        ('right pad touched', {'buttons': 1 << 20, 'rpx': -3000, 'rpy': 4000}),
        ('pads let go', {}),
        ('motion', {'ax': 100, 'ay': -200, 'az': 16384, 'gx': 10, 'gy': -20, 'gz': 30}),
        ('motion 2', {'ax': -32768, 'ay': 32767, 'az': -5, 'gx': -32768, 'gy': 7, 'gz': -8}),
        ('still', {}),
    ]
    return s


def hexs(b):
    return ' '.join('%02x' % x for x in b)


def reports(kind):
    if kind == 'sc':
        return [(w, sc_report(n, st)) for n, (w, st) in enumerate(sc_script())]
    if kind == 'deck':
        return [(w, deck_report(n, st)) for n, (w, st) in enumerate(deck_script())]
    out = [('slot: pad connected', connect_report(True))]
    for w, st in [('rest', {}), ('A down', {'b8': 0x80}), ('A up', {}),
                  ('stick 10000,-5000 with left grip', {'x': 10000, 'y': -5000, 'b9': 0x80}),
                  ('right pad touched 2000,2000', {'b10': 0x10, 'rx': 2000, 'ry': 2000})]:
        out.append((w, sc_report(len(out), st)))
    out.append(('battery 3900 mV 77%', battery_report(len(out), 3900, 77)))
    out.append(('held: B and the right trigger', sc_report(len(out), {'b8': 0x20, 'rt': 90})))
    out.append(('slot: pad disconnected', connect_report(False)))
    return out


def write_model(model):
    name, pid, kind = MODELS[model]
    with open(os.path.join(HERE, model + '.hid'), 'w') as f:
        f.write('# %s: scripted reports, written by gen-recordings.py (do not edit)\n' % model)
        f.write('N: %s\n' % name)
        f.write('I: 3 28de %04x\n' % pid)
        f.write('R: %d %s\n' % (len(RDESC), hexs(RDESC)))
        for n, (what, rep) in enumerate(reports(kind)):
            f.write('# %d: %s\n' % (n, what))
            f.write('E: %06d.%06d %d %s\n' % (n // 100, (n % 100) * 10000, len(rep), hexs(rep)))
    # the serial: GET_REPORT of feature report 0 after "ae 15 01": the
    # reply carries the report ID 0, then ae, the length, 01, the string
    serial = b'FAKESERIAL'
    reply = bytes([0x00, 0xae, 0x15, 0x01]) + serial
    reply += bytes(65 - len(reply))
    with open(os.path.join(HERE, model + '.features'), 'w') as f:
        f.write('# %s: replies to GET_REPORT Feature, written by gen-recordings.py\n' % model)
        f.write('# (format: tests/data/playstation/README.md; byte 0 is the report ID)\n')
        f.write('# report 0: the serial number (ID_GET_STRING_ATTRIBUTE reply)\n%s\n' % hexs(reply))


if __name__ == '__main__':
    for m in MODELS:
        write_model(m)
