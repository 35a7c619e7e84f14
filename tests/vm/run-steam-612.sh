#!/bin/bash
# SPDX-License-Identifier: MIT
# The Steam oracle on bookworm-backports' 6.12 (the first hid-steam with the
# Steam Deck): one boot of run-vm.sh -k with check-steam-oracle.sh for the
# wired Controller, a receiver slot and the Deck.  Exit 77 when the 6.12
# kernel is not unpacked (tests/vm/backports-kernel.sh --install).
#
#   run-steam-612.sh STEAM_ORACLE SRCDIR
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
oracle=$1 src=$2
k=$("$here/backports-kernel.sh") || exit 77
exec "$here/run-vm.sh" -k "$k" --timeout 400 --scenario-timeout 300 \
	--scenario steam-oracle-612 \
	"$here/check-steam-oracle.sh $oracle $src \$VM_RESULTS/steam-612 6.12 steam-wired steam-wireless steam-deck"
