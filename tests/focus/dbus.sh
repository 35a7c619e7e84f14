#!/bin/bash
# The D-Bus focus source through a real dbus-daemon session bus: hidmapd
# loads its real KWin script into a stand-in KWin (fake-shell.js) and the
# script reports over the bus; the real GNOME 43 extension reports the same
# way; a plain SetFocus call from a script; KWin restarted (the script is
# loaded again).  The GNOME 45 extension and the KWin script are also
# checked by node --check.  What each focus must pick follows from
# config.ini.
#   dbus.sh HIDMAPD
. "$(dirname "$0")/lib.sh"
need dbus-daemon gjs busctl setpriv
focus_setup "$1"
src=$HIDMAPD_SOURCE_ROOT
install -m 644 "$(dirname "$0")/fake-shell.js" "$tmp/fake-shell.js"

export DBUS_SESSION_BUS_ADDRESS=unix:path=$rt/bus
bg "$tmp/dbus.log" dbus-daemon --session --nofork --address="$DBUS_SESSION_BUS_ADDRESS"
for ((i = 0; i < 200; i++)); do [ -S "$rt/bus" ] && break; sleep 0.05; done

call() { as_user busctl --user call "$@"; }
owned() { as_user busctl --user status "$1" >/dev/null 2>&1; }
shell_up() { # wait until the stand-in owns org.hidmapd.Test
	for ((i = 0; i < 200; i++)); do owned org.hidmapd.Test && return 0; sleep 0.05; done
	echo "FAIL: fake-shell.js $* did not start"; cat "$tmp/shell.log"; exit 1
}
activate() { call org.hidmapd.Test /Test org.hidmapd.Test Activate ss "$1" "$2"; }
retitle() { call org.hidmapd.Test /Test org.hidmapd.Test SetTitle s "$1"; }
rule() { echo "^focus rule \[device pad\] .* -> $1\$"; }

# ---- KDE: hidmapd loads the script into "KWin" ----
cp "$src/systemd/desktop/kwin/hidmapd-focus.js" "$tmp/kwin-script.js"
bg "$tmp/shell.log" gjs "$tmp/fake-shell.js" kwin
shell_pid=$!
shell_up kwin
HIDMAPD_FOCUS_SOURCE=kwin HIDMAPD_KWIN_SCRIPT=$tmp/kwin-script.js \
	start_hidmapd "$(dirname "$0")/config.ini"
wait_status '^focus source kwin \(serving org.hidmapd.Focus on the session bus; script loaded into KWin\)'
[ "$(call org.hidmapd.Test /Test org.hidmapd.Test Loaded)" = "s \"$tmp/kwin-script.js\"" ]
wait_status '^focus window none \(last from kwin\)'
ok "kwin: hidmapd loaded the script; it reported no active window"
activate alpha-one "first"
wait_status '^focus window app "alpha-one" .*title "first" \(from kwin\)'
wait_status "$(rule alpha)"
retitle "now special"
wait_status "$(rule alpha-special)"
activate beta-class "second"
wait_status "$(rule beta)"
ok "kwin: activations and a caption change reported"

# KWin restarted: the script is loaded into the new one
kill "$shell_pid"; wait "$shell_pid" 2>/dev/null || true
bg "$tmp/shell.log" gjs "$tmp/fake-shell.js" kwin
shell_pid=$!
shell_up kwin
activate alpha-one "back"
wait_status "$(rule alpha)"
ok "kwin restarted: the script loaded again"
kill "$shell_pid"; wait "$shell_pid" 2>/dev/null || true
kill "$hidmapd_pid"; wait "$hidmapd_pid" 2>/dev/null || true

# ---- GNOME: the extension reports ----
XDG_CURRENT_DESKTOP=GNOME start_hidmapd "$(dirname "$0")/config.ini"
wait_status '^focus source gnome \(serving org.hidmapd.Focus on the session bus\)'
wait_status '^focus waiting for the first report: is the GNOME Shell extension enabled\? gnome-extensions enable hidmapd-focus@hidmapd'
as_user "$hidmapd" doctor --config "$tmp/config.ini" > "$tmp/doctor.out" 2>&1 || true
grep -q '^WARN focus: gnome (.*), no report yet; fix: is the GNOME Shell extension enabled? gnome-extensions enable hidmapd-focus@hidmapd$' "$tmp/doctor.out" ||
	{ echo "FAIL: doctor does not say how to enable the extension"; cat "$tmp/doctor.out"; exit 1; }
ok "gnome: status and doctor say how to enable the extension before it reports"
# GNOME Shell on the bus says the extension is disabled, then unknown,
# then failed: status and doctor say which, with the command
gnome_shell() {
	bg "$tmp/shell.log" gjs "$tmp/fake-shell.js" gnome-shell "$1"
	shell_pid=$!
	shell_up gnome-shell "$1"
}
gnome_shell 2
wait_status '^focus waiting for the first report: the GNOME Shell extension hidmapd-focus@hidmapd is not enabled: gnome-extensions enable hidmapd-focus@hidmapd$'
as_user "$hidmapd" doctor --config "$tmp/config.ini" > "$tmp/doctor.out" 2>&1 || true
grep -q '^WARN focus: gnome (.*), no report yet; fix: the GNOME Shell extension hidmapd-focus@hidmapd is not enabled: gnome-extensions enable hidmapd-focus@hidmapd$' "$tmp/doctor.out" ||
	{ echo "FAIL: doctor does not say the extension is not enabled"; cat "$tmp/doctor.out"; exit 1; }
kill "$shell_pid"; wait "$shell_pid" 2>/dev/null || true
gnome_shell none
wait_status '^focus waiting for the first report: GNOME Shell has no extension hidmapd-focus@hidmapd: install it .*, then gnome-extensions enable hidmapd-focus@hidmapd$'
kill "$shell_pid"; wait "$shell_pid" 2>/dev/null || true
gnome_shell 3
wait_status '^focus waiting for the first report: the GNOME Shell extension hidmapd-focus@hidmapd failed: gnome-extensions info hidmapd-focus@hidmapd'
kill "$shell_pid"; wait "$shell_pid" 2>/dev/null || true
ok "gnome: GNOME Shell asked (GetExtensionInfo): not enabled, not installed, failed, each with its command"
cp -r "$src/systemd/desktop/gnome-shell-43/hidmapd-focus@hidmapd" "$tmp/ext"
chmod -R a+rX "$tmp/ext"
bg "$tmp/shell.log" gjs "$tmp/fake-shell.js" gnome "$tmp/ext"
shell_pid=$!
shell_up gnome
activate BETA-Class "x"
wait_status '\(from gnome\)'
wait_status "$(rule beta)"
activate alpha-one "plain"
wait_status "$(rule alpha)"
retitle "very special"
wait_status "$(rule alpha-special)"
ok "gnome 43 extension: focus and title reported"

# ---- any script: SetFocus straight ----
call org.hidmapd.Focus /org/hidmapd/Focus org.hidmapd.Focus1 SetFocus sss niri beta-class t
wait_status '\(from dbus\)'
wait_status "$(rule beta)"
call org.hidmapd.Focus /org/hidmapd/Focus org.hidmapd.Focus1 SetFocus sss niri "" ""
wait_status '^focus window none \(last from dbus\)'
ok "SetFocus from a script; empty: no window"

# ---- the session's environment changes after hidmapd started ----
# (no session variable in hidmapd's environment: focus_setup unset them)
kill "$shell_pid" "$hidmapd_pid"; wait "$shell_pid" "$hidmapd_pid" 2>/dev/null || true
start_hidmapd "$(dirname "$0")/config.ini"
wait_status '^focus source none'
as_user "$hidmapd" reload >/dev/null
wait_status '^focus source none' # no systemd manager on this bus: nothing changes
bg "$tmp/shell.log" gjs "$tmp/fake-shell.js" systemd LANG=C XDG_CURRENT_DESKTOP=GNOME
shell_pid=$!
for ((i = 0; i < 200; i++)); do owned org.freedesktop.systemd1 && break; sleep 0.05; done
shell_up systemd
as_user "$hidmapd" reload >/dev/null
wait_status '^focus source gnome \(serving org.hidmapd.Focus on the session bus\)'
call org.hidmapd.Focus /org/hidmapd/Focus org.hidmapd.Focus1 SetFocus sss gnome beta-class t
wait_status "$(rule beta)"
kill "$shell_pid"; wait "$shell_pid" 2>/dev/null || true
ok "reload: the source chosen again from the systemd user manager's environment"

# ---- the scripts parse ----
if command -v node >/dev/null 2>&1; then
	node --check "$src/systemd/desktop/kwin/hidmapd-focus.js"
	node --check "$src/systemd/desktop/gnome-shell-43/hidmapd-focus@hidmapd/extension.js"
	cp "$src/systemd/desktop/gnome-shell-45/hidmapd-focus@hidmapd/extension.js" "$tmp/extension45.mjs"
	node --check "$tmp/extension45.mjs"
	ok "node --check: the KWin script, the GNOME 43 and 45 extensions"
fi
kill -0 "$hidmapd_pid"
echo "1 passed, 0 failed"
