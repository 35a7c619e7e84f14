#!/bin/bash
# SPDX-License-Identifier: MIT
# VM scenario: the kernel's PlayStation drivers still give the checked-in
# answers (tests/data/kernel/playstation, made by gen-ps-expectations.sh)
# for tests/data/playstation's recordings: the events and the nodes' ids
# exactly, the rumble check's M: lines (the motor bytes) exactly.  With
# FAMILY MODEL..., another family ps-oracle drives (check-switch-oracle.sh):
# tests/data/FAMILY/MODEL.hid against tests/data/kernel/FAMILY/MODEL.*.
#
#   check-ps-oracle.sh PS_ORACLE SRCDIR OUTDIR [FAMILY MODEL...]
set -u -o pipefail
oracle=$1 src=$2 out=$3
family=${4:-playstation}
if [ $# -gt 4 ]; then
	models="${*:5}"
else
	models="ds4-usb ds4-bt ds5-usb ds5-bt ds5edge-usb"
fi
recs=()
for m in $models; do recs+=("$src/tests/data/$family/$m.hid"); done
mkdir -p "$out" || exit 1
"$oracle" --rumble --outdir "$out" "${recs[@]}" || exit 1
bad=0
# (no process substitution: the VM has no /dev/fd)
for m in $models; do
	k=$src/tests/data/kernel/$family/$m
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
