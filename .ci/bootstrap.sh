#!/bin/bash
# One entry point for people and CI:
#   .ci/bootstrap.sh run    install what is missing, build, run hidmapd in the
#                           foreground on the shipped default config
#   .ci/bootstrap.sh test   install what is missing, build, run every test suite
# Debian 12 (bookworm). Package installs need root: run as root or with sudo available.
set -euo pipefail

mode=${1:-}
case "$mode" in
run|test) ;;
*) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

pkgs="gcc clang-format valgrind pkg-config meson ninja-build libevdev-dev libhidapi-dev libinih-dev libxkbcommon-dev xkb-data libudev-dev libsystemd-dev libcmocka-dev zlib1g-dev systemd udev go-md2man libxcb1-dev libjson-c-dev"
if [ "$mode" = test ]; then
	# the vm suite boots Debian's own kernel (it has uinput and uhid) under QEMU
	pkgs="$pkgs qemu-system-x86 linux-image-amd64 busybox-static"
	# the package suite: dpkg-buildpackage, debhelper, lintian (tests/package)
	pkgs="$pkgs dpkg-dev debhelper lintian fakeroot"
	# the focus suite: a real X server and window manager, a real sway
	pkgs="$pkgs xvfb openbox xdotool x11-utils sway foot dbus-daemon gjs nodejs"
	# issue 22's oracle: Debian's spacenavd, and libspnav for its client
	pkgs="$pkgs spacenavd libspnav-dev"
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "Installing:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

if [ "$mode" = test ] && [ "$(id -u)" -eq 0 ]; then
	# the second kernel of the VM bed (bookworm-backports' 6.12), for the
	# oracles that need today's drivers; 6.1 stays the default
	"$top/tests/vm/backports-kernel.sh" --install > /dev/null ||
		echo "note: no 6.12 kernel: the tests that need it skip"
fi

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dwerror=true
fi
meson compile -C "$build"

if [ "$mode" = run ]; then
	exec "$build/hidmapd" run --config "$top/config/hidmapd.ini"
fi
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The count on meson's summary line "<what>: N", 0 if absent.
count() { local v; v=$(sed -n "s/^$1: *\([0-9][0-9]*\) *\$/\1/p" "$log" | tail -n 1); echo "${v:-0}"; }
# Runs one meson test command, adding up the counts of its summary.
run_tests() {
	local rc=0
	"$@" 2>&1 | tee "$log" || rc=1
	passed=$((passed + $(count Ok) + $(count 'Expected Fail')))
	failed=$((failed + $(count Fail) + $(count 'Unexpected Pass') + $(count Timeout)))
	skipped=$((skipped + $(count Skipped)))
	return $rc
}

status=0
# The package suite first, once (a second full build, from the release
# tarball, and a third, the parent commit's package without its tests): the
# vm suite installs the packages it leaves in the build directory.
run_tests meson test -C "$build" --print-errorlogs --suite package || status=1
run_tests meson test -C "$build" --print-errorlogs --num-processes 2 --no-suite package || status=1

# The same unit and data tests under AddressSanitizer/UBSan, and the unit
# tests under valgrind.
asan=${build}-asan
if [ ! -f "$asan/build.ninja" ]; then
	meson setup "$asan" "$top" -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true
fi
meson compile -C "$asan"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_tests meson test -C "$asan" --print-errorlogs --num-processes 2 --suite unit --suite data --suite fuzz || status=1
run_tests meson test -C "$build" --print-errorlogs --num-processes 2 --suite unit --setup valgrind || status=1

# Every suite once more from a fresh clone of this checkout in a new
# directory under /tmp (nothing beside it, none of the shared folder), built in a new
# directory under /var/tmp: the tests read nothing outside the tree and do
# not depend on where the checkout and the build directory are.  The clone
# has what is committed (HEAD), not the work tree's changes.
# HIDMAPD_CI_ELSEWHERE=0 leaves it out (counted as one skipped test).
elsewhere() {
	local dir vbuild rc=0
	if [ "${HIDMAPD_CI_ELSEWHERE:-1}" = 0 ]; then
		echo "HIDMAPD_CI_ELSEWHERE=0: no run from a clone elsewhere (1 skipped)"
		skipped=$((skipped + 1))
		return 0
	fi
	if ! git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
		echo "$top is not a git checkout: no run from a clone elsewhere (1 skipped)"
		skipped=$((skipped + 1))
		return 0
	fi
	dir=$(mktemp -d /tmp/hidmapd-ci.XXXXXX) && vbuild=$(mktemp -d /var/tmp/hidmapd-ci-build.XXXXXX) ||
		{ failed=$((failed + 1)); return 1; }
	echo
	echo "== the suites from a clone in $dir/hidmapd, built in $vbuild =="
	if ! git clone -q "$top" "$dir/hidmapd" || [ -e "$dir/shared" ] ||
		! meson setup "$vbuild" "$dir/hidmapd" -Dwerror=true > "$dir/setup.log" 2>&1 ||
		! meson compile -C "$vbuild" > "$dir/compile.log" 2>&1; then
		cat "$dir/setup.log" "$dir/compile.log" 2>/dev/null | tail -n 40
		echo "FAIL: cannot clone and build in $dir, $vbuild (kept)"
		failed=$((failed + 1))
		return 1
	fi
	echo "clone at $(git -C "$dir/hidmapd" log -1 --format='%h %s')"
	# vm-once: what does not depend on where the tree is (the kernel's
	# answers against the stored ones, the corpus parity measurement), run
	# once above
	run_tests meson test -C "$vbuild" --print-errorlogs --num-processes 2 --no-suite package \
		--no-suite vm-once || rc=1
	if [ $rc = 0 ]; then
		rm -rf "$dir" "$vbuild"
	else
		echo "the clone and its build are kept: $dir, $vbuild"
	fi
	return $rc
}
elsewhere || status=1

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
