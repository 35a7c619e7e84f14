#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The second kernel of the VM bed: bookworm-backports' 6.12, whose drivers are
# today's (hid-nintendo with the NSO pads, hid-steam with the Steam Deck,
# hid-playstation).  Debian 12's 6.1 stays the bed's default; a test that
# needs today's driver boots this one with run-vm.sh -k.
#
#   backports-kernel.sh            print the image's path if it is unpacked,
#                                  exit 77 if not
#   backports-kernel.sh --install  fetch it from Debian's package registry
#                                  if needed (root: apt-get), then print it
#
# The image goes to /var/cache/hidmapd-vm/vmlinuz-KVER (not /boot, so that
# run-vm.sh's default, the newest /boot/vmlinuz-*, stays 6.1) and its modules
# to /lib/modules/KVER, where the VM finds them on the host's root.
# HIDMAPD_VM_KERNEL_612 names another image (its modules must be in
# /lib/modules/KVER) and skips all of this.

set -euo pipefail

prog=${0##*/}
cache=/var/cache/hidmapd-vm

if [ -n "${HIDMAPD_VM_KERNEL_612:-}" ]; then
	echo "$HIDMAPD_VM_KERNEL_612"
	exit 0
fi

found() {
	local img kver
	for img in "$cache"/vmlinuz-6.12.*; do
		[ -r "$img" ] || continue
		kver=${img##*/vmlinuz-}
		[ -r "/lib/modules/$kver/modules.dep" ] || continue
		echo "$img"
		return 0
	done
	return 1
}

if found; then
	exit 0
fi
if [ "${1:-}" != --install ]; then
	echo "$prog: the 6.12 kernel is not unpacked (run $0 --install as root)" >&2
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: installing the 6.12 kernel needs root" >&2
	exit 77
fi

list=/etc/apt/sources.list.d/hidmapd-bookworm-backports.sources
if ! apt-cache policy 2>/dev/null | grep -q 'bookworm-backports'; then
	cat > "$list" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	apt-get update -q >&2
fi

# The package the backports metapackage points at: today's 6.12 image.
pkg=$(apt-cache show linux-image-amd64/bookworm-backports 2>/dev/null |
	sed -n 's/^Depends: \(linux-image-6\.12[^ ,]*\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "$prog: no 6.12 image in bookworm-backports" >&2; exit 1; }
pkg=${pkg}-unsigned
kver=${pkg#linux-image-}
kver=${kver%-unsigned}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$pkg" >&2) 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true
deb=$(ls "$work"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "$prog: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb -x "$deb" "$work/root"
mkdir -p "/lib/modules/$kver" "$cache"
cp -a "$work/root/lib/modules/$kver/." "/lib/modules/$kver/"
depmod "$kver"
install -m 0644 "$work/root/boot/vmlinuz-$kver" "$cache/vmlinuz-$kver"
echo "$cache/vmlinuz-$kver"
