#!/usr/bin/env python3
# Writes tests/data/spacenavigator/reports.out and fixed-descriptor.hid, the
# expectation of the spacenavigator quirk module, without the program:
#
# 1. The fixed descriptor: the recording's descriptor with the two Input
#    items of the axes (bytes 36-37 and 53-54, "81 06" Data,Var,Rel)
#    changed to "81 02" (Data,Var,Abs).  That is the byte change of Linux's
#    drivers/hid/hid-lg.c lg_report_fixup() for LG_RDESC_REL_ABS
#    ("rdesc[33] = rdesc[50] = 0x02" after checking rdesc[32]/[49] == 0x81
#    and [33]/[50] == 0x06), at the offsets of this 2016 unit, where the
#    newer kernels' HID-BPF program Logitech__SpaceNavigator.bpf.c makes it.
# 2. The evdev answer for a generic device with that descriptor:
#    - capabilities: the kernel's answer for the SpaceMouse Wireless
#      (tests/data/kernel/multiaxis/spacemouse-wireless-256f-c62e.out),
#      whose descriptor declares the same six axes Absolute with the same
#      globals (logical -350..350, physical -1400..1400, unit 0x11 exponent
#      -4): ABS_X..ABS_Z with resolution 250, ABS_RX..ABS_RZ 0 (a rotation
#      in cm has none); buttons and LED as that answer.
#    - axis events: the HID usage tables (GD X, Y, Z in report 1, Rx, Ry,
#      Rz in report 2, 16-bit signed little-endian) under hid-input's rules
#      as the SpaceMouse Wireless answer shows them: a value outside the
#      logical range is clamped to it (351 -> 350), the input core drops a
#      value equal to the axis' last (every axis starts at 0), a report
#      that changed something ends with SYN_REPORT.
#    - reports 3 and later (buttons, untouched by the fix): the kernel's
#      answer for the unfixed descriptor
#      (tests/data/kernel/multiaxis/spacenavigator-046d-c626-2016.out).
#
#   gen-expected.py  (run from tests/data/spacenavigator)
import struct

KERNEL = '../kernel/multiaxis/'
rec = open(KERNEL + 'spacenavigator-046d-c626-2016.hid').read().splitlines()
generic_answer = open(KERNEL + 'spacenavigator-046d-c626-2016.out').read().splitlines()
wireless = open(KERNEL + 'spacemouse-wireless-256f-c62e.out').read().splitlines()

# 1. the fixed descriptor
fixed = []
for line in rec:
    if line.startswith('R: '):
        f = line.split()
        b = [int(x, 16) for x in f[2:]]
        assert len(b) == int(f[1])
        for at in (36, 53):
            assert b[at] == 0x81 and b[at + 1] == 0x06
            b[at + 1] = 0x02
        line = 'R: %d %s' % (len(b), ' '.join('%02x' % x for x in b))
    elif line.startswith('#'):
        line = ('# the reports of ../kernel/multiaxis/spacenavigator-046d-c626-2016.hid with its\n'
                '# descriptor fixed as hid-lg.c lg_report_fixup() (LG_RDESC_REL_ABS) does:\n'
                '# bytes 37 and 54 (Input Data,Var,Rel) 0x06 -> 0x02 (Data,Var,Abs); written\n'
                '# by gen-expected.py')
    fixed.append(line)
open('fixed-descriptor.hid', 'w').write('\n'.join(fixed) + '\n')

# 2. the answer
out = [l for l in wireless if l.startswith('D: ') or l.startswith('C: ')]
out[0] = 'D: 0 3Dconnexion SpaceNavigator (2016 unit)'
axes = {1: ('ABS_X', 'ABS_Y', 'ABS_Z'), 2: ('ABS_RX', 'ABS_RY', 'ABS_RZ')}
last = {c: 0 for v in axes.values() for c in v}
reports = [l.split()[3:] for l in rec if l.startswith('E: ')]
n = 0
out.append('R: 0')
while n < len(reports) and int(reports[n][0], 16) in axes:
    b = bytes(int(x, 16) for x in reports[n])
    ev = []
    for i, code in enumerate(axes[b[0]]):
        v = struct.unpack_from('<h', b, 1 + 2 * i)[0]
        v = max(-350, min(350, v))
        if v != last[code]:
            last[code] = v
            ev.append('E: 0 EV_ABS %s %d' % (code, v))
    if ev:
        out += ev + ['E: 0 EV_SYN SYN_REPORT 0']
    n += 1
    out.append('R: %d' % n)
# the rest as the kernel's answer for the unfixed descriptor, from R: n on
rest = generic_answer.index('R: %d' % n)
out += generic_answer[rest + 1:]
open('reports.out', 'w').write('\n'.join(out) + '\n')
