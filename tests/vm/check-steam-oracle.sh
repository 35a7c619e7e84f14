#!/bin/bash
# SPDX-License-Identifier: MIT
# VM scenario: the running kernel's hid-steam still gives the checked-in
# answers (tests/data/kernel/steam/KVER, made by gen-steam-expectations.sh)
# for tests/data/steam's recordings: the nodes and events exactly, and the
# commands it sends to the pad exactly, in order (the phase headings of the
# .cmds files depend on timing and are left out).
#
#   check-steam-oracle.sh STEAM_ORACLE SRCDIR OUTDIR KVER MODEL...
set -u -o pipefail
oracle=$1 src=$2 out=$3 kver=$4
shift 4
mkdir -p "$out" || exit 1
bad=0
for m in "$@"; do
	opts=()
	[ "$m" = steam-deck ] && opts=(--hold 1500 --rumble)
	if ! "$oracle" "${opts[@]}" --outdir "$out" "$src/tests/data/steam/$m.hid"; then
		echo "FAIL: $m: the oracle failed"
		bad=$((bad + 1))
		continue
	fi
	k=$src/tests/data/kernel/steam/$kver/$m
	if ! diff -u "$k.txt" "$out/$m.txt"; then
		echo "FAIL: $m: the kernel's ($kver) nodes or events differ from $k.txt"
		bad=$((bad + 1))
	elif ! grep -v '^#' "$k.cmds" > "$out/$m.want" || ! grep -v '^#' "$out/$m.cmds" > "$out/$m.got" ||
		! diff -u "$out/$m.want" "$out/$m.got"; then
		echo "FAIL: $m: the kernel's ($kver) commands differ from $k.cmds"
		bad=$((bad + 1))
	else
		echo "ok: $m: the kernel's ($kver) answer is the checked-in one"
	fi
done
[ "$bad" -eq 0 ]
