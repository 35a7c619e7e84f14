#!/bin/sh
# The version of this tree, from one place: meson's project version, with
# the git description for a build between releases.
#   version.sh VERSION SOURCE_ROOT     prints it (vcs_tag, meson.build)
#   version.sh --dist VERSION          for `meson dist`: writes it to the
#                                      tarball's .tarball-version
# A clean checkout at the tag vVERSION is VERSION.  Any other commit is
# VERSION+gitYYYYMMDD.N.gHASH: the commit's date (UTC), N the number of
# commits in its history (`git rev-list --count`: a child always has more
# than its parent) and 12 digits of its hash; a work tree with changes adds
# .dirty.  The form is a Debian version as it is (no '-'), and a later
# commit sorts after an earlier one, so the Debian package carries it
# unchanged (debian/rules) and dpkg takes a newer snapshot for an upgrade.
# A release tarball has no .git: its .tarball-version, written when it was
# made, says which tree it came from.  Without git, VERSION.
set -eu
if [ "$1" = --dist ]; then
	v=$("$0" "$2" "$MESON_SOURCE_ROOT")
	printf '%s\n' "$v" >"$MESON_PROJECT_DIST_ROOT/.tarball-version"
	exit 0
fi
v=$1 src=$2
if [ -f "$src/.tarball-version" ]; then
	cat "$src/.tarball-version"
	exit 0
fi
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1 ||
	[ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" != "$(cd "$src" && pwd -P)" ]; then
	echo "$v" # not a checkout of its own (an unpacked tarball inside another repository)
	exit 0
fi
git -C "$src" update-index -q --refresh >/dev/null 2>&1 || true
dirty=
git -C "$src" diff-index --quiet HEAD -- 2>/dev/null || dirty=.dirty
if [ -z "$dirty" ] && git -C "$src" describe --tags --exact-match --match "v$v" HEAD >/dev/null 2>&1; then
	echo "$v"
	exit 0
fi
h=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null) || { echo "$v"; exit 0; }
n=$(git -C "$src" rev-list --count HEAD)
d=$(TZ=UTC0 git -C "$src" log -1 --format=%cd --date=format-local:%Y%m%d HEAD)
echo "$v+git$d.$n.g$h$dirty"
