#!/bin/sh
# The layer rule, checked on the sources: a file may #include "X" only
# where X lives in its own layer or a layer before it.
#   check-layers.sh SOURCE_ROOT LAYER_DIR...   (the layers lowest first,
#   as meson.build lists them; a layer is a folder and its sub-folders)
# Prints every upward include as file:line and fails; an include found in
# no layer (build-config.h, a system header in quotes) is not a layer's.
set -eu
root=$1
shift
[ $# -gt 0 ] || { echo "usage: $0 SOURCE_ROOT LAYER_DIR..." >&2; exit 2; }
cd "$root"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# "header layer-index" for every header of every layer
i=0
for dir in "$@"; do
	[ -d "$dir" ] || { echo "check-layers: no folder $dir" >&2; exit 2; }
	find "$dir" -name '*.h' | while read -r h; do echo "$(basename "$h") $i $dir"; done
	i=$((i + 1))
done >"$tmp"
dups=$(awk '{print $1}' "$tmp" | sort | uniq -d)
if [ -n "$dups" ]; then
	echo "check-layers: header names must be unique across the layers (includes are by name):" $dups >&2
	exit 1
fi
bad=0 nfiles=0 nincludes=0
i=0
for dir in "$@"; do
	for f in $(find "$dir" -name '*.[ch]' | sort); do
		nfiles=$((nfiles + 1))
		out=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1 \2/' |
			while read -r line inc; do
				set -- $(grep "^$(basename "$inc") " "$tmp" || true)
				echo "n"
				if [ $# -eq 3 ] && [ "$2" -gt "$i" ]; then
					echo "$f:$line: includes $inc of $3, a later layer than $dir"
				fi
			done)
		nincludes=$((nincludes + $(printf '%s\n' "$out" | grep -c '^n$' || true)))
		errs=$(printf '%s\n' "$out" | grep -v '^n$' || true)
		if [ -n "$errs" ]; then
			printf '%s\n' "$errs"
			bad=$((bad + $(printf '%s\n' "$errs" | wc -l)))
		fi
	done
	i=$((i + 1))
done
echo "check-layers: $nfiles files, $nincludes includes of hidmapd's own, $bad upward"
[ "$bad" -eq 0 ]
