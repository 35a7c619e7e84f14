#!/bin/sh
# Data test: replay and the daemon's selection policy choose the same module.
# For every config (and none), `hidmapd select` prints the module the
# daemon's policy picks for each recording (the chain of hm_module_select(),
# probed in order, as drive() does); `hidmapd replay --show-module` says on
# stderr which module the replay actually used.  They must agree.
#   run-selection.sh HIDMAPD CONFIG... -- RECORDING...
set -eu
hidmapd=$1
shift
configs=""
while [ "$1" != "--" ]; do
	configs="$configs $1"
	shift
done
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for config in "" $configs; do
	if [ -n "$config" ]; then
		set -- --config "$config" "$@"
	else
		set -- "$@"
	fi
	"$hidmapd" select "$@" >"$tmp/select" 2>"$tmp/select.err" || {
		echo "FAIL: select ${config:-(no config)} failed:" >&2
		cat "$tmp/select.err" >&2
		exit 1
	}
	[ -n "$config" ] && shift 2
	sed 's/^\(.*\): module \([^,]*\),.*$/\1: module \2/' "$tmp/select" >"$tmp/want"
	: >"$tmp/err"
	for rec in "$@"; do
		# a device no module takes: replay fails and names none
		if [ -n "$config" ]; then
			"$hidmapd" replay --show-module --config "$config" "$rec" >/dev/null \
				2>>"$tmp/err" || echo "hidmapd: $rec: module (none)" >>"$tmp/err"
		else
			"$hidmapd" replay --show-module "$rec" >/dev/null 2>>"$tmp/err" ||
				echo "hidmapd: $rec: module (none)" >>"$tmp/err"
		fi
		n=$((n + 1))
	done
	grep '^hidmapd: .*: module ' "$tmp/err" >"$tmp/got" || true
	sed -i 's/^hidmapd: //' "$tmp/got"
	if ! diff -u --label "policy (select, ${config:-no config})" --label "replay" \
		"$tmp/want" "$tmp/got"; then
		echo "FAIL: replay and the selection policy differ under ${config:-no config}" >&2
		fail=1
	fi
done
echo "$n replays agree with the selection policy" >&2
[ "$fail" = 0 ] || exit 1
