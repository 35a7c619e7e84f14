#!/bin/sh
# Data test: the build tree's hidmapd, with no HIDMAPD_* variable in its
# environment, finds the source tree's shipped layouts by itself
# (src/util/util-datadir.h) and drives the device as the layout says.
#   run-build-tree.sh HIDMAPD RECORDING EXPECTED [LAYOUT_INI]
# EXPECTED is the layout's independent expectation (layouts/gen-recordings.py,
# from the documented report layout).  With LAYOUT_INI, every key code the
# replay declares must also be one the layout file declares (after "->"),
# and with the layouts' folder missing the same replay must warn once,
# naming the folder, and declare none of them.
set -eu
hidmapd=$1 recording=$2 expected=$3
layout=${4:-}
for v in $(env | sed -n 's/^\(HIDMAPD_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$hidmapd" replay "$recording" >"$tmp/out" 2>"$tmp/err"
if grep -q 'shipped layouts' "$tmp/err"; then
	echo "FAIL: $recording: the build tree's hidmapd does not find its layouts:" >&2
	cat "$tmp/err" >&2
	exit 1
fi
if ! diff -u "$expected" "$tmp/out"; then
	echo "FAIL: $recording: output differs from $expected" >&2
	exit 1
fi
[ -n "$layout" ] || exit 0

# the codes of the layout file's mappings
sed -n 's/^[^#]*->//p' "$layout" | tr ' \t' '\n\n' | grep -E '^(KEY|BTN)_' | sort -u >"$tmp/declared"
sed -n 's/^C: [0-9]* EV_KEY \([A-Z0-9_]*\)$/\1/p' "$tmp/out" | sort -u >"$tmp/seen"
[ -s "$tmp/seen" ] || { echo "FAIL: $recording: no key declared" >&2; exit 1; }
if [ -n "$(comm -23 "$tmp/seen" "$tmp/declared")" ]; then
	echo "FAIL: $recording: codes not in $layout:" >&2
	comm -23 "$tmp/seen" "$tmp/declared" >&2
	exit 1
fi
echo "$(wc -l <"$tmp/seen") key codes, all declared by $layout"

# the negative control: no layouts, one warning naming the folder
HIDMAPD_LAYOUT_DIR=$tmp/no-such-folder "$hidmapd" replay "$recording" >"$tmp/out" 2>"$tmp/err" || true
n=$(grep -c "$tmp/no-such-folder: cannot read the shipped layouts" "$tmp/err" || true)
if [ "$n" != 1 ]; then
	echo "FAIL: without layouts, $n warnings naming $tmp/no-such-folder (want 1):" >&2
	cat "$tmp/err" >&2
	exit 1
fi
if grep -qxFf "$tmp/seen" "$tmp/out" || grep -q 'EV_KEY KEY_MACRO' "$tmp/out"; then
	echo "FAIL: without layouts, the layout's codes still appear" >&2
	exit 1
fi
echo "without layouts: one warning naming the folder, none of the layout's codes"
