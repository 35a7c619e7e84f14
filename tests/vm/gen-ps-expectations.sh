#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Regenerates tests/data/kernel/playstation/: what the kernel's own
# PlayStation drivers (Debian 12's 6.1 hid-sony for the DualShock 4,
# hid-playstation for the DualSense and the DualSense Edge) make of the
# scripted recordings of tests/data/playstation, their feature requests
# answered from the recordings' .features files, in one VM boot.
#
#   gen-ps-expectations.sh BUILDDIR [OUTDIR]
#
# BUILDDIR is a meson build directory (outside /tmp) with tests/vm/ps-oracle
# built (ninja -C BUILDDIR tests/vm/ps-oracle).  OUTDIR defaults to
# tests/data/kernel/playstation of this tree and gets, for each model:
#   <model>.txt     the kernel's evdev nodes and events (`hidmapd replay` format)
#   <model>.ids     the nodes' bus, vendor, product, version and number of
#                   force-feedback effects (the replay format has neither),
#                   one line a node
#   <model>.rumble  the motor bytes of the kernel's output reports for a
#                   list of force-feedback effects (ps-oracle-uhid.h, ps_rumble_check)

set -eu -o pipefail
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $prog BUILDDIR [OUTDIR]"
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
outdir=${2:-$srcdir/tests/data/kernel/playstation}
oracle=$build/tests/vm/ps-oracle
[ -x "$oracle" ] || die "build $oracle first"
models="ds4-usb ds4-bt ds5-usb ds5-bt ds5edge-usb"
recs=""
for m in $models; do
	recs+=" $srcdir/tests/data/playstation/$m.hid"
done

stage=$build/vm-ps-expectations
rm -rf "$stage"
mkdir -p "$stage"
start=$(date +%s)
"$srcdir/tests/vm/run-vm.sh" --timeout 600 --scenario-timeout 500 -o "$stage/results" \
	--scenario ps-oracle "mkdir -p \$VM_RESULTS/kernel && $oracle --rumble --outdir \$VM_RESULTS/kernel$recs" ||
	die "the VM run failed; results in $stage/results"
end=$(date +%s)
for m in $models; do
	[ -s "$stage/results/kernel/$m.txt" ] && [ -s "$stage/results/kernel/$m.ids" ] &&
		[ -s "$stage/results/kernel/$m.rumble" ] ||
		die "no answer for $m; results in $stage/results"
done
if grep -q 'SYN_DROPPED' "$stage/results/kernel/"*.txt; then
	die "evdev dropped events; results in $stage/results"
fi
mkdir -p "$outdir"
for m in $models; do
	cp "$stage/results/kernel/$m.txt" "$stage/results/kernel/$m.ids" "$stage/results/kernel/$m.rumble" "$outdir/"
done
sed "s/^/$prog: /" "$stage/results/ps-oracle.log" >&2
echo "$prog: $(echo $models | wc -w) models in $((end - start)) s (one boot); written to $outdir" >&2
