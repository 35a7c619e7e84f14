#!/bin/bash
# hidmapd follows the focus on a real X server (Xvfb) under a real EWMH
# window manager (openbox, which sets _NET_ACTIVE_WINDOW): two windows with
# different WM_CLASS, focus moved with xdotool, a title changed, the
# window manager restarted, the X server restarted.  What each focus must
# pick follows from config.ini's rules.
#   x11.sh HIDMAPD X11_WINDOW
. "$(dirname "$0")/lib.sh"
need Xvfb openbox xdotool setpriv
focus_setup "$1"
x11_window=$2
cp "$x11_window" "$tmp/x11-window"

start_x() { # on a display of its own, far from a desktop's :0; -noreset: the
	# server would reset (refusing connections a moment) whenever its last
	# client, say an xprop of ours, hangs up
	local n
	for ((n = 100 + $$ % 300; n < 500; n++)); do
		[ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ] || break
	done
	bg "$tmp/xvfb.log" Xvfb ":$n" -nolisten tcp -noreset -screen 0 640x480x24
	xvfb_pid=$!
	export DISPLAY=:$n
	for ((i = 0; i < 200; i++)); do
		as_user xprop -root >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "FAIL: Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1
}

wm_check() { # the window manager's check window, once it says it supports _NET_ACTIVE_WINDOW
	as_user xprop -root _NET_SUPPORTED 2>/dev/null | grep -q _NET_ACTIVE_WINDOW &&
		as_user xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep 'window id' || true
}

start_wm() { # until the new window manager has put up its check window
	# (a new one may get the same window id as the last: remove it first)
	as_user xprop -root -remove _NET_SUPPORTING_WM_CHECK 2>/dev/null || true
	as_user xprop -root -remove _NET_SUPPORTED 2>/dev/null || true
	bg "$tmp/openbox.log" openbox
	wm_pid=$!
	for ((i = 0; i < 200; i++)); do
		[ -n "$(wm_check)" ] && return 0
		sleep 0.05
	done
	echo "FAIL: openbox did not start on $DISPLAY"; cat "$tmp/openbox.log" "$tmp/xvfb.log"; ps -p "$xvfb_pid" -o pid,cmd; ls -la /tmp/.X11-unix; exit 1
}

window() { # window LOG INSTANCE CLASS TITLE: its id in $win
	bg "$tmp/$1" "$tmp/x11-window" "$2" "$3" "$4"
	x11_wait_managed "$tmp/$1" && return 0
	echo "FAIL: window $2 ($win) not managed by the window manager"
	as_user xprop -root _NET_CLIENT_LIST _NET_SUPPORTING_WM_CHECK
	cat "$tmp/$1" "$tmp/openbox.log"
	exit 1
}

activate() { # openbox may ignore a request (focus stealing prevention): asked again
	local i
	for i in 1 2 3 4 5; do
		as_user timeout 3 xdotool windowactivate --sync "$1" >/dev/null 2>&1 && return 0
	done
	echo "FAIL: window $1 not activated"; exit 1
}

rule() { # the line status shows for [device pad] with the focus on $1's app
	echo "^focus rule \[device pad\] .* -> $1\$"
}

start_x
start_wm
window a.log alpha-term AlphaTerm "first window"
win_a=$win
window b.log b Beta-Class "second window"
win_b=$win

start_hidmapd "$(dirname "$0")/config.ini"
wait_status '^focus source x11 \(connected to display'
ok "x11 source chosen from DISPLAY"

activate "$win_a"
wait_status '^focus window app "" instance "alpha-term" class "AlphaTerm" title "first window" \(from x11\)'
wait_status "$(rule alpha)"
ok "instance alpha-term -> alpha"

activate "$win_b"
wait_status "$(rule beta)"
ok "class Beta-Class (case folded) -> beta"

activate "$win_a"
wait_status "$(rule alpha)"
as_user xdotool set_window --name "a special title" "$win_a"
wait_status 'title "a special title"'
wait_status "$(rule alpha-special)"
ok "a title change of the active window is followed"

# the window manager restarted: a new one sets _NET_ACTIVE_WINDOW again
kill "$wm_pid"
wait "$wm_pid" 2>/dev/null || true
start_wm
activate "$win_b"
wait_status "$(rule beta)"
activate "$win_a"
wait_status "$(rule alpha-special)"
ok "window manager restarted: focus still followed"

# a window that has no rule: the section's own profile
window c.log gamma Gamma "third"
activate "$win"
wait_status '^focus rule \[device pad\] none matches -> base$'
ok "no rule matches -> base"

# the X server gone: no window; back: followed again
kill "$xvfb_pid"
wait_status '^focus window none' 10
ok "X server gone: no focus"
grep -q 'connection to the X server is lost' "$tmp/hidmapd.log"

kill -0 "$hidmapd_pid"
echo "1 passed, 0 failed"
