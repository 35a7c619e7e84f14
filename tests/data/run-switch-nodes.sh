#!/bin/sh
# Data test (issue 23): the nodes `hidmapd replay` declares for the Switch
# recordings of tests/data/switch (their names and capabilities: the D: and
# C: lines) are the ones the kernel's hid-nintendo made of the same
# recordings in the 6.12 VM (tests/data/kernel/switch, written by
# tests/vm/gen-switch-expectations.sh).  Only the nodes: without a pad to
# answer, replay uses the kernel's default calibration, so the event values
# are the VM scenarios' (nsw-*) to compare.  Only models whose product ID
# says the controller type: for the grip's right half and the Genesis pad
# over Bluetooth the device-info reply decides, which a replay has not.
#   run-switch-nodes.sh HIDMAPD SRCDIR MODEL...
set -eu
hidmapd=$1 src=$2
shift 2
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
bad=0
for m in "$@"; do
	grep -E '^(D|C):' "$src/tests/data/kernel/switch/$m.txt" >"$want"
	"$hidmapd" replay "$src/tests/data/switch/$m.hid" 2>/dev/null | grep -E '^(D|C):' >"$got"
	if ! diff -u "$want" "$got"; then
		echo "FAIL: $m: hidmapd's nodes differ from the kernel's (- kernel, + hidmapd)" >&2
		bad=1
	fi
done
exit $bad
