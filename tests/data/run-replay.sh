#!/bin/sh
# Data test: replays a recording through `hidmapd replay` and diffs the
# output against an expectation written independently of the program
# (by hand from a documented layout, or the real kernel's answer).
#   run-replay.sh HIDMAPD RECORDING EXPECTED [CONFIG]
set -eu
hidmapd=$1 recording=$2 expected=$3
config=${4:-}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ -n "$config" ]; then
	"$hidmapd" replay --config "$config" "$recording" >"$out"
else
	"$hidmapd" replay "$recording" >"$out"
fi
if ! diff -u "$expected" "$out"; then
	echo "FAIL: $recording: output differs from $expected" >&2
	exit 1
fi
