#!/bin/bash
# check-package.sh SOURCE_ROOT BUILD_ROOT
# The release tarball and the Debian package, from the committed tree:
#  1. `meson dist` makes the tarball (HEAD, as a release would; it carries
#     the version in .tarball-version);
#  2. the tarball alone, unpacked in a scratch directory, builds the Debian
#     package with `dpkg-buildpackage -us -uc -b`: meson configures and
#     builds it and runs its unit and data suites (debian/rules), so the
#     tarball is proven to build and pass them without the checkout;
#  3. lintian finds no error and no warning;
#  4. the package holds what it must, where it must, and its binary prints
#     the tarball's version.
# Nothing is written to the source tree: the tarball goes to BUILD_ROOT's
# meson-dist/, everything else to a scratch directory; the package is kept
# as BUILD_ROOT/package/hidmapd.deb for the VM scenario (tests/vm/package.sh).
# Exit 77 when this is not a git checkout or the packaging tools are missing.
set -euo pipefail

src=$(realpath "$1") build=$(realpath "$2")
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

git -C "$src" rev-parse --git-dir > /dev/null 2>&1 || skip "$src is not a git checkout (meson dist needs one)"
for p in dpkg-buildpackage dh lintian; do
	command -v $p > /dev/null || skip "no $p (apt-get install dpkg-dev debhelper lintian)"
done

tmp=$(mktemp -d /var/tmp/hidmapd-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# 1. the tarball (--allow-dirty: HEAD is archived, changes not yet committed
# are not; --no-tests: step 2 builds and tests it)
rm -rf "$build/meson-dist"
meson dist -C "$build" --no-tests --allow-dirty --formats xztar > "$tmp/dist.log" 2>&1 ||
	{ cat "$tmp/dist.log"; fail "meson dist"; }
tarball=$(ls "$build"/meson-dist/hidmapd-*.tar.xz)
echo "tarball: $tarball ($(du -k "$tarball" | cut -f1) kB)"

# 2. the package from the tarball alone, in a scratch directory
# (dpkg-buildpackage writes its results to the parent directory; -Jauto:
# as many jobs as CPUs, for the build and the tests)
mkdir "$tmp/b"
tar -xJf "$tarball" -C "$tmp/b"
tree=$(ls -d "$tmp"/b/hidmapd-*)
[ -f "$tree/.tarball-version" ] || fail "the tarball has no .tarball-version"
version=$(cat "$tree/.tarball-version")
[ ! -d "$tree/.git" ] || fail "the tarball holds .git"
echo "version: $version"
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b -Jauto > "$tmp/build.log" 2>&1); then
	tail -n 60 "$tmp/build.log"
	fail "dpkg-buildpackage -us -uc -b in the unpacked tarball"
fi
grep -E '^(Ok|Fail|Skipped): ' "$tmp/build.log" | sed 's/^/  tarball unit+data: /'
grep -qE '^Ok: +[1-9]' "$tmp/build.log" || fail "the unit and data suites did not run in the package build"
deb=$(ls "$tmp"/b/hidmapd_*.deb)
changes=$(ls "$tmp"/b/hidmapd_*.changes)

# 3. lintian: no error, no warning (overrides only in debian/, with a reason)
if ! lintian --fail-on error,warning "$changes" > "$tmp/lintian.log" 2>&1; then
	cat "$tmp/lintian.log"
	fail "lintian"
fi
echo "lintian: clean ($(grep -c . "$tmp/lintian.log" || true) lines of notes)"

# 4. what it holds
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/files"
for f in /usr/bin/hidmapd /usr/lib/systemd/user/hidmapd.service /usr/lib/udev/rules.d/70-hidmapd.rules \
	/usr/lib/modules-load.d/hidmapd.conf /usr/share/hidmapd/config.d/hidmapd.ini \
	/usr/share/hidmapd/layouts/elgato-streamdeck.ini /usr/share/hidmapd/layouts/xkeys.ini \
	/usr/share/hidmapd/layouts/contour-shuttle.ini /usr/share/hidmapd/no-userns.conf \
	/usr/share/doc/hidmapd/examples/macro-pad.ini /usr/share/man/man1/hidmapd.1.gz \
	/usr/share/man/man5/hidmapd.ini.5.gz /usr/share/doc/hidmapd/copyright; do
	grep -qxF "$f" "$tmp/files" || fail "the package lacks $f"
done
# every layout of the tree
for l in "$src"/devices/layouts/*.ini; do
	grep -qxF "/usr/share/hidmapd/layouts/${l##*/}" "$tmp/files" || fail "the package lacks layout ${l##*/}"
done
# nothing enabled for users behind their back
dpkg-deb -e "$deb" "$tmp/control"
! grep -v '^[[:space:]]*#' "$tmp/control/postinst" | grep -qE 'systemctl .*enable' || fail "postinst runs systemctl enable"
# debhelper's snippet re-enables only a unit an admin had enabled globally before
if grep -q 'deb-systemd-helper --user enable' "$tmp/control/postinst" &&
	! grep -B3 'deb-systemd-helper --user enable' "$tmp/control/postinst" | grep -q 'was-enabled'; then
	fail "postinst enables the user unit"
fi
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
got=$("$tmp/root/usr/bin/hidmapd" --version)
[ "$got" = "hidmapd $version" ] || fail "hidmapd --version says '$got', the tarball '$version'"
grep -qx 'ExecStart=/usr/bin/hidmapd run' "$tmp/root/usr/lib/systemd/user/hidmapd.service" ||
	fail "the unit does not start /usr/bin/hidmapd"

mkdir -p "$build/package"
cp "$deb" "$build/package/hidmapd.deb"
echo "package: $(basename "$deb") ($(du -k "$deb" | cut -f1) kB), kept as $build/package/hidmapd.deb"
