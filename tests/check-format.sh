#!/bin/sh
# Style is mechanical: every C file must be as clang-format leaves it.
#   check-format.sh SOURCE_ROOT
set -eu
cd "$1"
if ! command -v clang-format >/dev/null 2>&1; then
	echo "clang-format not installed (apt-get install clang-format): skipping"
	exit 77
fi
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src devices tests -name '*.[ch]')
clang-format --dry-run --Werror $files
