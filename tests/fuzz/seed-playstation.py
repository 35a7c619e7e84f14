#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Seeds for fuzz-playstation (input format: the header of
tests/fuzz/fuzz-playstation.c): every model on USB and Bluetooth, every
feature reply mode, synchronous and asynchronous transports, raw replies;
then valid reports (sticks, buttons, IMU, touch), rumble, configure,
timers, short reports, unknown IDs, broken CRCs and touch frame counts
out of range.  Writes one file per seed, named by its SHA-1, into DIR.

  seed-playstation.py DIR
"""
import hashlib
import os
import struct
import sys
import zlib

MODELS = {0x05C4: 0, 0x09CC: 1, 0x0BA0: 2, 0x0CE6: 3, 0x0DF2: 4}


def chunk(b):
    return struct.pack("<H", len(b)) + bytes(b)


def op(n, payload=b""):
    return chunk(bytes([n]) + bytes(payload))


def structured(i, flags=0):
    """op 1's bytes: a pad in motion, report i of a sequence"""
    lx, ly = (0x80 + 3 * i) & 0xFF, (0x80 - 2 * i) & 0xFF
    hat = i % 9
    buttons = [(0x10 << (i % 4)) & 0xF0, 1 << (i % 8), i & 7]
    gyro = [(-300 + 37 * i), 120 - 11 * i, 5 * i]
    accel = [40 * i, 8192 - 3 * i, -100]
    ts = 188 * i
    down = i % 3 != 2
    x, y = 100 + 17 * i, 200 + 9 * i
    t0 = [(0x80 if down else 0) | (i // 3 & 0x7F), x & 0xFF, (x >> 8 & 0x0F) | (y & 0x0F) << 4, y >> 4]
    t1 = [0x80 | 5 if i % 5 == 0 else 0x05, 0x34, 0x12, 0x40]
    b = bytes([lx, ly, 0x7F, 0x81, i * 16 & 0xFF, 255 - i * 16 & 0xFF, hat] + buttons + [i & 0x3F, 0x1B])
    b += struct.pack("<3h3hI", *[g & 0xFFFF if g >= 0 else g for g in gyro], *accel, ts)
    b += bytes(t0 + t1 + [flags])
    return op(1, b)


def ds4_simple_bt():
    # a Bluetooth DualShock 4 before the switch: 0x01, the first 9 payload bytes
    return bytes([0x01, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00])


def raw_good_usb_ds4():
    r = bytearray(64)
    r[0] = 0x01
    r[1:5] = b"\x80\x80\x80\x80"
    r[5] = 0x28  # Cross, hat released
    r[33 + 1 - 1] = 1
    return bytes(r)


def raw_bt(report_id, payload_at):
    r = bytearray(78)
    r[0] = report_id
    r[1] = 0xC0
    r[payload_at:payload_at + 4] = b"\x80\x80\x80\x80"
    crc = zlib.crc32(bytes([0xA1]) + bytes(r[:74]))
    r[74:78] = struct.pack("<I", crc)
    return bytes(r)


def cal_reply(rid, bt_order, size, seal):
    r = bytearray(size)
    r[0] = rid
    gyro = [8800, 8800, 8800, -8800, -8800, -8800] if bt_order else [8800, -8800] * 3
    struct.pack_into("<3h6h2h6h", r, 1, 0, 0, 0, *gyro, 540, 540, 8192, -8192, 8192, -8192, 8192, -8192)
    if seal:
        struct.pack_into("<I", r, size - 4, zlib.crc32(bytes([0xA3]) + bytes(r[:size - 4])))
    return bytes(r)


def body(product, bt):
    ds5 = product in (0x0CE6, 0x0DF2)
    s = b""
    for i in range(24):
        s += structured(i)
        if i == 4:
            s += op(2, b"\xff\xff\x00\x80")  # rumble
        if i == 8:
            s += op(3, bytes([0x07, 0x00, 0x40, 0xFF, 3]))  # lightbar, player LEDs, mic
        if i == 12:
            s += op(4)  # timers
    s += op(2, b"\x00\x00\x00\x00")
    # the bad: short, unknown ID, empty, broken CRC, touch counts out of range
    s += op(0, b"\x01\x80")
    s += op(0, b"\x7e" + bytes(63))
    s += op(0, b"")
    s += structured(30, flags=0x02)
    s += structured(31, flags=0xF0)
    s += structured(32, flags=0x50 | 0x01)
    if not ds5:
        s += op(0, ds4_simple_bt())
        s += op(0, raw_good_usb_ds4())
        s += op(0, raw_bt(0x11, 3))
    else:
        s += op(0, raw_bt(0x31, 2))
    return s


def seeds():
    for product, idx in MODELS.items():
        for bt in (False, True):
            if product == 0x0BA0 and bt:
                continue
            b0 = idx | (8 if bt else 0)
            # the built replies, every mode, synchronous
            for mode in range(7):
                yield bytes([b0, mode]) + body(product, bt)
            # asynchronous: requests complete from the ops (one never does)
            a = bytes([b0, 0x80]) + op(5, b"\x01") + op(5, b"\x01") + op(5, b"\x01")
            yield a + body(product, bt) + op(5, b"\x01")
            yield bytes([b0, 0x80]) + body(product, bt) + op(4)
            # raw replies: a sane calibration first, then wrong ones
            ds5 = product in (0x0CE6, 0x0DF2)
            rid = 0x05 if ds5 or bt else 0x02
            good = cal_reply(rid, not ds5 and (bt or product == 0x0BA0), 41 if rid == 0x05 else 37, bt)
            replies = [good] * 4
            yield bytes([b0, 0x40]) + b"".join(chunk(r) for r in replies) + body(product, bt)
            yield bytes([b0, 0x40]) + chunk(good[:20]) + chunk(b"\x99" + good[1:]) + chunk(b"") + body(product, bt)
            yield bytes([b0, 0x40]) + chunk(bytes(len(good))) * 4 + body(product, bt) + op(6)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for s in seeds():
        with open(os.path.join(sys.argv[1], hashlib.sha1(s).hexdigest()), "wb") as f:
            f.write(s)


if __name__ == "__main__":
    main()
