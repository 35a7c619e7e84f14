#!/bin/sh
# md2man.sh GO_MD2MAN INPUT OUTPUT VERSION
# The pages are written as markdown that reads well on the web, with a first
# line "# NAME(SECTION)"; go-md2man turns a first level-1 heading into .TH
# verbatim, so it gets the fields .TH wants instead: title, section, (no)
# date, source and manual.
set -eu
md2man=$1 in=$2 out=$3 version=$4
first=$(sed -n '1p' "$in")
name=$(printf '%s\n' "$first" | sed -n 's/^# \([^(]*\)(\([0-9]\))$/\1/p')
section=$(printf '%s\n' "$first" | sed -n 's/^# \([^(]*\)(\([0-9]\))$/\2/p')
if [ -z "$name" ] || [ -z "$section" ]; then
	echo "$in: the first line must be '# NAME(SECTION)', not '$first'" >&2
	exit 1
fi
case $section in
1) manual="User Commands" ;;
5) manual="File Formats" ;;
*) manual="" ;;
esac
title=$(printf '%s\n' "$name" | tr '[:lower:]' '[:upper:]')
{
	printf '# %s %s "" "hidmapd %s" "%s"\n' "$title" "$section" "$version" "$manual"
	sed '1d' "$in"
} | "$md2man" -out "$out"
# whatis/apropos (lexgrog) read the NAME section as "name \- description":
# the dash of the markdown becomes roff's, and the paragraph macro go-md2man
# puts before it goes
sed -i '/^\.SH NAME/,/^\.SH SYNOPSIS/{/^\.PP$/d;s/ — / \\- /}' "$out"
