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
#     the tarball's version, which is also the package's Debian version;
#  5. the previous version's package: the parent commit (HEAD^), in a
#     local clone of its own, built by its own debian/ with
#     `dpkg-buildpackage -us -uc -b` as above, but without its test suites
#     (DEB_BUILD_OPTIONS=nocheck; they ran when it was committed); its
#     Debian version must sort before this one's, so that dpkg takes this
#     one for an upgrade of it.
# Nothing is written to the source tree: the tarball goes to BUILD_ROOT's
# meson-dist/, everything else to a scratch directory; the packages are kept
# as BUILD_ROOT/package/hidmapd.deb and hidmapd-prev.deb for the VM scenario
# user-unit-package (tests/vm/user-unit.sh).  When there is no parent to
# build (a shallow clone, the first commit, a parent without debian/, a
# parent that does not build), hidmapd-prev.deb is not made and
# BUILD_ROOT/package/prev.txt says why: the VM scenario then upgrades from
# this package relabelled, and says so.
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
debversion=$(dpkg-deb -f "$deb" Version)
[ "$debversion" = "$version" ] || fail "the package's version is $debversion, the tarball's $version"

pkgdir=$build/package
rm -rf "$pkgdir"
mkdir -p "$pkgdir"
cp "$deb" "$pkgdir/hidmapd.deb"
echo "package: $(basename "$deb") ($(du -k "$deb" | cut -f1) kB), Debian version $debversion, kept as $pkgdir/hidmapd.deb"

# 5. the previous version's package, from the parent commit
no_prev() {
	echo "$*" > "$pkgdir/prev.txt"
	echo "NOTE: no package of the previous version: $*; the VM scenario upgrades from this package relabelled"
	exit 0
}
if [ "$(git -C "$src" rev-parse --is-shallow-repository)" = true ]; then
	shallow=" (a shallow clone: git fetch --unshallow)"
fi
parent=$(git -C "$src" rev-parse -q --verify 'HEAD^{commit}^' 2> /dev/null) ||
	no_prev "HEAD has no parent in $src${shallow:-}"
git -C "$src" cat-file -e "$parent:debian/rules" 2> /dev/null ||
	no_prev "the parent commit ${parent:0:12} has no debian/rules"
t0=$(date +%s)
git clone -q --shared --no-checkout "$src" "$tmp/prev" && git -C "$tmp/prev" checkout -q --detach "$parent" ||
	no_prev "cannot clone $src at the parent commit ${parent:0:12}"
if ! (cd "$tmp/prev" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -J2 > "$tmp/prev.log" 2>&1); then
	tail -n 30 "$tmp/prev.log"
	no_prev "the parent commit ${parent:0:12} did not build its package (dpkg-buildpackage, log above)"
fi
prev=$(ls "$tmp"/hidmapd_*.deb)
prevversion=$(dpkg-deb -f "$prev" Version)
dpkg --compare-versions "$prevversion" lt "$debversion" ||
	fail "the parent's package $prevversion does not sort before this one, $debversion: dpkg would not upgrade"
cp "$prev" "$pkgdir/hidmapd-prev.deb"
echo "${parent:0:12} $prevversion" > "$pkgdir/prev.txt"
echo "previous package: the parent ${parent:0:12}, $(basename "$prev"), built in $(($(date +%s) - t0)) s (nocheck, -J2); $prevversion < $debversion"
