#!/bin/sh
# Data test: `match-type` selects devices by what their descriptors
# declare.  The shipped example config/examples/gamepad-desktop.ini matches
# "gamepad joystick"; every corpus recording listed below is replayed with
# it, and the example applies (a "(hidmapd pointer)" output appears) exactly
# for the devices whose top-level application collection is a Gamepad or a
# Joystick (HID Usage Tables, Generic Desktop 0x05 and 0x04), listed here
# by hand from each descriptor's collections (`hidmapd describe FILE`).
#   run-match-type.sh HIDMAPD CONFIG CORPUS_DIR
set -eu
hidmapd=$1 config=$2 corpus=$3
if [ ! -d "$corpus" ]; then
	echo "no corpus at $corpus (tests/data/corpus is part of the tree)"
	exit 1
fi
status=0
while read -r file expect; do
	case "$file" in '' | '#'*) continue ;; esac
	if ! out=$("$hidmapd" replay --config "$config" "$corpus/$file" 2>&1); then
		echo "FAIL: $file: replay failed: $out" >&2
		status=1
		continue
	fi
	if printf '%s\n' "$out" | grep -q '^D: [0-9]* .*(hidmapd pointer)$'; then
		got=yes
	else
		got=no
	fi
	if [ "$got" != "$expect" ]; then
		echo "FAIL: $file: example applied: $got, expected $expect" >&2
		status=1
	else
		echo "ok: $file: $got"
	fi
done <<'LIST'
# gamepads (Generic Desktop Gamepad)
gamepad/hidtools-ps4controllerusb.hid yes
gamepad/hidtools-ps4controllerbluetooth.hid yes
gamepad/samblenny-powera-if0.hid yes
gamepad/samblenny-zero2-if0.hid yes
gamepad/samblenny-sn30pro-bt-dinput-if0.hid yes
# joysticks (Generic Desktop Joystick)
gamepad/samblenny-ultimate-bt-if0.hid yes
gamepad/sony-054c-1000.hid yes
# in the gamepad folder, but its descriptor declares Keyboard and Consumer Control
gamepad/ion-15e4-0132.hid no
# keyboards, mice, 3D mice: not gamepads
keyboard/apple-05ac-0256.hid no
keyboard/hidtools-itekeyboard.hid no
mouse/hidtools-midonglemiwirelessmouse.hid no
mouse/contour-rollermouse-red-0b33-1004.hid no
multiaxis/spacenavigator-046d-c626-2016.hid no
LIST
exit $status
