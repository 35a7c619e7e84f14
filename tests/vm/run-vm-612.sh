#!/bin/bash
# SPDX-License-Identifier: MIT
# run-vm.sh on bookworm-backports' 6.12 kernel (backports-kernel.sh): exit
# 77 (skipped) where it is not unpacked.
set -u
here=$(dirname "$0")
k=$("$here/backports-kernel.sh") || { echo "run-vm-612.sh: SKIP: no 6.12 kernel" >&2; exit 77; }
exec "$here/run-vm.sh" -k "$k" "$@"
