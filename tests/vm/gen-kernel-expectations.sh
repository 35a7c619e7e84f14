#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Regenerates tests/data/kernel/: the real kernel's answers for the corpus.
#
#   gen-kernel-expectations.sh BUILDDIR CORPUSDIR [OUTDIR]
#
# BUILDDIR is a meson build directory with tests/vm/kernel-dump and
# tests/vm/synth-reports built (ninja -C BUILDDIR tests/vm/kernel-dump
# tests/vm/synth-reports), outside /tmp.  CORPUSDIR holds <class>/<name>.hid
# (tests/data/corpus).  OUTDIR defaults to tests/data/kernel of this
# source tree and ends up with, for every corpus file:
#   <class>/<name>.out   kernel-dump's answer (`hidmapd replay` format)
#   <class>/<name>.hid   only for corpus files without recorded reports: the
#                        synthetic reports (synth-reports) the .out answers;
#                        replay this file, not the corpus one
# One VM boot runs the whole corpus.  Files of OUTDIR's class folders that
# the run does not produce again are removed.

set -eu -o pipefail
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: $prog BUILDDIR CORPUSDIR [OUTDIR]"
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
corpus=$(cd "$2" && pwd)
outdir=${3:-$srcdir/tests/data/kernel}
kd=$build/tests/vm/kernel-dump
synth=$build/tests/vm/synth-reports
[ -x "$kd" ] && [ -x "$synth" ] || die "build $kd and $synth first"

# Inside the VM /tmp is a tmpfs: stage next to the build.
stage=$build/vm-kernel-expectations
rm -rf "$stage"
mkdir -p "$stage/inputs"
: > "$stage/list"
nrec=0 nsynth=0
for f in "$corpus"/*/*.hid; do
	cls=$(basename "$(dirname "$f")")
	name=$(basename "$f")
	if grep -q '^E:' "$f"; then
		echo "$f" >> "$stage/list"
		nrec=$((nrec + 1))
	else
		mkdir -p "$stage/inputs/$cls"
		"$synth" "$f" "$stage/inputs/$cls/$name" 2>> "$stage/synth.log" ||
			die "synth-reports failed on $f (see $stage/synth.log)"
		echo "$stage/inputs/$cls/$name" >> "$stage/list"
		nsynth=$((nsynth + 1))
	fi
done
echo "$prog: $nrec recorded, $nsynth with synthetic reports" >&2

start=$(date +%s)
"$srcdir/tests/vm/run-vm.sh" --timeout 1200 --scenario-timeout 1100 -o "$stage/results" \
	--scenario corpus "xargs -d '\\n' -a $(printf %q "$stage/list") $(printf %q "$kd") --outdir \$VM_RESULTS/kernel" ||
	die "the VM run failed; results in $stage/results"
end=$(date +%s)

# Replace the class folders' contents with what this run produced.
got=$(find "$stage/results/kernel" -name '*.out' | wc -l)
want=$(wc -l < "$stage/list")
[ "$got" = "$want" ] || die "$got outputs for $want inputs; results in $stage/results"
# A full evdev buffer makes the answer depend on the buffer's size.
if grep -E 'SYN_DROPPED [1-9]' "$stage/results/corpus.log" >&2; then
	die "evdev dropped events for the files above; results in $stage/results"
fi
mkdir -p "$outdir"
for d in "$outdir"/*/; do
	[ -d "$d" ] && find "$d" -maxdepth 1 \( -name '*.out' -o -name '*.hid' \) -delete
done
cp -r "$stage/results/kernel/." "$outdir/"
cp -r "$stage/inputs/." "$outdir/"
find "$outdir" -type d -empty -delete
grep -vE ': bound,|SYN_DROPPED: the evdev' "$stage/results/corpus.log" | sed "s/^/$prog: /" >&2 || true
echo "$prog: $want files in $((end - start)) s (one boot); written to $outdir" >&2
