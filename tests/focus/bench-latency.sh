#!/bin/bash
# The focus latency benchmark on the real beds (focus-latency.py): headless
# sway with two foot windows, and Xvfb + openbox with two xcb windows;
# hidmapd follows the focus, the benchmark moves it N times (default 200).
#   bench-latency.sh HIDMAPD X11_WINDOW [N]
. "$(dirname "$0")/lib.sh"
need python3 setpriv
focus_setup "$1"
x11_window=$2
n=${3:-200}
cp "$x11_window" "$tmp/x11-window"
cp "$(dirname "$0")/focus-latency.py" "$tmp/"
rule_config="$(dirname "$0")/config.ini"

if [ -z "${SKIP_SWAY:-}" ] && command -v sway >/dev/null && command -v foot >/dev/null; then
	export WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
	printf 'xwayland disable\n' > "$tmp/sway.cfg"
	bg "$tmp/sway.log" sway -c "$tmp/sway.cfg"
	for ((i = 0; i < 200; i++)); do
		sock=$(ls "$rt"/sway-ipc.*.sock 2>/dev/null | head -1 || true)
		wl=$(ls "$rt" | grep -E '^wayland-[0-9]+$' | head -1 || true)
		[ -n "$sock" ] && [ -n "$wl" ] && as_user env SWAYSOCK="$sock" swaymsg -t get_version >/dev/null 2>&1 && break
		sleep 0.05
	done
	for app in lat-a lat-b; do
		bg "$tmp/foot-$app.log" env WAYLAND_DISPLAY="$wl" foot --app-id="$app" sleep 1000
	done
	for ((i = 0; i < 200; i++)); do
		[ "$(as_user env SWAYSOCK="$sock" swaymsg -t get_tree | grep -c '"app_id": "lat-')" = 2 ] && break
		sleep 0.05
	done
	SWAYSOCK=$sock WAYLAND_DISPLAY=$wl start_hidmapd "$rule_config"
	as_user python3 "$tmp/focus-latency.py" sway "$sock" "$rt/hidmapd/control" "$n" lat-a lat-b
	kill "$hidmapd_pid"; wait "$hidmapd_pid" 2>/dev/null || true
else
	echo "sway: not installed, skipped"
fi

if command -v Xvfb >/dev/null && command -v openbox >/dev/null && command -v xdotool >/dev/null; then
	for ((d = 100 + $$ % 300; d < 500; d++)); do
		[ -e /tmp/.X$d-lock ] || [ -e /tmp/.X11-unix/X$d ] || break
	done
	bg "$tmp/xvfb.log" Xvfb ":$d" -nolisten tcp -noreset
	export DISPLAY=:$d
	for ((i = 0; i < 200; i++)); do as_user xprop -root >/dev/null 2>&1 && break; sleep 0.05; done
	bg "$tmp/openbox.log" openbox
	for ((i = 0; i < 200; i++)); do
		as_user xprop -root _NET_SUPPORTED 2>/dev/null | grep -q _NET_ACTIVE_WINDOW && break
		sleep 0.05
	done
	wins=()
	for k in 0 1; do
		bg "$tmp/w$k.log" "$tmp/x11-window" "lat-$k" "Lat" "window $k"
		x11_wait_managed "$tmp/w$k.log" || true
		wins+=("$win")
	done
	unset SWAYSOCK WAYLAND_DISPLAY
	start_hidmapd "$rule_config"
	as_user python3 "$tmp/focus-latency.py" x11 - "$rt/hidmapd/control" "$n" "${wins[@]}"
else
	echo "x11: Xvfb, openbox or xdotool not installed, skipped"
fi
