#!/bin/bash
# check-security.sh UNIT BASELINE BINARY DROPIN
# Fails when `systemd-analyze security` rates the built user unit UNIT as more
# exposed than the first number in BASELINE, or UNIT with the drop-in DROPIN
# (no-userns.conf, for systems without unprivileged user namespaces) as more
# exposed than the second, or when `systemd-analyze verify` has anything to
# say about either.  Skipped (77) without systemd-analyze.
set -euo pipefail

unit=$1 baseline_file=$2
binary=$(realpath "$3")
dropin=$4

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

mapfile -t baselines < <(grep -v '^#' "$baseline_file" | grep -E '^[0-9]+\.[0-9]$' || true)
if [ "${#baselines[@]}" -ne 2 ]; then
	echo "FAIL: $baseline_file needs two lines like 1.6: the unit, the unit with the drop-in"
	exit 1
fi

# verify: the unit as installed would point at an installed binary that is
# not there yet, so check a copy that starts the built one.
mkdir -p "$tmp/unit" "$tmp/dropin/hidmapd.service.d"
sed "s|^ExecStart=[^ ]*/hidmapd |ExecStart=$binary |" "$unit" >"$tmp/unit/hidmapd.service"
grep -q "^ExecStart=$binary " "$tmp/unit/hidmapd.service" || {
	echo "FAIL: no ExecStart=.../hidmapd line to point at $binary"
	exit 1
}
cp "$tmp/unit/hidmapd.service" "$tmp/dropin/"
cp "$dropin" "$tmp/dropin/hidmapd.service.d/"

status=0
# check WHAT DIR BASELINE: the exposure of DIR/hidmapd.service (with the
# drop-ins next to it) against BASELINE, and verify silent
check() {
	local what=$1 dir=$2 base=$3 out score rc=0

	if ! out=$(systemd-analyze security --user --offline=yes "$dir/hidmapd.service" 2>&1); then
		printf '%s\n' "$out"
		echo "FAIL: $what: systemd-analyze security failed"
		status=1
		return
	fi
	score=$(printf '%s\n' "$out" |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p')
	if [ -z "$score" ]; then
		printf '%s\n' "$out"
		echo "FAIL: $what: no overall exposure level in the output above"
		status=1
		return
	fi
	printf '%s\n' "$out" | grep -v '✓' # what is left, for the log
	echo "$what: exposure $score, baseline $base"
	if [ "$(tenths "$score")" -gt "$(tenths "$base")" ]; then
		echo "FAIL: $what is more exposed ($score) than the baseline ($base) in $baseline_file"
		status=1
	elif [ "$(tenths "$score")" -lt "$(tenths "$base")" ]; then
		echo "note: $what is better than the baseline; lower it to $score in $baseline_file"
	fi
	# any message (an unknown or misspelt setting is only a warning) fails
	out=$(systemd-analyze verify --user --man=no "$dir/hidmapd.service" 2>&1) || rc=$?
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		printf '%s\n' "$out"
		echo "FAIL: $what: systemd-analyze verify (exit status $rc)"
		status=1
	else
		echo "$what: verify OK"
	fi
}

check "hidmapd.service" "$tmp/unit" "${baselines[0]}"
check "hidmapd.service with no-userns.conf" "$tmp/dropin" "${baselines[1]}"
exit $status
