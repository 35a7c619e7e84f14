#!/bin/bash
# SPDX-License-Identifier: MIT
# Data test: `hidmapd replay --features FILE` with bad feature-reply files
# fails with exit status 1 and one error naming FILE:LINE (no crash, no
# replay), and --features with another command is a usage error (2).
#
#   run-replay-features.sh HIDMAPD RECORDING
set -u -o pipefail
hidmapd=$1 rec=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

# expect STATUS PATTERN ARGS...: the exit status and a line of stderr
expect() {
	local want=$1 pattern=$2 rc
	shift 2
	"$hidmapd" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -qE -- "$pattern" "$tmp/err" || [ -s "$tmp/out" ]; then
		echo "FAIL: hidmapd $* exited $rc (expected $want), stderr:"
		sed 's/^/  /' "$tmp/err"
		[ -s "$tmp/out" ] && echo "  (and printed $(wc -l < "$tmp/out") line(s) on stdout)"
		bad=$((bad + 1))
	else
		echo "ok: hidmapd $*: $(head -n 1 "$tmp/err")"
	fi
}

printf '# calibration\n05 00 01\n05 0g\n' > "$tmp/digit.features"
expect 1 "$tmp/digit.features:3: expected hex bytes" replay --features "$tmp/digit.features" "$rec"
printf '09 11 22\n\n09 33\n' > "$tmp/twice.features"
expect 1 "$tmp/twice.features:3: second reply for report ID 0x09 \(the first is on line 1\)" \
	replay --features "$tmp/twice.features" "$rec"
printf '# nothing\n\n' > "$tmp/empty.features"
expect 1 "$tmp/empty.features: no replies" replay --features "$tmp/empty.features" "$rec"
head -c 20000 /dev/zero | tr '\0' 'a' > "$tmp/long.features"
expect 1 "$tmp/long.features:1: " replay --features "$tmp/long.features" "$rec"
expect 1 "$tmp/missing.features: No such file" replay --features "$tmp/missing.features" "$rec"
expect 2 "--features only applies to replay" describe --features "$tmp/digit.features" "$rec"
[ "$bad" -eq 0 ]
