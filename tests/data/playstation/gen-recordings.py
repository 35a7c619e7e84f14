#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Scripted PlayStation recordings and feature replies for the parity tests.

Writes, next to this script, for each model (ds4-usb, ds4-bt, ds5-usb,
ds5-bt, ds5edge-usb):
  <model>.hid       hid-recorder file: the real report descriptor and a
                    scripted report sequence (every button, the d-pad in 8
                    directions, stick and trigger sweeps, IMU values, one
                    and two fingers on the touchpad; DS4: reports carrying
                    several touch frames), Bluetooth reports with their CRC
  <model>.features  the replies to GET_REPORT Feature (src/replay-features.h
                    format), Bluetooth replies with their CRC

Everything comes from the documented report layouts (README.md in this
folder cites them), not from hidmapd.  Deterministic: run it again and
`git diff` shows nothing.

  python3 tests/data/playstation/gen-recordings.py
"""
import os
import re
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, '..', 'corpus', 'selftests')


def descriptor_from_hid(path):
    for line in open(path):
        if line.startswith('R:'):
            words = line.split()[1:]
            n = int(words[0])
            b = bytes(int(x, 16) for x in words[1:])
            assert len(b) == n, path
            return b
    raise SystemExit('%s: no R: line' % path)


def descriptor_from_txt(path):
    hexes = []
    for line in open(path):
        line = line.split('#')[0]
        hexes += line.split()
    return bytes(int(x, 16) for x in hexes)


def crc_tail(seed, data):
    """PlayStation Bluetooth CRC32: crc32(seed byte || data), little endian."""
    return struct.pack('<I', zlib.crc32(data, zlib.crc32(bytes([seed]))) & 0xffffffff)


MAC = bytes([0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa])  # aa:bb:cc:dd:ee:ff, LE as the pads send it

# Calibration (feature 0x02 USB / 0x05 BT for the DS4, 0x05 for the
# DualSense), sane and non-zero (6.1's hid-sony divides by plus - minus).
# Gyro bias 0: 6.1's hid-sony subtracts the bias, today's hid-playstation
# does not (DS4), so a bias would be a difference of kernel versions, not
# of hidmapd.  Limits differ per axis and sign so that a swapped axis or
# order shows; accelerometer limits are off centre (bias plus - range/2).
GYRO = {  # axis: (plus, minus)
    'pitch': (8100, -7900),
    'yaw': (8200, -8000),
    'roll': (7950, -8050),
}
GYRO_SPEED = (540, 540)
ACCEL = {'x': (8300, -8100), 'y': (8250, -8150), 'z': (8400, -8000)}


def calibration(bt_order):
    """The 36 bytes after the report ID (offsets 1..36)."""
    b = struct.pack('<hhh', 0, 0, 0)  # gyro bias pitch, yaw, roll
    p, y, r = GYRO['pitch'], GYRO['yaw'], GYRO['roll']
    if bt_order:  # DS4 over Bluetooth: pitch+ yaw+ roll+ pitch- yaw- roll-
        b += struct.pack('<hhhhhh', p[0], y[0], r[0], p[1], y[1], r[1])
    else:  # DS4 USB and DualSense: pitch+ pitch- yaw+ yaw- roll+ roll-
        b += struct.pack('<hhhhhh', p[0], p[1], y[0], y[1], r[0], r[1])
    b += struct.pack('<hh', *GYRO_SPEED)
    for axis in 'xyz':
        b += struct.pack('<hh', *ACCEL[axis])
    b += bytes(2)  # 35..36: unused
    assert len(b) == 36
    return b


def feature(rid, size, body=b'', crc=False):
    """A reply of size bytes: ID, body, zeros; with crc the last 4 bytes
    are crc32(0xA3 || the rest)."""
    data = bytes([rid]) + body
    n = size - 4 if crc else size
    assert len(data) <= n
    data += bytes(n - len(data))
    if crc:
        data += crc_tail(0xA3, data)
    assert len(data) == size
    return data


def ds4_features(bt):
    hw = struct.pack('<H', 0x0100)
    fw = struct.pack('<H', 0x0200)
    # 0xA3 (49 bytes, no CRC on either bus): hw version @35, fw version @41
    a3 = feature(0xa3, 49, bytes(34) + hw + bytes(4) + fw)
    if bt:
        return [
            ('0x05: calibration, Bluetooth order, CRC32(0xA3 ||...)', feature(0x05, 41, calibration(True), crc=True)),
            ('0xA3: hardware 0x0100 @35, firmware 0x0200 @41', a3),
        ]
    return [
        ('0x81: MAC (hid-sony 6.1), exactly 7 bytes', feature(0x81, 7, MAC)),
        ('0x12: pairing info, MAC @1 (today\'s hid-playstation, SDL)', feature(0x12, 16, MAC)),
        ('0x02: calibration, USB order', feature(0x02, 37, calibration(False))),
        ('0xA3: hardware 0x0100 @35, firmware 0x0200 @41', a3),
    ]


def ds5_features(bt):
    # 0x20 firmware info: hardware u32 @24, firmware u32 @28, update
    # version u16 @44 = 0x0110, below 2.21 (0x0215): the compatible
    # vibration, the output that 6.1 and today's driver both send
    fw = bytes(23) + struct.pack('<II', 0x0515, 0x0110) + bytes(12) + struct.pack('<H', 0x0110)
    return [
        ('0x09: pairing info, MAC @1', feature(0x09, 20, MAC, crc=bt)),
        ('0x20: firmware info: hw 0x515 @24, fw 0x110 @28, update 0x0110 @44', feature(0x20, 64, fw, crc=bt)),
        ('0x05: calibration (USB order)', feature(0x05, 41, calibration(False), crc=bt)),
    ]


# ---- the scripted state sequence ----------------------------------------

class State:
    def __init__(self):
        self.lx = self.ly = self.rx = self.ry = 128
        self.l2 = self.r2 = 0
        self.hat = 8
        self.buttons = set()
        self.gyro = [0, 0, 0]
        self.accel = [0, 8192, 0]
        # touch points: list of (id, x, y) or None per slot
        self.touch = [None, None]
        # DS4 only: extra touch frames carried by this report, each a pair
        self.frames = None
        # Bluetooth: a report whose CRC is wrong (the drivers drop it)
        self.bad_crc = False


# button bits: (byte, bit) within the three button bytes, DS4 USB bytes
# 5..7 (Bluetooth 7..9), DualSense payload bytes 7..9 (the hat is the low
# nibble of the first)
BUTTONS = ['square', 'cross', 'circle', 'triangle', 'l1', 'r1', 'l2', 'r2',
           'share', 'options', 'l3', 'r3', 'ps', 'touchpad']
BITS = {
    'square': (0, 4), 'cross': (0, 5), 'circle': (0, 6), 'triangle': (0, 7),
    'l1': (1, 0), 'r1': (1, 1), 'l2': (1, 2), 'r2': (1, 3),
    'share': (1, 4), 'options': (1, 5), 'l3': (1, 6), 'r3': (1, 7),
    'ps': (2, 0), 'touchpad': (2, 1), 'mic': (2, 2),
    'fn-l': (2, 4), 'fn-r': (2, 5), 'paddle-l': (2, 6), 'paddle-r': (2, 7),
}


def script(model):
    """The sequence of states, one per report, with a comment each."""
    ds5 = model.startswith('ds5')
    edge = model == 'ds5edge-usb'
    s = State()
    out = []

    def emit(what):
        import copy
        out.append((what, copy.deepcopy(s)))
        s.frames = None
        s.bad_crc = False

    emit('rest')
    buttons = BUTTONS + (['mic'] if ds5 else []) + (['fn-l', 'fn-r', 'paddle-l', 'paddle-r'] if edge else [])
    for b in buttons:
        s.buttons.add(b)
        emit('%s down' % b)
        s.buttons.discard(b)
        emit('%s up' % b)
    s.buttons |= {'cross', 'circle', 'l1'}
    emit('cross + circle + l1 down')
    s.buttons.clear()
    emit('all up')
    if model.endswith('-bt'):
        s.buttons |= {'triangle', 'r2'}
        s.lx = 0
        s.bad_crc = True
        emit('triangle + r2 down, lx 0, with a wrong CRC: dropped')
        s.buttons.clear()
        s.lx = 128
        emit('all up again')
    for d in range(8):
        s.hat = d
        emit('d-pad %s' % ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'][d])
    s.hat = 8
    emit('d-pad released')
    for name in ('lx', 'ly', 'rx', 'ry'):
        for v in (0, 64, 255, 129, 128):
            setattr(s, name, v)
            emit('%s %d' % (name, v))
    for name in ('l2', 'r2'):
        for v in (1, 100, 255, 0):
            setattr(s, name, v)
            emit('%s %d' % (name, v))
    # IMU: each axis alone, then extremes and a change within the fuzz (16)
    for i, v in enumerate((160, -300, 1000)):
        s.gyro = [0, 0, 0]
        s.gyro[i] = v
        emit('gyro axis %d = %d' % (i, v))
    s.gyro = [0, 0, 0]
    for i, v in enumerate((8192, -4096, 2000)):
        s.accel = [0, 0, 0]
        s.accel[i] = v
        emit('accel axis %d = %d' % (i, v))
    s.gyro = [32767, -32768, 5]
    s.accel = [-32768, 32767, 3]
    emit('IMU extremes')
    s.gyro = [32760, -32768, 1]
    s.accel = [-32765, 32767, 7]
    emit('IMU small changes')
    s.gyro = [0, 0, 0]
    s.accel = [0, 8192, 0]
    emit('IMU at rest')
    # touchpad
    xmax, ymax = (1919, 1079) if ds5 else (1919, 941)
    s.touch = [(1, 100, 200), None]
    emit('one finger down')
    s.touch = [(1, 300, 400), None]
    emit('one finger moves')
    s.touch = [(1, 300, 400), (2, 1500, 900 if ds5 else 800)]
    emit('second finger down')
    s.touch = [(1, 0, 0), (2, xmax, ymax)]
    emit('both move to the corners')
    s.buttons.add('touchpad')
    emit('touchpad click with two fingers')
    s.buttons.discard('touchpad')
    s.touch = [None, (2, xmax, ymax)]
    emit('first finger up, click released')
    s.touch = [None, None]
    emit('second finger up')
    if not ds5:
        # several touch frames in one report: USB up to 3, Bluetooth 4
        nframes = 4 if model.endswith('bt') else 3
        frames = [[(3, 10 + 50 * i, 20 + 30 * i), None] for i in range(nframes)]
        s.frames = frames
        s.touch = frames[-1]
        emit('%d touch frames, one finger moving' % nframes)
        frames = [[(3, 500, 300), (4, 600 + 100 * i, 700)] for i in range(2)]
        s.frames = frames
        s.touch = frames[-1]
        emit('2 touch frames, two fingers')
        s.touch = [None, None]
        emit('fingers up')
    s.lx, s.ry, s.hat = 30, 220, 2
    s.buttons |= {'triangle', 'r1'}
    s.gyro = [50, 60, 70]
    s.touch = [(5, 960, 470), None]
    emit('everything at once')
    s.lx = s.ry = 128
    s.hat = 8
    s.buttons.clear()
    s.gyro = [0, 0, 0]
    s.touch = [None, None]
    emit('rest')
    return out


def put_point(buf, off, p):
    if p is None:
        buf[off] = 0x80
        return
    tid, x, y = p
    buf[off] = tid & 0x7f
    buf[off + 1] = x & 0xff
    buf[off + 2] = (x >> 8) & 0x0f | (y & 0x0f) << 4
    buf[off + 3] = (y >> 4) & 0xff


def button_bytes(s):
    b = [s.hat & 0x0f, 0, 0]
    for name in s.buttons:
        i, bit = BITS[name]
        b[i] |= 1 << bit
    return b


def ds4_report(s, n, bt):
    """DS4 input report 0x01 (USB, 64 bytes) or 0x11 (BT, 78 bytes)."""
    size = 78 if bt else 64
    buf = bytearray(size)
    o = 2 if bt else 0  # BT: two header bytes, then the USB layout shifted
    if bt:
        buf[0], buf[1], buf[2] = 0x11, 0xc0, 0x00  # 0xc0: HID data with CRC
    else:
        buf[0] = 0x01
    buf[o + 1:o + 5] = bytes([s.lx, s.ly, s.rx, s.ry])
    bb = button_bytes(s)
    buf[o + 5] = bb[0]
    buf[o + 6] = bb[1]
    buf[o + 7] = bb[2] | ((n & 0x3f) << 2)  # frame counter, bits 2..7
    buf[o + 8], buf[o + 9] = s.l2, s.r2
    struct.pack_into('<H', buf, o + 10, (750 * n) & 0xffff)  # 5.33 us units: 4 ms
    buf[o + 12] = 0x1a  # temperature
    struct.pack_into('<hhh', buf, o + 13, *s.gyro)
    struct.pack_into('<hhh', buf, o + 19, *s.accel)
    buf[o + 30] = 0x1b  # cable, battery 11 (full, charging)
    frames = s.frames or [s.touch]
    buf[o + 33] = len(frames)
    for i, f in enumerate(frames):
        t = o + 34 + 9 * i
        buf[t] = (n * 4 + i) & 0xff  # touch timestamp
        put_point(buf, t + 1, f[0])
        put_point(buf, t + 5, f[1])
    if bt:
        buf[74:78] = crc_tail(0xa1, bytes(buf[:74]))
        if s.bad_crc:
            buf[77] ^= 0x01
    return bytes(buf)


def ds5_report(s, n, bt):
    """DualSense input report 0x01 (USB, 64 bytes) or 0x31 (BT, 78 bytes)."""
    size = 78 if bt else 64
    buf = bytearray(size)
    if bt:
        buf[0], buf[1] = 0x31, (n << 4) & 0xf0
        p = 2
    else:
        buf[0] = 0x01
        p = 1
    buf[p:p + 4] = bytes([s.lx, s.ly, s.rx, s.ry])
    buf[p + 4], buf[p + 5] = s.l2, s.r2
    buf[p + 6] = n & 0xff  # sequence
    bb = button_bytes(s)
    buf[p + 7], buf[p + 8], buf[p + 9] = bb
    struct.pack_into('<hhh', buf, p + 15, *s.gyro)
    struct.pack_into('<hhh', buf, p + 21, *s.accel)
    struct.pack_into('<I', buf, p + 27, (12000 * n + 3000) & 0xffffffff)  # 1/3 us: 4 ms
    put_point(buf, p + 32, s.touch[0])
    put_point(buf, p + 36, s.touch[1])
    buf[p + 52] = 0x28  # charge state 2 (full), battery 8 (85 %)
    buf[p + 53] = 0x08  # USB data
    if bt:
        buf[74:78] = crc_tail(0xa1, bytes(buf[:74]))
        if s.bad_crc:
            buf[77] ^= 0x01
    return bytes(buf)


MODELS = {
    # model: (name, bus, vendor, product, descriptor source, descriptor note)
    'ds4-usb': ('Sony Computer Entertainment Wireless Controller', 3, 0x054c, 0x05c4,
                'sony-ps4controllerusb.hid'),
    'ds4-bt': ('Wireless Controller', 5, 0x054c, 0x05c4, 'sony-ps4controllerbluetooth.hid'),
    'ds5-usb': ('Sony Interactive Entertainment DualSense Wireless Controller', 3, 0x054c, 0x0ce6,
                'sony-ps5controllerusb.hid'),
    'ds5-bt': ('DualSense Wireless Controller', 5, 0x054c, 0x0ce6, 'sony-ps5controllerbluetooth.hid'),
    'ds5edge-usb': ('Sony Interactive Entertainment DualSense Edge Wireless Controller', 3, 0x054c,
                    0x0df2, 'ds5edge-usb-descriptor.txt'),
}


def hexs(b):
    return ' '.join('%02x' % x for x in b)


def write_model(model):
    name, bus, vid, pid, src = MODELS[model]
    if src.endswith('.txt'):
        rdesc = descriptor_from_txt(os.path.join(HERE, src))
        srcnote = 'tests/data/playstation/' + src
    else:
        rdesc = descriptor_from_hid(os.path.join(CORPUS, src))
        srcnote = 'tests/data/corpus/selftests/' + src
    bt = bus == 5
    ds5 = model.startswith('ds5')
    with open(os.path.join(HERE, model + '.hid'), 'w') as f:
        f.write('# %s: scripted reports, written by gen-recordings.py (do not edit)\n' % model)
        f.write('# descriptor: %s\n' % srcnote)
        f.write('N: %s\n' % name)
        f.write('I: %x %04x %04x\n' % (bus, vid, pid))
        f.write('R: %d %s\n' % (len(rdesc), hexs(rdesc)))
        for n, (what, s) in enumerate(script(model)):
            rep = ds5_report(s, n, bt) if ds5 else ds4_report(s, n, bt)
            f.write('# %d: %s\n' % (n, what))
            f.write('E: %06d.%06d %d %s\n' % (n // 100, (n % 100) * 10000, len(rep), hexs(rep)))
    feats = ds5_features(bt) if ds5 else ds4_features(bt)
    with open(os.path.join(HERE, model + '.features'), 'w') as f:
        f.write('# %s: replies to GET_REPORT Feature, written by gen-recordings.py\n' % model)
        f.write('# (format: tests/data/playstation/README.md; byte 0 is the report ID)\n')
        for what, data in feats:
            f.write('# %s\n%s\n' % (what, hexs(data)))


if __name__ == '__main__':
    for m in MODELS:
        write_model(m)
