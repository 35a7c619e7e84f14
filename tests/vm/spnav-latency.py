#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Latency figures of bench-spnav-latency.sh: for every event the client got
# ("T <µs> motion ..."), the time since the feeder sent the last report
# before it ("sent I <µs>", the same CLOCK_MONOTONIC in the VM).
#   spnav-latency.py RESULTS_DIR ROUNDS
import statistics
import sys

d, rounds = sys.argv[1], int(sys.argv[2])

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]

summary = {}
pooled = {}
for daemon in ('spacenavd', 'hidmapd'):
    for r in range(1, rounds + 1):
        pfx = '%s/bench.%s.%d' % (d, daemon, r)  # check-spnav-oracle.sh's names
        sent = [int(l.split()[2]) for l in open(pfx + '.sent') if l.startswith('sent')]
        lat = []
        for l in open(pfx + '.events'):
            f = l.split()
            if len(f) < 3 or f[0] != 'T' or f[2] != 'motion':
                continue
            t = int(f[1])
            before = [s for s in sent if s <= t]
            if before:
                lat.append(t - before[-1])
        if len(lat) < len(sent) * 0.9:
            print('%s round %d: only %d events for %d reports' % (daemon, r, len(lat), len(sent)))
        p50, p99 = pct(lat, 50), pct(lat, 99)
        summary.setdefault(daemon, []).append((p50, p99))
        pooled.setdefault(daemon, []).extend(lat)
        print('%-9s round %d: %3d events  p50 %6d us  p99 %6d us' % (daemon, r, len(lat), p50, p99))
for daemon, v in summary.items():
    print('%-9s median of %d rounds: p50 %d us, p99 %d us' %
          (daemon, len(v), statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)))
# The daemons alternate within a round, so a round's noise (the host's
# load under TCG) hits both: the paired comparison per round says more
# than the medians alone.
if len(summary) == 2:
    s, h = summary['spacenavd'], summary['hidmapd']
    n = len(s)
    print('hidmapd no worse than spacenavd in the same round: p50 in %d of %d rounds, '
          'p99 in %d of %d' % (sum(h[i][0] <= s[i][0] for i in range(n)), n,
                               sum(h[i][1] <= s[i][1] for i in range(n)), n))
    for daemon, v in pooled.items():
        print('%-9s all %d rounds pooled (%d events): p50 %d us, p99 %d us' %
              (daemon, n, len(v), pct(v, 50), pct(v, 99)))
