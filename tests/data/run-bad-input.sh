#!/bin/sh
# Bad input gets one clear error naming the place, and a non-zero exit;
# never a crash.  Each case: expected exit code, a fixed string the error
# must contain, then the command line.
#   run-bad-input.sh HIDMAPD DATADIR
set -u
hidmapd=$1 dir=$2
fails=0
check() {
	want_rc=$1 want_msg=$2
	shift 2
	err=$("$hidmapd" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL: hidmapd $*: exit $rc, expected $want_rc ($err)"
		fails=$((fails + 1))
	elif ! printf '%s' "$err" | grep -qF -- "$want_msg"; then
		echo "FAIL: hidmapd $*: error '$err' lacks '$want_msg'"
		fails=$((fails + 1))
	else
		echo "ok: hidmapd $* -> $rc: $(printf '%s' "$err" | head -n 1)"
	fi
}
b=$dir/bad
check 1 "bad-hex.hid:4: expected two hex digits per byte" replay "$b/bad-hex.hid"
check 1 "event-before-descriptor.hid:3: E: line before the R: line" replay "$b/event-before-descriptor.hid"
check 1 "short-descriptor.hid:3: fewer bytes than the count says" replay "$b/short-descriptor.hid"
check 1 "no-info.hid: no 'I:' line" replay "$b/no-info.hid"
check 1 "bad-timestamp.hid:4: expected a timestamp" replay "$b/bad-timestamp.hid"
check 1 "unclosed-collection.hid" replay "$b/unclosed-collection.hid"
check 1 "missing.hid: No such file or directory" replay "$b/missing.hid"
check 1 "unknown-key.ini:4:" check "$b/unknown-key.ini"
check 1 "bad-vidpid.ini:2:" check "$b/bad-vidpid.ini"
check 1 "unknown-key.ini:4:" replay --config "$b/unknown-key.ini" "$dir/shuttlexpress/jog-ring-buttons.hid"
check 1 "unknown-module.ini:4: unknown module 'nosuch'" check "$b/unknown-module.ini"
check 1 "unknown-module.ini:4: unknown module 'nosuch'" replay --config "$b/unknown-module.ini" "$dir/shuttlexpress/jog-ring-buttons.hid"
check 1 "unknown-module.ini:4: unknown module 'nosuch'" udev-rules --config "$b/unknown-module.ini"
check 1 "missing.ini: No such file or directory" check "$b/missing.ini"
check 1 "missing.ini: No such file or directory" replay --config "$b/missing.ini" "$dir/shuttlexpress/jog-ring-buttons.hid"
check 1 "missing.ini: No such file or directory" udev-rules --config "$b/missing.ini"
check 2 "doctor takes no arguments" doctor extra
check 2 "unknown command 'frobnicate'" frobnicate
check 2 "replay needs exactly one recording FILE" replay
check 2 "unknown module 'nope'" replay --module nope "$dir/shuttlexpress/jog-ring-buttons.hid"
check 2 "--uinput only applies to replay" run --uinput
check 2 "describe needs exactly one PATH or FILE" describe
check 2 "record needs a hidraw node" record "$dir/shuttlexpress/jog-ring-buttons.hid"
check 2 "unrecognized option" --frobnicate
echo "$fails failed"
[ "$fails" -eq 0 ]
