#!/bin/bash
# SPDX-License-Identifier: MIT
#
# VM scenario: kernel-dump reproduces the checked-in kernel answers.
#
#   check-kernel-dump.sh [--hid-dir DIR] KERNEL_DUMP EXPECTED_DIR CLASS/NAME...
#
# Feeds EXPECTED_DIR/CLASS/NAME.hid (the synthetic inputs kept beside the
# answers; with --hid-dir, DIR/CLASS/NAME.hid) through the running kernel
# and diffs the result with EXPECTED_DIR/CLASS/NAME.out.  A difference means the kernel, kernel-dump
# or hidmapd's printing changed: regenerate with gen-kernel-expectations.sh
# only once the change is understood.

set -u
[ -n "${VM_RESULTS:-}" ] || { echo "run inside tests/vm/run-vm.sh"; exit 77; }
hid_dir=
if [ "${1:-}" = --hid-dir ]; then
	hid_dir=$2
	shift 2
fi
[ $# -ge 3 ] || { echo "usage: $0 [--hid-dir DIR] KERNEL_DUMP EXPECTED_DIR CLASS/NAME..."; exit 2; }
kd=$1 expected=$2
shift 2
hid_dir=${hid_dir:-$expected}
out=$VM_RESULTS/check-kernel-dump
rm -rf "$out"
inputs=()
for n in "$@"; do inputs+=("$hid_dir/$n.hid"); done
"$kd" --outdir "$out" "${inputs[@]}" || exit 1

status=0
for n in "$@"; do
	# kernel-dump names its answer after the input's folder and name
	got=$out/$(basename "$(dirname "$hid_dir/$n.hid")")/$(basename "$n").out
	if diff -u "$expected/$n.out" "$got" > "$out/$(basename "$n").diff"; then
		echo "ok: $n"
	else
		echo "DIFFERS: $n"
		head -n 40 "$out/$(basename "$n").diff"
		status=1
	fi
done
exit $status
