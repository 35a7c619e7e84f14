#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Regenerates tests/data/kernel/steam/: what the kernel's own hid-steam makes
# of tests/data/steam's scripted recordings, with its serial request
# answered from the recordings' .features files: Debian 12's 6.1 for the
# Steam Controller (wired, a receiver slot), bookworm-backports' 6.12 for
# both and the Steam Deck (6.1 has no Deck).  Two boots.
#
#   gen-steam-expectations.sh BUILDDIR [OUTDIR]
#
# BUILDDIR is a meson build directory (outside /tmp) with tests/vm/steam-oracle
# built.  OUTDIR defaults to tests/data/kernel/steam of this tree and gets,
# under 6.1/ and 6.12/, for each model:
#   <model>.txt    the kernel's evdev nodes and events (`hidmapd replay` format)
#   <model>.cmds   the commands (feature reports) it sent, by phase
# The Deck's report 0 is held 1.5 s (--hold): 6.12 reports nothing until
# Options has been held 0.45 s.

set -eu -o pipefail
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $prog BUILDDIR [OUTDIR]"
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
outdir=${2:-$srcdir/tests/data/kernel/steam}
oracle=$build/tests/vm/steam-oracle
[ -x "$oracle" ] || die "build $oracle first"
d=$srcdir/tests/data/steam
k612=$("$srcdir/tests/vm/backports-kernel.sh") || die "no 6.12 kernel (backports-kernel.sh --install)"

run() { # KVER-DIR KERNEL-ARGS... -- MODELS...
	local kdir=$1 stage=$build/vm-steam-expectations-$1
	shift
	local kargs=() models=()
	while [ "$1" != -- ]; do kargs+=("$1"); shift; done
	shift
	models=("$@")
	local cmd="mkdir -p \$VM_RESULTS/k"
	for m in "${models[@]}"; do
		case $m in
		steam-deck) cmd+=" && $oracle --hold 1500 --rumble --outdir \$VM_RESULTS/k $d/$m.hid" ;;
		*) cmd+=" && $oracle --outdir \$VM_RESULTS/k $d/$m.hid" ;;
		esac
	done
	rm -rf "$stage"
	"$srcdir/tests/vm/run-vm.sh" "${kargs[@]}" --timeout 600 --scenario-timeout 300 \
		-o "$stage" --scenario steam-oracle "$cmd" || die "the VM run failed; results in $stage"
	mkdir -p "$outdir/$kdir"
	for m in "${models[@]}"; do
		[ -s "$stage/k/$m.txt" ] && [ -s "$stage/k/$m.cmds" ] || die "no answer for $m; results in $stage"
		! grep -q SYN_DROPPED "$stage/k/$m.txt" || die "evdev dropped events; results in $stage"
		cp "$stage/k/$m.txt" "$stage/k/$m.cmds" "$outdir/$kdir/"
	done
	sed "s/^/$prog: $kdir: /" "$stage/steam-oracle.log" >&2
}

run 6.1 -- steam-wired steam-wireless
run 6.12 -k "$k612" -- steam-wired steam-wireless steam-deck
echo "$prog: written to $outdir" >&2
