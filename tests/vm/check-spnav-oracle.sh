#!/bin/bash
# SPDX-License-Identifier: MIT
# VM scenario (issue 22): hidmapd's spnav server against Debian's spacenavd
# 1.1, both heard by an unmodified client linked against Debian's libspnav
# 1.0 (spnav-client).  One uhid device per model of
# tests/data/3dconnexion/oracle (spnav-feed) is held for the whole run;
# the models' reports are played, one model after the other, once to
# spacenavd (as root, reading the kernel's evdev nodes, as it runs on a
# desktop; its config by -c, its socket the fixed /run/spnav.sock) and
# once to `hidmapd run` (its config by --config, its socket
# $XDG_RUNTIME_DIR/spnav.sock), the client connecting through SPNAV_SOCKET
# each time.  The events the client prints must be equal: values, order,
# button numbers.  Twice: default settings, and sensitivity, dead zone,
# swap-yz and inversion set the same way in spnavrc and in the [device]
# sections.
#
# Timing: reports are GAP_MS (30 ms) apart, far longer than either daemon
# takes, so neither coalesces two reports into one motion event (spacenavd
# sends one per evdev frame, hidmapd one per report); the motion event's
# period field is timing and the client does not print it.
#
#   check-spnav-oracle.sh FEED CLIENT HIDMAPD SRCDIR OUTDIR [bench ROUNDS]
# With "bench ROUNDS" it plays bench.hid instead, ROUNDS times to each
# daemon in turn, and prints the latency from the uhid report to the
# client's event (bench-spnav-latency.sh).
set -u -o pipefail
feed=$1 client=$2 hidmapd=$3 src=$4 out=$5
mode=${6:-oracle} rounds=${7:-3}
gap_ms=30

command -v spacenavd > /dev/null || { echo "SKIP: spacenavd not installed (apt-get install spacenavd)"; exit 77; }
[ -x "$client" ] || { echo "SKIP: spnav-client not built (apt-get install libspnav-dev)"; exit 77; }
mkdir -p "$out" || exit 1
# sockets and FIFOs cannot live on the results share (9p): a scratch in /tmp
work=$(mktemp -d /tmp/spnav-oracle.XXXXXX) || exit 1

wait_for() { # FILE PATTERN TENTHS
	local i
	for ((i = 0; i < $3; i++)); do
		grep -q "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1"
	return 1
}
wait_socket() { # PATH TENTHS
	local i
	for ((i = 0; i < $2; i++)); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "timed out waiting for the socket $1"
	return 1
}
stop() { # PID
	kill "$1" 2> /dev/null
	wait "$1" 2> /dev/null
	return 0
}

# One run: DAEMON (spacenavd|hidmapd) SETTINGS (default|tuned) OUTPREFIX.
# Every feeder holds its device meanwhile; the models are played one after
# the other to one daemon and one client.
run_one() {
	local daemon=$1 settings=$2 pfx=$3 dpid cpid sock i m k
	local tmp=$work/$daemon
	rm -rf "$tmp" && mkdir -p "$tmp/rt" && chmod 700 "$tmp/rt"
	if [ "$daemon" = spacenavd ]; then
		: > "$tmp/spnavrc"
		if [ "$settings" = tuned ]; then
			printf 'sensitivity = 1.5\ndead-zone = 20\nswap-yz = true\n' > "$tmp/spnavrc"
			printf 'invert-trans = x\ninvert-rot = yz\nsensitivity-rotation-y = 0.5\n' >> "$tmp/spnavrc"
		fi
		rm -f /var/run/spnav.sock /var/run/spnavd.pid
		# Debian's 1.1 binds "run/spnav.sock", relative: from / (where it
		# runs when it daemonises) that is /run/spnav.sock
		(cd / && exec spacenavd -d -v -c "$tmp/spnavrc" -l "$tmp/spnavd.log" > "$tmp/spnavd.out" 2>&1) &
		dpid=$!
		sock=/var/run/spnav.sock
	else
		: > "$tmp/hidmapd.ini"
		for ((k = 0; k < ${#models[@]}; k++)); do
			{
				echo "[device oracle$k]"
				echo "match = ${vidpids[$k]}"
				if [ "$settings" = tuned ]; then
					echo "spnav-sensitivity = 1.5"
					echo "spnav-deadzone = 20"
					echo "spnav-swap-yz = true"
					echo "spnav-invert = tx ry rz"
					echo "spnav-sensitivity-axes = 1 1 1 1 0.5 1"
				fi
			} >> "$tmp/hidmapd.ini"
		done
		XDG_RUNTIME_DIR=$tmp/rt "$hidmapd" -v run --config "$tmp/hidmapd.ini" > "$tmp/hidmapd.log" 2>&1 &
		dpid=$!
		sock=$tmp/rt/spnav.sock
	fi
	if ! wait_socket "$sock" 150; then
		stop "$dpid"
		cat "$tmp"/*.log "$tmp"/*.out 2> /dev/null | tail -20
		return 1
	fi
	# every device taken (the socket comes before the devices)
	local want=${#models[@]} got=0
	for ((i = 0; i < 300; i++)); do
		if [ "$daemon" = hidmapd ]; then
			got=$(grep -c "driven by module 3dconnexion" "$tmp/hidmapd.log")
		else
			got=$(grep -c "^using device" "$tmp/spnavd.log")
		fi
		[ "$got" -ge "$want" ] && break
		sleep 0.1
	done
	if [ "$got" -lt "$want" ]; then
		echo "$daemon took $got of $want devices"
		stop "$dpid"
		cat "$tmp"/*.log | tail -20
		return 1
	fi
	SPNAV_SOCKET=$sock "$client" $([ "$mode" = bench ] && echo -t) 30 > "$pfx.events" 2> "$pfx.client-err" &
	cpid=$!
	if ! wait_for "$pfx.events" '^connected' 100; then
		stop "$cpid"
		stop "$dpid"
		return 1
	fi
	sleep 0.5 # the client's protocol change and name are answered
	for ((k = 0; k < ${#models[@]}; k++)); do
		m=${models[$k]}
		local fout=$out/$m.feed n0
		n0=$(grep -c '^done' "$fout")
		echo "model $m" >> "$pfx.models"
		echo play > "$work/$m.ctl"
		for ((i = 0; i < 600; i++)); do
			[ "$(grep -c '^done' "$fout")" -gt "$n0" ] && break
			sleep 0.1
		done
		# the feeder's "sent" lines of this play, for the latency figures
		awk -v n="$n0" '/^done/ { d++ } /^sent/ && d == n' "$fout" >> "$pfx.sent"
	done
	sleep 0.5
	stop "$cpid"
	stop "$dpid"
	cat "$tmp"/*.log "$tmp"/*.out > "$pfx.daemon-log" 2> /dev/null
	return 0
}

bad=0 ran=0
if [ "$mode" = bench ]; then
	recs=("$src/tests/data/3dconnexion/bench.hid")
else
	recs=("$src"/tests/data/3dconnexion/oracle/*.hid)
fi
# one feeder per model, each holding its uhid device for the whole run; a
# FIFO each for its commands (kept open by a sleeping writer)
models=() vidpids=() fpids=() holders=()
for rec in "${recs[@]}"; do
	m=$(basename "$rec" .hid)
	models+=("$m")
	vidpids+=("$(awk '/^I:/ { print $3 ":" $4; exit }' "$rec")")
	mkfifo "$work/$m.ctl" || exit 1
	"$feed" "$rec" "$gap_ms" < "$work/$m.ctl" > "$out/$m.feed" 2> "$out/$m.feed-err" &
	fpids+=($!)
	sleep 100000 > "$work/$m.ctl" &
	holders+=($!)
	if ! wait_for "$out/$m.feed" '^ready' 150; then
		cat "$out/$m.feed-err"
		bad=$((bad + 1))
	fi
done
cleanup() {
	for p in "${holders[@]}"; do kill "$p" 2> /dev/null; done
	for p in "${fpids[@]}"; do stop "$p"; done
}
if [ $bad -gt 0 ]; then
	cleanup
	exit 1
fi

if [ "$mode" = bench ]; then
	for ((r = 1; r <= rounds; r++)); do
		for daemon in spacenavd hidmapd; do
			run_one "$daemon" default "$out/bench.$daemon.$r" || bad=$((bad + 1))
		done
	done
	cleanup
	exit $bad
fi
for settings in default tuned; do
	run_one spacenavd "$settings" "$out/$settings.spacenavd" || { bad=$((bad + 1)); continue; }
	run_one hidmapd "$settings" "$out/$settings.hidmapd" || { bad=$((bad + 1)); continue; }
	ran=$((ran + 1))
	a=$out/$settings.spacenavd.events b=$out/$settings.hidmapd.events
	if ! diff -u "$a" "$b" > "$out/$settings.diff"; then
		echo "FAIL: $settings settings: the libspnav client heard other events from hidmapd than from spacenavd:"
		head -n 40 "$out/$settings.diff"
		bad=$((bad + 1))
	elif [ "$(grep -c '^motion' "$a")" -lt $((3 * ${#models[@]})) ] ||
		[ "$(grep -c '^press' "$a")" -lt ${#models[@]} ]; then
		echo "FAIL: $settings: too few events to compare ($(wc -l < "$a") lines)"
		bad=$((bad + 1))
	else
		echo "ok: $settings settings, ${#models[@]} models (${models[*]}): $(grep -c '^motion' "$a") motion, $(grep -c '^press' "$a") press, $(grep -c '^release' "$a") release events equal"
	fi
done
cleanup
[ $ran -eq 2 ] || { echo "FAIL: not every run compared"; exit 1; }
[ $bad -eq 0 ] || exit 1
echo "PASS: the libspnav client heard the same events from hidmapd as from spacenavd"
