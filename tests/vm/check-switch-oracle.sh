#!/bin/bash
# SPDX-License-Identifier: MIT
# VM scenario (6.12 kernel): the kernel's hid-nintendo still gives the
# checked-in answers (tests/data/kernel/switch, made by
# gen-switch-expectations.sh) for tests/data/switch's recordings with
# tests/lib/switch-pad.h's pad: the events and the nodes' ids exactly, the
# rumble check's M: lines (the 0x10 reports' bytes) exactly (the check of
# check-ps-oracle.sh, on the switch family).
#
#   check-switch-oracle.sh PS_ORACLE SRCDIR OUTDIR
set -u -o pipefail
case $(uname -r) in
6.12.*) ;;
*) echo "SKIP: the answers are 6.12's, this is $(uname -r)"; exit 77 ;;
esac
exec "$(dirname "$0")/check-ps-oracle.sh" "$1" "$2" "$3" switch \
	pro-usb pro-bt jcl-bt jcr-bt snes-bt n64-bt gen-usb gen-bt grip-l-usb grip-r-usb
