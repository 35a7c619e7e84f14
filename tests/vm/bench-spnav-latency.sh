#!/bin/bash
# SPDX-License-Identifier: MIT
# The spnav latency benchmark (issue 22): from the uhid report to the event
# an unmodified libspnav client (Debian's libspnav 1.0) receives, hidmapd's
# spnav server against Debian's spacenavd 1.1, in one boot of the VM bed,
# ROUNDS rounds alternating the daemons (check-spnav-oracle.sh ... bench),
# 200 motion reports 20 ms apart (tests/data/3dconnexion/bench.hid) played
# SPNAV_BENCH_PLAYS times by each daemon in each round.
# Prints p50 and p99 per daemon and round, and the median of the rounds.
#
#   bench-spnav-latency.sh BUILDDIR [ROUNDS]
# SPNAV_BENCH_PLAYS=N plays the recording N times per daemon and round
# (default 5: 1000 reports, so that a round's p99 is its 10th worst).
# HIDMAPD_BENCH_CPUS=0 runs the feeder, the daemons and the client on one
# vCPU (taskset), as bench-latency.sh: no cross-vCPU wake-ups, which
# QEMU's TCG makes slow (milliseconds) and which swamp both daemons' own
# cost.
set -u -o pipefail
build=$(cd "$1" && pwd) rounds=${2:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
res=$(mktemp -d /tmp/spnav-bench.XXXXXX) || exit 1
plays=${SPNAV_BENCH_PLAYS:-5}
pin=""
[ -z "${HIDMAPD_BENCH_CPUS:-}" ] || pin="taskset -c $HIDMAPD_BENCH_CPUS"
"$src/tests/vm/run-vm.sh" -o "$res" --timeout 1200 --scenario-timeout 1100 -s spnav-bench \
	"env SPNAV_BENCH_PLAYS=$plays $pin $src/tests/vm/check-spnav-oracle.sh $build/tests/vm/spnav-feed $build/tests/vm/spnav-client $build/hidmapd $src \$VM_RESULTS/spnav-bench bench $rounds" ||
	exit $?
python3 "$src/tests/vm/spnav-latency.py" "$res/spnav-bench" "$rounds"
