# Shared by the focus tests on real components (sourced, bash).
#   focus_setup HIDMAPD      a private runtime dir, owned by $as_user
#   as_user CMD...           runs CMD as the test user (root: nobody, as
#                            sway refuses to run as root; else ourselves)
#   start_hidmapd CONFIG     hidmapd run in the background, as that user
#   wait_status PATTERN [S]  until `hidmapd status` has a line matching
#                            the extended regex (at most S seconds, default 10)
#   x11_wait_managed LOG     until the window whose id x11-window printed
#                            to LOG is on the window manager's client list
#                            (its id in $win; 1 if not within 10 s)
# Every process started is killed by its pid on exit.
set -eu

pids=()
skip() { echo "SKIP: $*"; exit 77; }
need() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip "$t not installed"; done; }

focus_setup() {
	hidmapd=$1
	# the session is the one the test makes, nothing of the caller's
	unset DISPLAY WAYLAND_DISPLAY SWAYSOCK I3SOCK HYPRLAND_INSTANCE_SIGNATURE \
		XDG_CURRENT_DESKTOP HIDMAPD_FOCUS_SOURCE DBUS_SESSION_BUS_ADDRESS
	tmp=$(mktemp -d /tmp/hidmapd-focus.XXXXXX)
	chmod 755 "$tmp"
	rt=$tmp/rt
	mkdir -m 700 "$rt"
	if [ "$(id -u)" -eq 0 ]; then
		uid=65534
		chown "$uid:$uid" "$rt"
	else
		uid=$(id -u)
	fi
	trap focus_cleanup EXIT
	# the test user may not reach the build tree (a clone under /root)
	install -m 755 "$hidmapd" "$tmp/hidmapd"
	hidmapd=$tmp/hidmapd
}

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="$uid" --regid="$uid" --clear-groups \
			env HOME="$rt" XDG_RUNTIME_DIR="$rt" "$@"
	else
		env HOME="$rt" XDG_RUNTIME_DIR="$rt" "$@"
	fi
}

bg() { # bg LOG CMD...: as_user CMD in the background, its pid in $!
	local log=$1
	shift
	# started directly (not through the function), so that $! is the
	# program itself: setpriv and env exec it
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="$uid" --regid="$uid" --clear-groups \
			env HOME="$rt" XDG_RUNTIME_DIR="$rt" "$@" > "$log" 2>&1 &
	else
		env HOME="$rt" XDG_RUNTIME_DIR="$rt" "$@" > "$log" 2>&1 &
	fi
	pids+=($!)
}

focus_cleanup() {
	local p
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		p=${pids[i]}
		kill "$p" 2>/dev/null || true
	done
	# time to clean up (an X server removes its socket), then no mercy
	for ((i = 0; i < 60; i++)); do
		alive=0
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && break
		sleep 0.05
	done
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "${KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}

start_hidmapd() {
	install -m 644 "$1" "$tmp/config.ini"
	bg "$tmp/hidmapd.log" "$hidmapd" run --config "$tmp/config.ini"
	hidmapd_pid=$!
	wait_status '^focus source' 10
}

status() { as_user "$hidmapd" status 2>&1; }

wait_status() {
	local pattern=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		if status | grep -Eq -- "$pattern"; then
			return 0
		fi
		sleep 0.05
	done
	echo "FAIL: no status line matching /$pattern/ within ${limit}s; status:"
	status | sed 's/^/  /'
	echo "hidmapd log:"
	sed 's/^/  /' "$tmp/hidmapd.log"
	return 1
}

ok() { echo "ok - $*"; }

x11_wait_managed() {
	local i
	for ((i = 0; i < 200; i++)); do
		win=$(head -1 "$1" 2>/dev/null || true)
		[ -n "$win" ] && as_user xprop -root _NET_CLIENT_LIST 2>/dev/null |
			grep -qiE "(# |, )$win(,|\$)" && return 0
		# openbox reads a map request that comes while it is starting into
		# Xlib's queue and handles it only when the next event wakes it
		# (seen: mapped as soon as the check window is up, 15 windows of
		# 15 were never managed).  A property change on the root window,
		# which openbox listens for, is such an event.
		((i % 10 != 9)) || as_user xprop -root -f _HIDMAPD_TEST_WAKE 32c \
			-set _HIDMAPD_TEST_WAKE "$i" 2>/dev/null || true
		sleep 0.05
	done
	return 1
}
