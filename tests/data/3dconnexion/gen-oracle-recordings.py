#!/usr/bin/env python3
# Writes oracle/*.hid: the recordings check-spnav-oracle.sh (tests/vm) plays
# to spacenavd and to hidmapd through one uhid device per model.  No
# captured reports of these devices are public, so the reports are
# synthesised from the documented layouts (research note §4; spacenavd's
# dev_usb_freebsd.c reads the same bytes): report 1 X, Y, Z (and Rx, Ry,
# Rz on the six-axis 256f devices) as s16le, report 2 Rx, Ry, Rz (the
# older devices), report 3 a bitmap of Buttons (bit n = Button n+1).
# The values cover: ordinary motion, a repeat (no event), values inside
# spacenavd's dead zone and at its edge, values past the logical range
# (clamped by hid-input), the range's ends, release to 0; buttons one and
# two at a time, and on the folded models every labelled key plus one the
# fold drops.
#
# Descriptors: the 046d models use the SpaceNavigator's with the axes
# declared Absolute (tests/data/spacenavigator/fixed-descriptor.hid, the
# descriptor after hid-lg's fix: under uhid hid-lg cannot bind, so the
# kernel's node is hid-generic's on the fixed bytes); the 256f models the
# SpaceMouse Wireless's (spacemouse-wireless-256f-c62e.hid); the Pro and
# the Enterprise have their 256-button report 3 synthesised as
# tests/lib/spacemouse-descriptors.h explains.
#
#   gen-oracle-recordings.py   (run from tests/data/3dconnexion)
import struct

def rdesc_of(path):
    for line in open(path):
        if line.startswith('R: '):
            f = line.split()
            return [int(x, 16) for x in f[2:]]
    raise SystemExit(path + ': no R: line')

snav = rdesc_of('../spacenavigator/fixed-descriptor.hid')
wireless = rdesc_of('spacemouse-wireless-256f-c62e.hid')

# report 3 of 256 Buttons and the LED report, as in spacemouse-descriptors.h
buttons256 = [0xa1, 0x02, 0x85, 0x03, 0x05, 0x09, 0x19, 0x01, 0x2a, 0x00, 0x01, 0x15, 0x00,
              0x25, 0x01, 0x75, 0x01, 0x96, 0x00, 0x01, 0x81, 0x02, 0xc0]
led = [0xa1, 0x02, 0x85, 0x04, 0x05, 0x08, 0x09, 0x4b, 0x15, 0x00, 0x25, 0x01, 0x95, 0x01,
       0x75, 0x01, 0x91, 0x02, 0x95, 0x01, 0x75, 0x07, 0x91, 0x03, 0xc0]
head = [0x05, 0x01, 0x09, 0x08, 0xa1, 0x01]
axes3 = [0xa1, 0x00, 0x85, 0x01, 0x16, 0xa2, 0xfe, 0x26, 0x5e, 0x01,
         0x09, 0x30, 0x09, 0x31, 0x09, 0x32, 0x75, 0x10, 0x95, 0x03, 0x81, 0x02, 0xc0,
         0xa1, 0x00, 0x85, 0x02, 0x09, 0x33, 0x09, 0x34, 0x09, 0x35, 0x75, 0x10, 0x95, 0x03,
         0x81, 0x02, 0xc0]
axes6 = [0xa1, 0x00, 0x85, 0x01, 0x16, 0xa2, 0xfe, 0x26, 0x5e, 0x01,
         0x09, 0x30, 0x09, 0x31, 0x09, 0x32, 0x09, 0x33, 0x09, 0x34, 0x09, 0x35,
         0x75, 0x10, 0x95, 0x06, 0x81, 0x02, 0xc0]
pro = head + axes3 + buttons256 + led + [0xc0]
enterprise = head + axes6 + buttons256 + led + [0xc0]

def s16(*v):
    return list(struct.pack('<%dh' % len(v), *v))

# motion as (translation, rotation) pairs
MOTION = [
    ((100, -120, 0), (0, 0, 0)),
    ((100, -120, 0), (0, 0, 0)),      # a repeat: nothing changes
    ((100, -120, 40), (5, -1, 351)),  # 351: past the range, clamped
    ((1, 1, -1), (1, 0, 2)),          # inside spacenavd's dead zone of 2
    ((3, -3, 2), (-2, 2, -3)),        # at its edge
    ((-350, 350, 200), (350, -350, 17)),
    ((0, 0, 0), (0, 0, 0)),
    ((-400, 0, 7), (-7, 0, 400)),
    ((0, 0, 0), (0, 0, 0)),
]

def motion_reports(six):
    out = []
    for t, r in MOTION:
        if six:
            out.append([0x01] + s16(*(t + r)))
        else:
            out.append([0x01] + s16(*t))
            out.append([0x02] + s16(*r))
    return out

def button_report(bits, nbytes):
    b = [0] * nbytes
    for n in bits:
        b[n // 8] |= 1 << (n % 8)
    return [0x03] + b

def two_buttons(nbytes=2):
    return [button_report([0], nbytes), button_report([0, 1], nbytes),
            button_report([1], nbytes), button_report([], nbytes)]

# the folded models' keys as Button bits (evdev code - 256), spacenavd's
# bnhack tables, plus bit 3 (code 259), which neither lists
PRO_BITS = [0, 1, 2, 4, 5, 8, 12, 13, 14, 15, 22, 23, 24, 25, 26, 3]
ENT_BITS = [0, 1, 2, 4, 5, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
            35, 36, 76, 77, 102, 103, 104, 174, 175, 3]

def folded_buttons(bits):
    out = []
    for n in bits:
        out.append(button_report([n], 32))
        out.append(button_report([], 32))
    out.append(button_report(bits[:3], 32))  # three at once
    out.append(button_report([], 32))
    return out

MODELS = [
    # file, name, vid, pid, descriptor, six-axis, buttons
    ('spacenavigator-046d-c626', '3Dconnexion SpaceNavigator', 0x046d, 0xc626, snav, False,
     two_buttons()),
    ('spacetraveler-046d-c623', '3Dconnexion SpaceTraveler USB', 0x046d, 0xc623, snav, False,
     two_buttons()),
    ('spacemouse-plus-xt-046d-c603', '3Dconnexion SpaceMouse Plus XT USB', 0x046d, 0xc603,
     snav, False, two_buttons()),
    ('spacemouse-pro-046d-c62b', '3Dconnexion SpaceMouse Pro', 0x046d, 0xc62b, pro, False,
     folded_buttons(PRO_BITS)),
    ('spacemouse-wireless-256f-c62e', '3Dconnexion SpaceMouse Wireless', 0x256f, 0xc62e,
     wireless, True, two_buttons()),
    ('universal-receiver-256f-c62f', '3Dconnexion Universal Receiver', 0x256f, 0xc62f,
     wireless, True, two_buttons()),
    ('spacemouse-enterprise-256f-c633', '3Dconnexion SpaceMouse Enterprise', 0x256f, 0xc633,
     enterprise, True, folded_buttons(ENT_BITS)),
]

for fname, name, vid, pid, rd, six, buttons in MODELS:
    reports = motion_reports(six) + buttons
    with open('oracle/%s.hid' % fname, 'w') as f:
        f.write('# synthesised by tests/data/3dconnexion/gen-oracle-recordings.py from the '
                'documented layout (see its header)\n')
        f.write('N: %s\n' % name)
        f.write('I: 3 %04x %04x\n' % (vid, pid))
        f.write('R: %d %s\n' % (len(rd), ' '.join('%02x' % b for b in rd)))
        for i, r in enumerate(reports):
            f.write('E: %d.%06d %d %s\n' % (i // 50, (i % 50) * 20000, len(r),
                                            ' '.join('%02x' % b for b in r)))

# bench.hid: the latency benchmark's recording (tests/vm/bench-spnav-latency.sh):
# 200 six-axis reports of the SpaceMouse Wireless, each moving X to a new
# value outside the dead zone, so that each gives exactly one motion event.
with open('bench.hid', 'w') as f:
    f.write('# synthesised by tests/data/3dconnexion/gen-oracle-recordings.py: 200 motion '
            'reports, each one event\n')
    f.write('N: 3Dconnexion SpaceMouse Wireless\n')
    f.write('I: 3 256f c62e\n')
    f.write('R: %d %s\n' % (len(wireless), ' '.join('%02x' % b for b in wireless)))
    for i in range(200):
        r = [0x01] + s16(50 + (i % 100) * 3 * (1 if i % 2 else -1), 0, 0, 0, 0, 0)
        f.write('E: %d.%06d %d %s\n' % (i // 50, (i % 50) * 20000, len(r),
                                        ' '.join('%02x' % b for b in r)))
