#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Steam parity: hidmapd against the kernel's own hid-steam.

  parity.py HIDMAPD STEAMDIR KDIR [MODEL...]
      for each model (default: steam-wired steam-wireless steam-deck),
      `hidmapd replay --features STEAMDIR/MODEL.features STEAMDIR/MODEL.hid`
      against KDIR/MODEL.txt, the answer of 6.12's hid-steam for the same
      reports (tests/vm/gen-steam-expectations.sh; for the Controller 6.1's
      answer is the same, tests/data/kernel/steam/6.1).

Both sides are in the `hidmapd replay` format.  What differs on purpose,
and nothing else, is normalised (each is printed with the lines it
touched):

  SLOT-COMES a receiver slot has no node until its pad's connect report,
             on both sides; the oracle waits for the kernel's node and
             prints it first, `hidmapd replay` prints its device when it is
             created, after the connect's R: line: hidmapd's D:/C: lines
             are moved to the top.
  SLOT-GONE  a receiver slot's disconnect report: the kernel unregisters
             the node (a reader sees it go, nothing more); hidmapd lets
             everything go first (under the daemon its virtual device stays
             for the replug grace; replay has none): hidmapd's events for
             that report are dropped.
  DECK-MODE  6.12 reports nothing on the Deck's nodes until Options has been
             held 0.45 s; the Deck recording's reports 0 and 1 do that (the
             oracle holds report 0): both sides' events for them are dropped.
  DECK-FF    Debian's 6.12 is built without CONFIG_STEAM_FF: its Deck node
             has no EV_FF; hidmapd's has the ff-memless set of a
             CONFIG_STEAM_FF kernel: hidmapd's EV_FF C: lines are dropped
             when the kernel's node has none.
  SC-FF      no hid-steam gives the Controller force feedback; hidmapd's
             Controller node has the ff-memless set, played on the pads'
             actuators: hidmapd's EV_FF C: lines are dropped (the kernel's
             node has none).
Exit status 0 when every comparison matched, 1 otherwise.
"""
import difflib
import os
import subprocess
import sys

MODELS = ['steam-wired', 'steam-wireless', 'steam-deck']


def disconnects(hid_path):
    """report numbers of the recording's slot disconnects (type 3, payload 01)"""
    out, n = set(), 0
    for line in open(hid_path):
        if not line.startswith('E: '):
            continue
        b = [int(x, 16) for x in line.split()[3:]]
        if len(b) == 64 and b[0] == 1 and b[1] == 0 and b[2] == 3 and b[4] == 1:
            out.add(n)
        n += 1
    return out


def split(text):
    """header lines, then [(R: line, [event lines])]"""
    head, frames = [], []
    for line in text.splitlines():
        if line.startswith('R: '):
            frames.append((line, []))
        elif frames:
            frames[-1][1].append(line)
        else:
            head.append(line)
    return head, frames


def join(head, frames):
    lines = list(head)
    for r, ev in frames:
        lines.append(r)
        lines += ev
    return lines


def compare(hidmapd, steamdir, kdir, model):
    hid = os.path.join(steamdir, model + '.hid')
    feats = os.path.join(steamdir, model + '.features')
    p = subprocess.run([hidmapd, 'replay', '--features', feats, hid], capture_output=True,
                       text=True)
    if p.returncode != 0:
        print('FAIL: %s: hidmapd replay exited %d: %s' % (model, p.returncode, p.stderr))
        return False
    kh, kf = split(open(os.path.join(kdir, model + '.txt')).read())
    hh, hf = split(p.stdout)
    notes = []
    moved = 0
    for i, (r, ev) in enumerate(hf):
        node = [l for l in ev if l.startswith(('D: ', 'C: '))]
        if node:
            hh += node
            hf[i] = (r, [l for l in ev if not l.startswith(('D: ', 'C: '))])
            moved += len(node)
    if moved:
        notes.append('SLOT-COMES %d' % moved)
    gone = disconnects(hid)
    if gone:
        n = 0
        for i, (r, ev) in enumerate(hf):
            if int(r.split()[1]) in gone:
                n += len(ev)
                hf[i] = (r, [])
        notes.append('SLOT-GONE %d' % n)
    if model == 'steam-deck':
        n = 0
        for frames in (kf, hf):
            for i, (r, ev) in enumerate(frames):
                if int(r.split()[1]) in (0, 1):
                    n += len(ev)
                    frames[i] = (r, [])
        notes.append('DECK-MODE %d' % n)
        if not any(' EV_FF ' in l for l in kh):
            before = len(hh)
            hh = [l for l in hh if ' EV_FF ' not in l]
            notes.append('DECK-FF %d' % (before - len(hh)))
    elif not any(' EV_FF ' in l for l in kh):
        before = len(hh)
        hh = [l for l in hh if ' EV_FF ' not in l]
        notes.append('SC-FF %d' % (before - len(hh)))
    want, got = join(kh, kf), join(hh, hf)
    if want != got:
        print('FAIL: %s: hidmapd differs from the kernel (%s):' % (model, ', '.join(notes)))
        for l in list(difflib.unified_diff(want, got, 'kernel', 'hidmapd', lineterm=''))[:60]:
            print(l)
        return False
    print('ok: %s: %d frames as the kernel%s' % (model, len(kf),
                                                 (' (' + ', '.join(notes) + ')') if notes else ''))
    return True


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    hidmapd, steamdir, kdir = sys.argv[1:4]
    models = sys.argv[4:] or MODELS
    ok = all([compare(hidmapd, steamdir, kdir, m) for m in models])
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
