#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Kernel parity, measured: every corpus recording goes through the running
# kernel (kernel-dump in the test VM, one boot for all of them) and through
# `hidmapd replay` on the host, and the two are compared exactly.
#
#   parity.sh [options] HIDMAPD KERNEL_DUMP CORPUS_DIR KERNEL_DATA_DIR [FILE.hid...]
#
# Recordings without reports (no E: lines) are replayed from
# KERNEL_DATA_DIR/<class>/<name>.hid, which carries the synthetic reports
# that tests/data/kernel/ was made from (see tests/vm/README.md); with
# --synth, synth-reports makes them for a file that has none there either.
# FILE arguments are checked too, each under the name of its folder as
# class (a FILE without reports is used as it is).
#
# Options:
#   -o, --results DIR   where the answers go (default: ./parity-results);
#                       for each mismatch <DIR>/parity/<class>/<name>.kernel,
#                       .hidmapd and .diff; <DIR>/parity/summary.txt lists
#                       every file with its verdict
#       --synth PATH    synth-reports, for files without any reports
#       --no-corpus     check only the FILE arguments
#   -t, --timeout SEC   limit for the VM run (default 900)
#
# Prints "parity: N/M identical".  Exit status: 0 when the comparison ran,
# whatever it found (full parity is a goal, not yet a gate); 77 when the
# VM cannot run here (run-vm.sh's skip); 1 when the check itself broke:
# the VM run failed, or the kernel's answer for some file is missing.

set -u -o pipefail
prog=${0##*/}
die() { echo "$prog: ERROR: $*" >&2; exit 1; }

results=./parity-results
synth=""
corpus_too=1
timeout_s=900
while [ $# -gt 0 ]; do
	case $1 in
	-o|--results) [ $# -ge 2 ] || die "$1 needs a directory"; results=$2; shift 2 ;;
	--synth) [ $# -ge 2 ] || die "$1 needs a path"; synth=$2; shift 2 ;;
	--no-corpus) corpus_too=0; shift ;;
	-t|--timeout) [ $# -ge 2 ] || die "$1 needs seconds"; timeout_s=$2; shift 2 ;;
	-h|--help) sed -n '4,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 4 ] || die "usage: $prog [options] HIDMAPD KERNEL_DUMP CORPUS_DIR KERNEL_DATA_DIR [FILE.hid...]"
abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
hidmapd=$(abspath "$1") kd=$(abspath "$2") corpus=$3 kdata=$4
shift 4
[ -x "$hidmapd" ] || die "$hidmapd is not executable"
[ -x "$kd" ] || die "$kd is not executable (ninja tests/vm/kernel-dump)"
if [ $corpus_too = 1 ] && [ ! -d "$corpus" ]; then
	die "corpus not found at $corpus (tests/data/corpus is part of the tree)"
fi
srcdir=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$results" || die "cannot create $results"
results=$(cd "$results" && pwd)
out=$results/parity
vmres=$results/vm
rm -rf "$out" "$vmres"
mkdir -p "$out" "$vmres/inputs" || die "cannot create $out"

# --- the inputs: class, name, and the file whose reports are fed ---------
classes=() names=() inputs=()
add() { classes+=("$1"); names+=("$2"); inputs+=("$3"); }
nsynth=0 nnone=0
if [ $corpus_too = 1 ]; then
	corpus=$(cd "$corpus" && pwd)
	kdata=$(cd "$kdata" 2>/dev/null && pwd) || die "no kernel data dir $kdata"
	for f in "$corpus"/*/*.hid; do
		cls=$(basename "$(dirname "$f")")
		name=$(basename "$f" .hid)
		if grep -q '^E:' "$f"; then
			add "$cls" "$name" "$f"
		elif [ -f "$kdata/$cls/$name.hid" ]; then
			add "$cls" "$name" "$kdata/$cls/$name.hid"
			nsynth=$((nsynth + 1))
		elif [ -n "$synth" ]; then
			mkdir -p "$vmres/inputs/$cls"
			"$synth" "$f" "$vmres/inputs/$cls/$name.hid" 2>> "$out/synth.log" ||
				die "synth-reports failed on $f (see $out/synth.log)"
			add "$cls" "$name" "$vmres/inputs/$cls/$name.hid"
			nsynth=$((nsynth + 1))
		else
			# no reports anywhere: still worth comparing the devices
			add "$cls" "$name" "$f"
			nnone=$((nnone + 1))
		fi
	done
fi
for f in "$@"; do
	[ -r "$f" ] || die "cannot read $f"
	f=$(abspath "$f")
	add "$(basename "$(dirname "$f")")" "$(basename "$f" .hid)" "$f"
done
total=${#inputs[@]}
[ "$total" -gt 0 ] || die "nothing to check"
# kernel-dump --outdir writes <dir>/<folder of the input>/<name>.out: the
# folder of an input must be its class, and no two inputs may share one.
declare -A seen=()
for i in "${!inputs[@]}"; do
	key=$(basename "$(dirname "${inputs[$i]}")")/${names[$i]}
	[ -z "${seen[$key]:-}" ] || die "two inputs would both answer as $key: ${seen[$key]} and ${inputs[$i]}"
	seen[$key]=${inputs[$i]}
done
printf '%s\n' "${inputs[@]}" > "$vmres/list"
echo "$prog: $total file(s): $((total - nsynth - nnone)) with recorded reports, $nsynth synthetic, $nnone without reports" >&2

# --- the kernel's answers: one boot ----------------------------------------
start=$(date +%s)
"$srcdir/tests/vm/run-vm.sh" --timeout "$timeout_s" --scenario-timeout "$timeout_s" -o "$vmres" \
	--scenario kernel "xargs -d '\\n' -a \$VM_RESULTS/list $(printf %q "$kd") --outdir \$VM_RESULTS/kernel" \
	> "$out/vm.txt" 2>&1
rc=$?
end=$(date +%s)
if [ $rc = 77 ]; then
	cat "$out/vm.txt"
	exit 77
fi
[ $rc = 0 ] || { tail -n 40 "$out/vm.txt"; die "the VM run failed (exit $rc); see $vmres"; }
echo "$prog: the kernel answered $total file(s) in $((end - start)) s (one boot)" >&2
if grep -E 'SYN_DROPPED [1-9]' "$vmres/kernel.log" >&2; then
	echo "$prog: note: evdev dropped events for the files above: their answers depend on buffer sizes" >&2
fi

# --- compare ---------------------------------------------------------------------
match=0 missing=0
: > "$out/summary.txt"
for i in "${!inputs[@]}"; do
	cls=${classes[$i]} name=${names[$i]} in=${inputs[$i]}
	key=$cls/$name
	kout=$vmres/kernel/$(basename "$(dirname "$in")")/$name.out
	if [ ! -f "$kout" ]; then
		echo "MISSING: no kernel answer for $key ($in)"
		echo "missing $key" >> "$out/summary.txt"
		missing=$((missing + 1))
		continue
	fi
	mine=$(mktemp "$out/.replay.XXXXXX")
	"$hidmapd" replay "$in" > "$mine" 2> "$mine.err"
	rrc=$?
	if [ $rrc -gt 1 ]; then
		echo "CRASH: hidmapd replay $in exited with status $rrc" | tee -a "$out/crashes.txt"
	fi
	if cmp -s "$kout" "$mine"; then
		match=$((match + 1))
		echo "identical $key" >> "$out/summary.txt"
		rm -f "$mine" "$mine.err"
		continue
	fi
	mkdir -p "$out/$cls"
	cp "$kout" "$out/$key.kernel"
	mv "$mine" "$out/$key.hidmapd"
	if [ -s "$mine.err" ]; then mv "$mine.err" "$out/$key.hidmapd.stderr"; else rm -f "$mine.err"; fi
	diff -u --label "kernel/$key" --label "hidmapd/$key" "$out/$key.kernel" "$out/$key.hidmapd" > "$out/$key.diff"
	# the first difference, to group the mismatches by cause
	first=$(grep -m1 -E '^[-+][^-+]' "$out/$key.diff" | cut -c1-100)
	echo "differs $key  $first" >> "$out/summary.txt"
	echo "differs: $key  first: $first"
done
echo "parity: $match/$total identical (mismatches: $out, summary: $out/summary.txt)"
[ "$missing" = 0 ] || die "$missing file(s) without a kernel answer"
exit 0
