#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The report path's benchmark on the real kernel (issue 11), in one VM boot:
#
#   tests/vm/bench-latency.sh BUILDDIR [KEYD]
#   KEYD=/path/to/keyd meson test -C build --benchmark --suite vm-bench -v
#
# Prints, for 3 rounds x 1000 presses of a uhid keyboard with `a` mapped
# to `b` in each tool, p50/p90/p99 of the time from the uhid write to the
# event's evdev timestamp on:
#   - the kernel's own evdev node of the keyboard (the floor, no mapping),
#   - hidmapd (`hidmapd run`, [remap] KEY_A = KEY_B),
#   - interception-tools (Debian package): interception -g NODE |
#     filter | uinput -d NODE, the filter being `report-path filter-a-b`,
#   - keyd, when KEYD names a keyd binary (not packaged in Debian 12; build
#     it from its source with `make`), [main] a = b; it gets its own /etc
#     in a mount namespace, as it reads /etc/keyd only,
# each with its added latency over the kernel (median of the rounds) and
# hidmapd's ratio to each peer.  Then CPU per device at 1 kHz, wake-ups per
# second with 4 idle devices, and the highest report rate sustained
# without loss with 16 devices.
#
# HIDMAPD_BENCH_FLOOR=plain,echo,block (or all) adds, in the same run, a
# hidraw reader with no decoding at all (report-path hidraw-floor): what any
# reader of hidraw can reach.  plain: epoll, read, one write of KEY_B and
# SYN_REPORT; echo: hidmapd's syscall shape (MSC_SCAN written, the uinput fd
# in epoll); block: a blocking read, no epoll.  HIDMAPD_BENCH_B=PATH runs a
# second hidmapd build beside BUILDDIR's (hidmapd-b), to compare a change
# within one run.  HIDMAPD_BENCH_PRESSES=N, HIDMAPD_BENCH_NO_LOAD=1 and
# HIDMAPD_BENCH_CPUS=0 (everything on one vCPU) shorten or pin it.
#
# QEMU emulates the CPU (TCG): absolute microseconds are inflated; compare
# within one run.  The figures go to stdout and to
# BUILDDIR/tests/vm/bench-latency/bench.log.
set -u -o pipefail

build=${1:?usage: bench-latency.sh BUILDDIR [KEYD]}
keyd=${2:-${KEYD:-}}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
results=$build/tests/vm/bench-latency
if [ -n "$keyd" ]; then
	keyd=$(realpath "$keyd") || exit 1
	[ -x "$keyd" ] || { echo "bench-latency.sh: $keyd is not executable" >&2; exit 1; }
fi
# HIDMAPD_BENCH_CPUS=0 runs everything on one vCPU (taskset): no
# cross-vCPU wake-ups, which QEMU's TCG makes slow
pin=""
[ -z "${HIDMAPD_BENCH_CPUS:-}" ] || pin="taskset -c $HIDMAPD_BENCH_CPUS"
rm -rf "$results"
"$here/run-vm.sh" --timeout 1500 --scenario-timeout 1400 -o "$results" \
	-s bench "$pin $build/tests/vm/report-path bench $build/hidmapd \$VM_RESULTS/bench-tmp $keyd"
status=$?
cat "$results/bench.log" 2>/dev/null
exit $status
