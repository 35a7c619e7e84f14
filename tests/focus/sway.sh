#!/bin/bash
# hidmapd follows the focus on Debian's real sway, headless: two Wayland
# clients (foot) with different app_ids, focus moved with swaymsg, a title
# changed, sway restarted while hidmapd runs (a new socket path, found in
# XDG_RUNTIME_DIR).  What each focus must pick follows from config.ini.
#   sway.sh HIDMAPD
. "$(dirname "$0")/lib.sh"
need sway swaymsg foot setpriv
focus_setup "$1"

export WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
printf 'xwayland disable\n' > "$tmp/sway.cfg"

start_sway() {
	local before
	before=$(ls "$rt" 2>/dev/null | grep -c '^sway-ipc' || true)
	bg "$tmp/sway.log" sway -c "$tmp/sway.cfg"
	sway_pid=$!
	for ((i = 0; i < 200; i++)); do
		sock=$(ls -t "$rt"/sway-ipc.*.sock 2>/dev/null | head -1 || true)
		wl=$(ls "$rt" | grep -E '^wayland-[0-9]+$' | head -1 || true)
		if [ -n "$sock" ] && [ -n "$wl" ] && as_user env SWAYSOCK="$sock" swaymsg -t get_version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.05
	done
	echo "FAIL: sway did not start"; cat "$tmp/sway.log"; exit 1
}

client() { # client APP_ID TITLE: a shell that retitles its window (OSC 2) when $rt/retitle-APP_ID appears
	bg "$tmp/foot-$1.log" env WAYLAND_DISPLAY="$wl" foot --working-directory=/ --app-id="$1" --title="$2" \
		sh -c 'while [ ! -e "$0" ]; do sleep 0.05; done; printf "\033]2;a special title\007"; sleep 1000' \
		"$rt/retitle-$1"
	for ((i = 0; i < 200; i++)); do
		msg -t get_tree | grep -q "\"app_id\": \"$1\"" && return 0
		sleep 0.05
	done
	echo "FAIL: foot --app-id=$1 did not map"; cat "$tmp/foot-$1.log"; exit 1
}

msg() { as_user env SWAYSOCK="$sock" swaymsg "$@"; }
focus() { msg "[app_id=\"$1\"] focus" >/dev/null; }
rule() { echo "^focus rule \[device pad\] .* -> $1\$"; }

start_sway
client alpha-one "first"
client beta-class "second"

SWAYSOCK=$sock WAYLAND_DISPLAY=$wl start_hidmapd "$(dirname "$0")/config.ini"
wait_status "^focus source sway \(connected to $sock\)"
# the window focused when hidmapd starts comes from GET_TREE
wait_status '^focus window app "beta-class" instance "" class "" title "second" \(from sway\)'
wait_status "$(rule beta)"
ok "sway source chosen from SWAYSOCK; the focus at start is known"

focus alpha-one
wait_status "$(rule alpha)"
ok "app_id alpha-one -> alpha"

# a title change of the focused window (foot sets it from OSC 2)
as_user touch "$rt/retitle-alpha-one"
wait_status 'title "a special title" \(from sway\)'
wait_status "$(rule alpha-special)"
ok "a title change of the focused window is followed"
focus beta-class
wait_status "$(rule beta)"
focus alpha-one
wait_status "$(rule alpha-special)"
ok "focus moved back and forth"

# a workspace with no window: no focus, the section's own profile
msg "workspace 2" >/dev/null
wait_status '^focus rule \[device pad\] none matches -> base$|^focus window none' 10
msg "workspace 1" >/dev/null
wait_status "$(rule alpha-special)"
ok "an empty workspace: no focus, the default; back: the window's rule"

# sway restarted: hidmapd sees EOF, reports no focus, and finds the new socket
old_sock=$sock
kill "$sway_pid"
wait "$sway_pid" 2>/dev/null || true
wait_status '^focus window none'
ok "sway gone: no focus"
rm -f "$old_sock"
start_sway
[ "$sock" != "$old_sock" ] || { echo "FAIL: the same socket path"; exit 1; }
client beta-class "second again"
wait_status "^focus source sway \(connected to $sock\)" 10
focus beta-class
wait_status "$(rule beta)"
ok "sway restarted with a new socket path: followed again"

kill -0 "$hidmapd_pid"
echo "1 passed, 0 failed"
