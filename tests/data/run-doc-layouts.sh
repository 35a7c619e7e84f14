#!/bin/sh
# Data test: every layout example of hidmapd.ini(5) (a fenced block after a
# "<!-- layout-example: NAME -->" line, or "config-example") passes `hidmapd check`.
#   run-doc-layouts.sh HIDMAPD MANPAGE.md
set -eu
hidmapd=$1 doc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
	/^<!-- (layout|config)-example: / { name = $3; want = 1; next }
	want && /^```/ { want = 0; inside = 1; file = dir "/" name ".ini"; next }
	inside && /^```/ { inside = 0; close(file); next }
	inside { print > file }
' "$doc"
n=0
for f in "$tmp"/*.ini; do
	[ -e "$f" ] || break
	n=$((n + 1))
	"$hidmapd" check "$f"
done
echo "$n examples"
[ "$n" -ge 2 ]
