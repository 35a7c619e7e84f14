#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Regenerates tests/data/kernel/switch/: what the kernel's own hid-nintendo
# makes of the scripted recordings of tests/data/switch (Pro Controller USB
# and Bluetooth, Joy-Con L and R, the charging grip's halves, the NSO
# pads), their USB commands and subcommands
# answered by tests/lib/switch-pad.h's pad (non-default calibration), in
# one VM boot per kernel: today's 6.12 (bookworm-backports,
# backports-kernel.sh) into switch/, Debian 12's 6.1 into switch/6.1/ for
# the record of what changed.
#
#   [NSW_MODELS="m ..."] gen-switch-expectations.sh BUILDDIR [OUTDIR]
#
# BUILDDIR is a meson build directory (outside /tmp) with tests/vm/ps-oracle
# built.  Per model: <model>.txt (nodes and events, `hidmapd replay`
# format), <model>.ids (ids and force-feedback effects per node),
# <model>.rumble (the rumble bytes of the kernel's 0x10 reports for
# ps_rumble_check()'s effects).

set -eu -o pipefail
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $prog BUILDDIR [OUTDIR]"
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
outdir=${2:-$srcdir/tests/data/kernel/switch}
oracle=$build/tests/vm/ps-oracle
[ -x "$oracle" ] || die "build $oracle first"
models612="pro-usb pro-bt jcl-bt jcr-bt snes-bt n64-bt gen-usb gen-bt grip-l-usb grip-r-usb"
# 6.1 has no NSO pads
models61="pro-usb pro-bt jcl-bt jcr-bt grip-l-usb grip-r-usb"
# NSW_MODELS="a b": only those (each kernel that has them), the rest kept
if [ -n "${NSW_MODELS:-}" ]; then
	keep() { local m o=""; for m in $1; do case " $NSW_MODELS " in *" $m "*) o+=" $m" ;; esac; done; echo "$o"; }
	models612=$(keep "$models612")
	models61=$(keep "$models61")
fi
k612=$("$srcdir/tests/vm/backports-kernel.sh") || die "no 6.12 kernel (backports-kernel.sh --install)"

run() { # STAGE DEST MODELS [RUN-VM-ARGS...]
	local stage=$1 dest=$2 models=$3 recs="" m
	shift 3
	for m in $models; do
		recs+=" $srcdir/tests/data/switch/$m.hid"
	done
	rm -rf "$stage"
	mkdir -p "$stage"
	"$srcdir/tests/vm/run-vm.sh" "$@" --timeout 900 --scenario-timeout 800 -o "$stage/results" \
		--scenario switch-oracle "mkdir -p \$VM_RESULTS/kernel && $oracle --rumble --outdir \$VM_RESULTS/kernel$recs" ||
		die "the VM run failed; results in $stage/results"
	for m in $models; do
		[ -s "$stage/results/kernel/$m.txt" ] && [ -s "$stage/results/kernel/$m.ids" ] &&
			[ -s "$stage/results/kernel/$m.rumble" ] ||
			die "no answer for $m; results in $stage/results"
	done
	if grep -q 'SYN_DROPPED' "$stage/results/kernel/"*.txt; then
		die "evdev dropped events; results in $stage/results"
	fi
	mkdir -p "$dest"
	for m in $models; do
		cp "$stage/results/kernel/$m.txt" "$stage/results/kernel/$m.ids" \
			"$stage/results/kernel/$m.rumble" "$dest/"
	done
	sed "s/^/$prog: /" "$stage/results/switch-oracle.log" >&2
}

[ -z "$models612" ] || run "$build/vm-switch-612" "$outdir" "$models612" -k "$k612"
[ -z "$models61" ] || run "$build/vm-switch-61" "$outdir/6.1" "$models61"
echo "$prog: written to $outdir (6.12) and $outdir/6.1" >&2
