#!/bin/sh
# Data test: `hidmapd layout` on every recording of the corpus (vendor pages
# included) writes a starter layout that `hidmapd check` accepts.
#   run-layout-starter.sh HIDMAPD DIR...
set -eu
hidmapd=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
for f in $(find "$@" -name '*.hid' | sort); do
	n=$((n + 1))
	if ! "$hidmapd" layout "$f" >"$tmp/starter.ini" 2>"$tmp/err"; then
		echo "FAIL: hidmapd layout $f:" >&2
		cat "$tmp/err" >&2
		failed=$((failed + 1))
		continue
	fi
	if ! "$hidmapd" check "$tmp/starter.ini" >/dev/null 2>"$tmp/err"; then
		echo "FAIL: the starter layout of $f does not pass check:" >&2
		cat "$tmp/err" >&2
		failed=$((failed + 1))
	fi
done
echo "$n recordings, $failed failed"
[ "$n" -gt 0 ] && [ "$failed" -eq 0 ]
