#!/bin/bash
# Data test: every corpus recording (every folder of CORPUS_DIR: the real
# devices, the kernel's HID selftest devices in selftests/, hid-tools' test
# descriptors in hid-tools/, hand-made ones in parity/) replayed through
# `hidmapd replay` must print exactly what the real kernel (Debian 12's
# hid-generic + hid-input, captured in the VM by
# tests/vm/gen-kernel-expectations.sh) printed for it:
# tests/data/kernel/<class>/<name>.out.  That answer is hid-generic's (the
# VM boots with hid.ignore_special_drivers=1), so the recordings go through
# the generic module, not a quirk module that claims the device.  Recordings without reports are
# replayed from tests/data/kernel/<class>/<name>.hid, which carries the
# synthetic reports the kernel was given.
#
# Files listed in KNOWN (one "<class>/<name>  reason" per line) are known
# not to match yet; each is a defect with its reason.  A listed file that
# now matches fails the test too, so the list only ever shrinks.
#
#   run-kernel-parity.sh HIDMAPD KERNEL_DIR CORPUS_DIR KNOWN
set -u -o pipefail
hidmapd=$1 kdir=$2 corpus=$3 known=$4

if [ ! -d "$corpus" ]; then
	echo "corpus not found at $corpus (tests/data/corpus is part of the tree)"
	exit 1
fi

declare -A expect_fail
while read -r name reason; do
	case $name in ''|'#'*) continue ;; esac
	expect_fail[$name]=$reason
done < "$known"

match=0 total=0 bad=0
declare -A fmatch=() ftotal=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for rec in "$corpus"/*/*.hid; do
	class=$(basename "$(dirname "$rec")")
	name=$(basename "$rec" .hid)
	key=$class/$name
	expected=$kdir/$key.out
	[ -f "$expected" ] || { echo "MISSING: no kernel answer for $key"; bad=$((bad + 1)); continue; }
	src=$rec
	[ -f "$kdir/$key.hid" ] && src=$kdir/$key.hid
	total=$((total + 1))
	ftotal[$class]=$((${ftotal[$class]:-0} + 1))
	"$hidmapd" replay --module generic "$src" >"$out" 2>/dev/null
	if cmp -s "$out" "$expected"; then
		match=$((match + 1))
		fmatch[$class]=$((${fmatch[$class]:-0} + 1))
		if [ -n "${expect_fail[$key]+x}" ]; then
			echo "FIXED: $key matches the kernel now: remove it from $(basename "$known")"
			bad=$((bad + 1))
		fi
	elif [ -n "${expect_fail[$key]+x}" ]; then
		echo "known: $key (${expect_fail[$key]})"
	else
		echo "FAIL: $key differs from the kernel:"
		diff -u "$expected" "$out" | head -n 40
		bad=$((bad + 1))
	fi
done
for class in $(printf '%s\n' "${!ftotal[@]}" | sort); do
	echo "  $class: ${fmatch[$class]:-0}/${ftotal[$class]}"
done
echo "kernel parity: $match/$total recordings identical to the kernel"
[ "$bad" -eq 0 ]
