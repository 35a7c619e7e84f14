#!/bin/bash
# check-install.sh SOURCE_ROOT BUILD_ROOT
# `meson install` into a scratch DESTDIR, then check the tree: binary, user
# unit (pointing at the installed binary), udev rules, modules-load.d, default
# config, examples, man pages.  Then configure a second, throw-away build with
# the directory options overridden and check where meson would install.
set -euo pipefail

src=$(realpath "$1") build=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The build's directory options, from meson itself.
option() {
	meson introspect --buildoptions "$build" | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o["name"] == sys.argv[1]:
        print(o["value"])' "$1"
}
# A directory option as an absolute path.
dir_option() { local v; v=$(option "$1"); [[ $v == /* ]] && echo "$v" || echo "$prefix/$v"; }
prefix=$(option prefix)
bindir=$(dir_option bindir)
datadir=$(dir_option datadir)
mandir=$(dir_option mandir)
unitdir=$(option systemduserunitdir)
if [ -z "$unitdir" ]; then
	unitdir=$(pkg-config --variable=systemduserunitdir systemd 2>/dev/null || true)
	[ -n "$unitdir" ] || unitdir=$prefix/lib/systemd/user
fi
rulesdir=$(option udevrulesdir)
if [ -z "$rulesdir" ]; then
	rulesdir=$(pkg-config --variable=udevdir udev 2>/dev/null || true)
	rulesdir=${rulesdir:-$prefix/lib/udev}/rules.d
fi

# --no-rebuild: meson test built everything already, and other tests may be
# running from this build directory.
meson install -C "$build" --no-rebuild --destdir "$dest" --quiet
echo "installed tree:"
(cd "$dest" && find . -type f -o -type l | sort | sed 's|^\.|  |')

exe=$dest$bindir/hidmapd
if [ -x "$exe" ]; then
	"$exe" --version | grep -q '^hidmapd [0-9]' || fail "$exe --version"
else
	fail "no executable $exe"
fi

# An installed binary reads the prefix's layouts, never the source tree's
# (src/util/util-datadir.h): what doctor says it read, with no HIDMAPD_*
# variable set.  Only the build tree's own hidmapd reads devices/layouts.
if [ -x "$exe" ]; then
	line=$(env -u HIDMAPD_LAYOUT_DIR "$exe" doctor 2> /dev/null | grep '^[A-Z]* *layouts: ' || true)
	case $line in
	*"$src"*) fail "the installed binary reads the source tree's layouts: $line" ;;
	*"$datadir/hidmapd/layouts"*) ;;
	*) fail "the installed binary's doctor does not name $datadir/hidmapd/layouts: '$line'" ;;
	esac
	line=$(env -u HIDMAPD_LAYOUT_DIR "$build/hidmapd" doctor 2> /dev/null | grep '^[A-Z]* *layouts: ' || true)
	case $line in
	*"/devices/layouts (the build tree's)"*) ;;
	*) fail "the build tree's hidmapd does not read its source tree's devices/layouts: '$line'" ;;
	esac
fi

unit=$dest$unitdir/hidmapd.service
if [ -f "$unit" ]; then
	exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
	[ "$exec_start" = "$bindir/hidmapd" ] ||
		fail "ExecStart= of the unit is '$exec_start', not the installed $bindir/hidmapd"
	grep -q '@[A-Z_]*@' "$unit" && fail "unsubstituted @VARIABLES@ in $unit"
	# every man page the unit points at is installed
	for doc in $(sed -n 's/^Documentation=//p' "$unit"); do
		case $doc in
		man:*)
			page=${doc#man:} name=${page%(*} section=${page#*(} section=${section%)}
			if [ "$(option man)" != disabled ] && command -v go-md2man >/dev/null; then
				[ -f "$dest$mandir/man$section/$name.$section" ] ||
					fail "the unit's Documentation=$doc is not installed ($mandir/man$section/$name.$section)"
			fi
			;;
		esac
	done
else
	fail "no user unit $unit"
fi

rules=$dest$rulesdir/70-hidmapd.rules
if [ -s "$rules" ]; then
	grep -q 'uinput' "$rules" || fail "$rules does not mention uinput"
else
	fail "no udev rules $rules"
fi

modules=$dest$prefix/lib/modules-load.d/hidmapd.conf
if [ -f "$modules" ]; then
	grep -qx 'uinput' "$modules" || fail "$modules does not load uinput"
else
	fail "no $modules"
fi

# the shipped layouts: installed, valid, and in the udev rules
layouts=$dest$datadir/hidmapd/layouts
if [ -s "$layouts/elgato-streamdeck.ini" ]; then
	[ -x "$exe" ] && { "$exe" check "$layouts" >/dev/null || fail "the installed $layouts are not valid"; }
	grep -q ':0FD9:0060\.' "$rules" || fail "$rules lacks the Stream Deck layout's id"
else
	fail "no shipped layouts in $layouts"
fi

config=$dest$datadir/hidmapd/config.d/hidmapd.ini
if [ -f "$config" ]; then
	[ -x "$exe" ] && { "$exe" check "$config" >/dev/null || fail "the installed $config is not valid"; }
else
	fail "no default config $config"
fi
dropin=$dest$datadir/hidmapd/no-userns.conf
if [ -f "$dropin" ]; then
	grep -qx 'PrivateUsers=no' "$dropin" || fail "$dropin does not turn PrivateUsers= off"
	grep -q "cp $datadir/hidmapd/no-userns.conf " "$dropin" ||
		fail "$dropin does not give its own installed path"
	# it undoes every namespace option the unit sets, and nothing else
	for opt in $(sed -n 's/^\(PrivateUsers\|Protect[A-Za-z]*\|Private[A-Za-z]*\|CapabilityBoundingSet\)=.*/\1/p' "$unit"); do
		grep -q "^$opt=" "$dropin" || fail "$dropin leaves $opt= of the unit in place"
	done
else
	fail "no drop-in $dropin"
fi
# every example in the source tree is installed
for ex in "$src"/config/examples/*.ini; do
	[ -f "$dest$datadir/doc/hidmapd/examples/${ex##*/}" ] ||
		fail "example ${ex##*/} is not installed in $datadir/doc/hidmapd/examples"
done

if [ "$(option man)" != disabled ] && command -v go-md2man >/dev/null; then
	for page in man1/hidmapd.1 man5/hidmapd.ini.5; do
		f=$dest$mandir/$page
		if [ -s "$f" ]; then
			grep -q '^\.TH [A-Z.]* [15] ' "$f" || fail "$f has no proper .TH line"
		else
			fail "no man page $f"
		fi
	done
else
	echo "man pages not checked: go-md2man not found or -Dman=disabled"
fi

# The directory options override pkg-config: configure only (no build), and
# ask meson where it would install.
meson setup "$tmp/build2" "$src" --prefix=/usr -Dtests=disabled -Dman=disabled \
	-Dsystemduserunitdir=/opt/units -Dudevrulesdir=/opt/rules >"$tmp/setup.log" 2>&1 ||
	{ cat "$tmp/setup.log"; fail "meson setup with the directory options"; }
installed=$(meson introspect --installed "$tmp/build2" 2>/dev/null || true)
for want in /opt/units/hidmapd.service /opt/rules/70-hidmapd.rules /usr/bin/hidmapd \
	/usr/lib/modules-load.d/hidmapd.conf; do
	grep -q "\"$want\"" <<<"$installed" || fail "with the options overridden, nothing goes to $want"
done
grep -q '^ExecStart=/usr/bin/hidmapd ' "$tmp/build2/systemd/hidmapd.service" ||
	fail "with --prefix=/usr, ExecStart= is not /usr/bin/hidmapd"

if [ $failures -ne 0 ]; then
	echo "$failures problem(s)"
	exit 1
fi
echo "OK"
