#!/bin/bash
# SPDX-License-Identifier: MIT
# VM scenario (6.12 kernel): the kernel's hid-nintendo still gives the
# checked-in answers (tests/data/kernel/switch, made by
# gen-switch-expectations.sh) for tests/data/switch's recordings with
# tests/lib/switch-pad.h's pad: the events and the nodes' ids exactly, the
# rumble check's M: lines (the 0x10 reports' bytes) exactly.
#
#   check-switch-oracle.sh PS_ORACLE SRCDIR OUTDIR
set -u -o pipefail
oracle=$1 src=$2 out=$3
models="pro-usb pro-bt jcl-bt jcr-bt snes-bt n64-bt gen-usb"
recs=()
for m in $models; do recs+=("$src/tests/data/switch/$m.hid"); done
case $(uname -r) in
6.12.*) ;;
*) echo "SKIP: the answers are 6.12's, this is $(uname -r)"; exit 77 ;;
esac
mkdir -p "$out" || exit 1
"$oracle" --rumble --outdir "$out" "${recs[@]}" || exit 1
bad=0
for m in $models; do
	k=$src/tests/data/kernel/switch/$m
	if ! diff -u "$k.txt" "$out/$m.txt" > "$out/$m.diff"; then
		echo "FAIL: $m: the kernel's events differ from $k.txt:"
		head -n 40 "$out/$m.diff"
		bad=$((bad + 1))
	elif ! diff -u "$k.ids" "$out/$m.ids"; then
		echo "FAIL: $m: the kernel's node ids differ from $k.ids"
		bad=$((bad + 1))
	elif grep '^M:' "$k.rumble" > "$out/$m.want" && grep '^M:' "$out/$m.rumble" > "$out/$m.got" &&
		! diff -u "$out/$m.want" "$out/$m.got"; then
		echo "FAIL: $m: the kernel's rumble bytes differ from $k.rumble"
		bad=$((bad + 1))
	else
		echo "ok: $m: the kernel's answer is the checked-in one"
	fi
done
[ "$bad" -eq 0 ]
