#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Turns hid-recorder files into seeds for fuzz-descriptor-decode, in its
# framing (fuzz-descriptor-decode.c): a 2-byte little-endian descriptor
# length (transport bits 0), the descriptor, then each report with a
# 2-byte little-endian length.  A long recording is cut into seeds of
# REPORTS reports each, at most SEEDS per recording.  With NO_DESCRIPTOR=1
# the seeds are the reports alone (fuzz-shuttlexpress).
#
#   tests/fuzz/seed-from-recordings.sh OUTDIR FILE.hid...
#
# The seeds are raw material: minimize them into the checked-in corpus with
#   fuzz-descriptor-decode -merge=1 tests/fuzz/corpus/fuzz-descriptor-decode OUTDIR
set -eu

REPORTS=${REPORTS:-32}
SEEDS=${SEEDS:-4}
NO_DESCRIPTOR=${NO_DESCRIPTOR:-0}

[ $# -ge 2 ] || { echo "usage: $0 OUTDIR FILE.hid..." >&2; exit 2; }
out=$1
shift
mkdir -p "$out"

for f in "$@"; do
	base=$(basename "$f" .hid)
	# awk writes one hex string per seed, one seed per line
	awk -v reports="$REPORTS" -v seeds="$SEEDS" -v nodesc="$NO_DESCRIPTOR" '
	function le16(n) { return sprintf("%02x%02x", n % 256, int(n / 256) % 256) }
	function bytes(first,    s, i) {
		s = ""
		for (i = first; i <= NF; i++)
			s = s $i
		return s
	}
	function flush() {
		if (rdesc != "" && nseeds < seeds && (n > 0 || nseeds == 0)) {
			print (nodesc ? "" : le16(rlen) rdesc) body
			nseeds++
		}
		body = ""; n = 0
	}
	$1 == "R:" { rlen = $2; rdesc = bytes(3) }
	$1 == "E:" {
		body = body le16($3) bytes(4)
		if (++n == reports)
			flush()
	}
	END { flush() }
	' "$f" | {
		i=0
		while read -r hex; do
			printf '%s' "$hex" | xxd -r -p > "$out/$base-$i"
			i=$((i + 1))
		done
	}
done
