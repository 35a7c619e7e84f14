#!/bin/sh
# Data test (issue 22): every model of tests/data/3dconnexion/oracle through
# the 3dconnexion module and the spnav server (spnav-replay), with default
# settings and with tuned.ini, against what Debian's spacenavd 1.1 sent a
# client of Debian's libspnav 1.0 for the same reports in the VM
# (MODEL.default.spacenavd, MODEL.tuned.spacenavd, captured by
# tests/vm/check-spnav-oracle.sh; tuned.ini sets what that script's spnavrc
# sets).
#   run-spnav-replay.sh SPNAV_REPLAY DIR
set -u
replay=$1 dir=$2
bad=0 n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for rec in "$dir"/*.hid; do
	m=${rec%.hid}
	for s in default tuned; do
		if [ "$s" = tuned ]; then
			"$replay" "$rec" "$dir/tuned.ini" > "$tmp/got" 2>&1
		else
			"$replay" "$rec" > "$tmp/got" 2>&1
		fi
		n=$((n + 1))
		if ! diff -u "$m.$s.spacenavd" "$tmp/got"; then
			echo "FAIL: $(basename "$m") ($s): hidmapd's spnav events differ from spacenavd's"
			bad=$((bad + 1))
		fi
	done
done
echo "$((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
