#!/bin/bash
# SPDX-License-Identifier: MIT
#
# VM scenario: kernel-dump reproduces the checked-in kernel answers.
#
#   check-kernel-dump.sh KERNEL_DUMP EXPECTED_DIR CLASS/NAME...
#
# Feeds EXPECTED_DIR/CLASS/NAME.hid (the synthetic inputs kept beside the
# answers) through the running kernel and diffs the result with
# EXPECTED_DIR/CLASS/NAME.out.  A difference means the kernel, kernel-dump
# or hidmapd's printing changed: regenerate with gen-kernel-expectations.sh
# only once the change is understood.

set -u
[ -n "${VM_RESULTS:-}" ] || { echo "run inside tests/vm/run-vm.sh"; exit 77; }
[ $# -ge 3 ] || { echo "usage: $0 KERNEL_DUMP EXPECTED_DIR CLASS/NAME..."; exit 2; }
kd=$1 expected=$2
shift 2
out=$VM_RESULTS/check-kernel-dump
rm -rf "$out"
inputs=()
for n in "$@"; do inputs+=("$expected/$n.hid"); done
"$kd" --outdir "$out" "${inputs[@]}" || exit 1

status=0
for n in "$@"; do
	if diff -u "$expected/$n.out" "$out/$n.out" > "$out/$n.diff"; then
		echo "ok: $n"
	else
		echo "DIFFERS: $n"
		head -n 40 "$out/$n.diff"
		status=1
	fi
done
exit $status
