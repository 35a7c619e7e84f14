#!/bin/sh
# Data test: a device's name is the device's to choose (a USB product string
# can hold any character), and hidmapd prints it: `describe` and `replay`
# must not pass its control characters to the terminal.  A corpus keyboard
# recording with its N: line replaced by a name holding ESC [ 2 J (erase the
# display), an OSC title sequence ended by BEL, the C1 control CSI
# (U+009B, C2 9B in UTF-8), a byte that is not UTF-8 (FF) and a valid
# non-ASCII letter (e-acute, C3 A9).  Expected: the name with each control
# byte and each invalid byte written as \xNN (src/util-strings.h), the
# letter kept; no output line holds a control byte other than the newline
# or anything that is not UTF-8.
#   run-names.sh HIDMAPD CORPUS_DIR
set -u
hidmapd=$1 corpus=$2
src=$corpus/synthetic/hidtools-plainkeyboard.hid
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

name=$(printf 'Evil\033[2J\033]0;owned\007Pad \302\233 \377 Caf\303\251')
escaped='Evil\x1b[2J\x1b]0;owned\x07Pad \xc2\x9b \xff Caf'$(printf '\303\251')
[ -r "$src" ] || { echo "FAIL: no $src"; exit 1; }
{
	grep -v '^N:' "$src" | sed -n '/^[#]/p'
	printf 'N: %s\n' "$name"
	grep -v -e '^N:' -e '^#' "$src"
} > "$tmp/evil.hid"
LC_ALL=C grep -qxF "N: $name" "$tmp/evil.hid" || { echo "FAIL: cannot make the recording"; exit 1; }

# control bytes other than the newline, in file $1: their count
controls() { tr -d '\n' < "$1" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c; }

for cmd in describe replay; do
	out=$tmp/$cmd.out
	if ! "$hidmapd" $cmd "$tmp/evil.hid" > "$out" 2> "$tmp/$cmd.err"; then
		fail "hidmapd $cmd exited non-zero: $(cat "$tmp/$cmd.err")"
		continue
	fi
	n=$(controls "$out")
	[ "$n" -eq 0 ] || fail "hidmapd $cmd printed $n control byte(s) raw, in: $(LC_ALL=C grep -a -n "$(printf '[\001-\010\013-\037\177]')" "$out" | head -n 3 | cat -v)"
	LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$out" && fail "hidmapd $cmd printed a C1 control raw"
	iconv -f UTF-8 -t UTF-8 "$out" > /dev/null 2>&1 || fail "hidmapd $cmd printed bytes that are not UTF-8"
	# the kernel names a keyboard's input device after the HID name
	grep -qxF "D: 0 $escaped" "$out" || fail "hidmapd $cmd: no line 'D: 0 $escaped'"
	if [ $cmd = describe ]; then
		grep -qxF "Device: $escaped" "$out" || fail "hidmapd describe: no line 'Device: $escaped'"
	fi
	[ $fails -ne 0 ] || echo "ok: hidmapd $cmd: the name printed as '$escaped'"
done
echo "$fails failed"
[ "$fails" -eq 0 ]
