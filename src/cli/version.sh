#!/bin/sh
# The version of this tree, from one place: meson's project version, with
# the git description for a build between releases.
#   version.sh VERSION SOURCE_ROOT     prints it (vcs_tag, src/cli/meson.build)
#   version.sh --dist VERSION          for `meson dist`: writes it to the
#                                      tarball's .tarball-version
# A checkout at the tag vVERSION, clean, is VERSION; after it,
# VERSION-N-gHASH (git describe); without that tag, VERSION-gHASH; a work
# tree with changes adds -dirty.  A release tarball has no .git: its
# .tarball-version, written when it was made, says which tree it came from.
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
if d=$(git -C "$src" describe --tags --match "v$v" --dirty 2>/dev/null); then
	echo "${d#v}"
	exit 0
fi
h=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null) || { echo "$v"; exit 0; }
dirty=
git -C "$src" diff-index --quiet HEAD -- 2>/dev/null || dirty=-dirty
echo "$v-g$h$dirty"
