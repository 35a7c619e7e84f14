#!/bin/bash
# check-security.sh UNIT BASELINE BINARY
# Fails when `systemd-analyze security` rates the built user unit UNIT as more
# exposed than the number in BASELINE, or when `systemd-analyze verify` has
# anything to say about it.  Skipped (77) without systemd-analyze.
set -euo pipefail

unit=$1 baseline_file=$2
binary=$(realpath "$3")

if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze not found (Debian package systemd)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --user needs a runtime directory to build the user manager's search paths;
# give it an empty one of our own so the host's user units play no part.
export XDG_RUNTIME_DIR=$tmp/runtime XDG_CONFIG_HOME=$tmp/config
mkdir -m 0700 "$XDG_RUNTIME_DIR"

# tenths, so the shell can compare: "1.6" -> 16
tenths() { local i=${1%.*} f=${1#*.}; echo $((10#$i * 10 + 10#${f:0:1})); }

baseline=$(grep -v '^#' "$baseline_file" | grep -E '^[0-9]+\.[0-9]$' | head -n 1 || true)
if [ -z "$baseline" ]; then
	echo "FAIL: no baseline (a line like 1.6) in $baseline_file"
	exit 1
fi

if ! out=$(systemd-analyze security --user --offline=yes "$unit" 2>&1); then
	printf '%s\n' "$out"
	echo "FAIL: systemd-analyze security failed"
	exit 1
fi
score=$(printf '%s\n' "$out" |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p')
if [ -z "$score" ]; then
	printf '%s\n' "$out"
	echo "FAIL: no overall exposure level in the output above"
	exit 1
fi
printf '%s\n' "$out" | grep -v '✓' # what is left, for the log
echo "exposure $score, baseline $baseline"
if [ "$(tenths "$score")" -gt "$(tenths "$baseline")" ]; then
	echo "FAIL: hidmapd.service is more exposed ($score) than the baseline ($baseline) in $baseline_file"
	exit 1
fi
if [ "$(tenths "$score")" -lt "$(tenths "$baseline")" ]; then
	echo "note: better than the baseline; lower it to $score in $baseline_file"
fi

# verify: the unit as installed would point at an installed binary that is
# not there yet, so check a copy that starts the built one.  Any message
# (an unknown or misspelt setting is only a warning) fails the test.
mkdir "$tmp/unit"
sed "s|^ExecStart=[^ ]*/hidmapd |ExecStart=$binary |" "$unit" >"$tmp/unit/hidmapd.service"
grep -q "^ExecStart=$binary " "$tmp/unit/hidmapd.service" || {
	echo "FAIL: no ExecStart=.../hidmapd line to point at $binary"
	exit 1
}
rc=0
out=$(systemd-analyze verify --user --man=no "$tmp/unit/hidmapd.service" 2>&1) || rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	printf '%s\n' "$out"
	echo "FAIL: systemd-analyze verify (exit status $rc)"
	exit 1
fi
echo "verify: OK"
