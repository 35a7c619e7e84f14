#!/bin/bash
# SPDX-License-Identifier: MIT
# VM scenario (issue 22): hidmapd's spnav server against Debian's spacenavd
# 1.1, both heard by an unmodified client linked against Debian's libspnav
# 1.0 (spnav-client).  For each model of tests/data/3dconnexion/oracle one
# uhid device (spnav-feed) is held while its reports are played once to
# spacenavd (as root, reading the kernel's evdev node, as it runs on a
# desktop; its config by -c, its socket /run/spnav.sock) and once to
# `hidmapd run` (its config by --config, its socket
# $XDG_RUNTIME_DIR/spnav.sock, its link to hidmapd/spnav.sock), the client connecting through SPNAV_SOCKET
# each time.  The events the client prints must be equal: values, order,
# button numbers (and, once, while spacenavd runs: hidmapd leaves the
# device to it and `hidmapd doctor` says so; and a spacenavd started after
# hidmapd gets the device, which hidmapd takes back when it stops).
# Six models with default settings (the SpaceTraveler,
# the SpaceNavigator's layout under another id, is left out), and with
# sensitivity, dead zone, swap-yz, inversion and a per-axis sensitivity set
# the same way in spnavrc and in the [device] section ("tuned") the
# Enterprise (six-axis report 1, folded buttons); SPNAV_ORACLE_ALL=1: every
# model both ways.  CI time: about 13 s a pair under TCG; the data test
# spnav-replay-vs-spacenavd checks all 14 pairs against spacenavd's answers
# captured here.  One model at a time: spacenavd 1.1
# sends a client only its newest device's events, and so does hidmapd.
#
# Timing: reports are GAP_MS (20 ms) apart, far longer than either daemon
# takes, so neither coalesces two reports into one motion event (spacenavd
# sends one per evdev frame, hidmapd one per report); the motion event's
# period field is timing and the client does not print it.
#
#   check-spnav-oracle.sh FEED CLIENT HIDMAPD SRCDIR OUTDIR [bench ROUNDS]
# With "bench ROUNDS" it plays bench.hid instead, ROUNDS times to each
# daemon in turn, for the latency from the uhid report to the client's
# event (bench-spnav-latency.sh computes it from the files left in OUTDIR).
set -u -o pipefail
feed=$1 client=$2 hidmapd=$3 src=$4 out=$5
mode=${6:-oracle} rounds=${7:-3}
# bench: plays of bench.hid per daemon and round (more samples per round
# for a p99 that is not the second-worst of 200)
plays=${SPNAV_BENCH_PLAYS:-1}
gap_ms=20
tuned_models=${SPNAV_ORACLE_ALL:+all}
tuned_models=${tuned_models:-spacemouse-enterprise-256f-c633}
skip_models=${SPNAV_ORACLE_ALL:+none}
skip_models=${skip_models:-spacetraveler-046d-c623}

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
wait_count() { # FILE PATTERN N TENTHS: until PATTERN is in FILE N times
	local i
	for ((i = 0; i < $4; i++)); do
		[ "$(grep -c "$2" "$1" 2> /dev/null)" -ge "$3" ] && return 0
		sleep 0.1
	done
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

# Coexistence, once, while spacenavd has the device: hidmapd leaves it
# alone (its log says so), and `hidmapd doctor` says spacenavd has it.
coexist_checked= coexist_bad=0
check_coexistence() {
	local co=$work/coexist hpid rc=0
	rm -rf "$co" && mkdir -p "$co/rt" && chmod 700 "$co/rt" && : > "$co/empty.ini"
	XDG_RUNTIME_DIR=$co/rt "$hidmapd" -v run --config "$co/empty.ini" > "$co/hidmapd.log" 2>&1 &
	hpid=$!
	if wait_for "$co/hidmapd.log" "left to spacenavd" 150; then
		echo "ok: coexistence: hidmapd left $m to spacenavd"
	else
		echo "FAIL: coexistence: hidmapd did not leave $m to spacenavd"
		rc=1
	fi
	stop "$hpid"
	XDG_RUNTIME_DIR=$co/rt "$hidmapd" doctor --config "$co/empty.ini" > "$co/doctor.txt" 2>&1
	if grep -q "spacenavd (pid [0-9]*) has it" "$co/doctor.txt"; then
		echo "ok: coexistence: $(grep "spacenavd (pid" "$co/doctor.txt" | head -n 1)"
	else
		echo "FAIL: coexistence: hidmapd doctor does not say spacenavd has the device:"
		cat "$co/doctor.txt"
		rc=1
	fi
	cp "$co/hidmapd.log" "$out/coexistence.hidmapd.log" 2> /dev/null
	cp "$co/doctor.txt" "$out/coexistence.doctor.txt" 2> /dev/null
	return $rc
}

# spacenavd started after hidmapd, once, at the end of a hidmapd run (its
# events already captured): hidmapd lets the device go (inotify on /run,
# its log says so), doctor says spacenavd has it; spacenavd stopped,
# hidmapd takes the device again.
late_checked= late_bad=0
# TMP N TENTHS WHAT: hidmapd's log in TMP says it drives $m for the Nth time
taken_back() {
	if wait_count "$1/hidmapd.log" "driven by module 3dconnexion" "$2" "$3"; then
		echo "ok: $4: hidmapd drives $m again"
		return 0
	fi
	echo "FAIL: $4: hidmapd did not take $m back"
	tail -n 5 "$1/hidmapd.log"
	return 1
}

check_late_spacenavd() { # TMP: the hidmapd run's directory
	local tmp=$1 spid rc=0 i
	rm -f /run/spnav.sock /run/spnavd.pid
	: > "$tmp/late-spnavrc"
	(cd / && exec spacenavd -d -v -c "$tmp/late-spnavrc" -l "$tmp/late-spnavd.log" > "$tmp/late-spnavd.out" 2>&1) &
	spid=$!
	if wait_for "$tmp/hidmapd.log" "which started after hidmapd" 150; then
		echo "ok: late spacenavd: $(grep "which started after hidmapd" "$tmp/hidmapd.log" | head -n 1 | cut -c 1-120)"
	else
		echo "FAIL: late spacenavd: hidmapd did not let $m go"
		rc=1
	fi
	XDG_RUNTIME_DIR=$tmp/rt "$hidmapd" doctor --config "$tmp/hidmapd.ini" > "$tmp/late-doctor.txt" 2>&1
	if grep -q "spacenavd (pid [0-9]*) has it" "$tmp/late-doctor.txt"; then
		echo "ok: late spacenavd: doctor: $(grep "spacenavd (pid" "$tmp/late-doctor.txt" | head -n 1)"
	else
		echo "FAIL: late spacenavd: doctor does not say spacenavd has the device:"
		cat "$tmp/late-doctor.txt"
		rc=1
	fi
	stop "$spid"
	for ((i = 0; i < 30; i++)); do
		[ -e /run/spnavd.pid ] || [ -e /run/spnav.sock ] || break
		sleep 0.1
	done
	if [ -e /run/spnavd.pid ] || [ -e /run/spnav.sock ]; then
		echo "note: spacenavd left $(ls /run/spnavd.pid /run/spnav.sock 2> /dev/null) behind; removing"
		rm -f /run/spnav.sock /run/spnavd.pid
	fi
	taken_back "$tmp" 2 150 "late spacenavd stopped" || rc=1
	# a spacenavd killed with SIGKILL leaves its pid file and socket:
	# hidmapd sees its end through a pidfd and takes the device back
	rm -f /run/spnav.sock /run/spnavd.pid
	(cd / && exec spacenavd -d -v -c "$tmp/late-spnavrc" -l "$tmp/late-spnavd-2.log" > "$tmp/late-spnavd-2.out" 2>&1) &
	spid=$!
	if ! wait_count "$tmp/hidmapd.log" "which started after hidmapd" 2 150; then
		echo "FAIL: spacenavd started again: hidmapd did not let $m go"
		rc=1
	fi
	kill -KILL "$spid" 2> /dev/null
	wait "$spid" 2> /dev/null
	if [ -e /run/spnavd.pid ] || [ -e /run/spnav.sock ]; then
		echo "ok: spacenavd SIGKILLed, its files left behind: $(ls /run/spnavd.pid /run/spnav.sock 2> /dev/null | tr '\n' ' ')"
	fi
	taken_back "$tmp" 3 50 "spacenavd SIGKILLed (5 s)" || rc=1
	rm -f /run/spnav.sock /run/spnavd.pid
	cp "$tmp/hidmapd.log" "$out/late-spacenavd.hidmapd.log" 2> /dev/null
	cp "$tmp/late-doctor.txt" "$out/late-spacenavd.doctor.txt" 2> /dev/null
	return $rc
}

battery_checked= battery_bad=0
# The battery report (0x17: the charge in percent, logical 0..100) into
# `hidmapd status`, against the kernel's own reading of the same report:
# hid-input makes a power supply of the Generic Device Controls usage
# Battery Strength (hid-<device>-battery/capacity under the HID device).
check_battery() { # TMP: the hidmapd run's directory
	local tmp=$1 syspath cap st i
	echo "report 17 4b 00" >&5 # 0x4b: 75 %
	wait_for "$fout" '^reported' 50 || { echo "FAIL: battery: the feeder did not send the report"; return 1; }
	syspath=$(awk '/^ready/ { print $2; exit }' "$fout")
	cap=$(cat "$syspath"/power_supply/*/capacity 2> /dev/null)
	for ((i = 0; i < 30; i++)); do
		st=$(XDG_RUNTIME_DIR=$tmp/rt "$hidmapd" status 2>&1 | grep -o 'battery [0-9]*%')
		[ -n "$st" ] && break
		sleep 0.1
	done
	if [ "$cap" = 75 ] && [ "$st" = "battery 75%" ]; then
		echo "ok: $m: battery report: hidmapd status says '$st', the kernel's power supply capacity $cap"
		return 0
	fi
	echo "FAIL: $m: battery report 17 4b 00: hidmapd status '$st', the kernel's capacity '$cap' (both should be 75)"
	return 1
}

# The LED off when hidmapd lets the device go (the module's goodbye, sent
# before the node is closed): the feeder prints each output report uhid
# hands it ("output 04 00": report 4, bit 0 the LED, off).  Waits up to 5 s
# for one after line N0 of its output.  WHAT says when.
led_bad=0 led_stops=0
led_since() { # N0 00|01 WHAT
	local i
	for ((i = 0; i < 50; i++)); do
		if tail -n +"$(($1 + 1))" "$fout" | grep -q "^output 04 $2"; then
			echo "ok: $m: the LED switched $([ "$2" = 00 ] && echo off || echo on) $3"
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL: $m: no output report 04 $2 $3 (feeder's output since: $(tail -n +"$(($1 + 1))" "$fout" | grep -v '^sent' | tr '\n' ' '))"
	led_bad=1
	return 1
}
led_off_since() { # N0 WHAT
	led_since "$1" 00 "$2"
}

# Once, at the end of the first hidmapd run: spnav-led = auto (a reload):
# off, on while a libspnav client is connected, off when it left.
check_led_auto() { # TMP DPID SOCKET
	local n0 cpid
	n0=$(wc -l < "$fout")
	echo "spnav-led = auto" >> "$1/hidmapd.ini"
	kill -HUP "$2"
	led_off_since "$n0" "at a reload to spnav-led = auto, no client connected" || return 1
	n0=$(wc -l < "$fout")
	SPNAV_SOCKET=$3 "$client" 30 > "$1/auto-client.out" 2>&1 &
	cpid=$!
	led_since "$n0" 01 "while a libspnav client is connected (spnav-led = auto)"
	n0=$(wc -l < "$fout")
	stop "$cpid"
	led_off_since "$n0" "when the client left (spnav-led = auto)"
}

# Once, at the end of the first hidmapd run: a reload whose configuration
# leaves the device alone (enabled = no) lets it go, LED off.
led_reload_checked=
check_led_reload() { # TMP DPID
	local n0
	n0=$(wc -l < "$fout")
	echo "enabled = no" >> "$1/hidmapd.ini"
	kill -HUP "$2"
	led_off_since "$n0" "at a reload that lets it go (enabled = no)"
}

# One run: DAEMON (spacenavd|hidmapd) SETTINGS (default|tuned) OUTPREFIX;
# the feeder of model $m holds its device, its commands on fd 5, its
# output in $fout.
run_one() {
	local daemon=$1 settings=$2 pfx=$3 dpid cpid sock n0 i nstart nstop
	local tmp=$work/$daemon
	nstart=$(wc -l < "$fout")
	rm -rf "$tmp" && mkdir -p "$tmp/rt" && chmod 700 "$tmp/rt"
	if [ "$daemon" = spacenavd ]; then
		: > "$tmp/spnavrc"
		if [ "$settings" = tuned ]; then
			printf 'sensitivity = 1.5\ndead-zone = 20\nswap-yz = true\n' > "$tmp/spnavrc"
			printf 'invert-trans = x\ninvert-rot = yz\nsensitivity-rotation-y = 0.5\n' >> "$tmp/spnavrc"
		fi
		rm -f /run/spnav.sock /run/spnavd.pid
		# Debian's 1.1 binds "run/spnav.sock", relative: from / (where it
		# runs when it daemonises) that is /run/spnav.sock, libspnav's
		# /var/run/spnav.sock
		(cd / && exec spacenavd -d -v -c "$tmp/spnavrc" -l "$tmp/spnavd.log" > "$tmp/spnavd.out" 2>&1) &
		dpid=$!
		sock=/run/spnav.sock
	else
		{
			echo "[device oracle]"
			echo "match = $vidpid"
			if [ "$settings" = tuned ]; then
				echo "spnav-sensitivity = 1.5"
				echo "spnav-deadzone = 20"
				echo "spnav-swap-yz = true"
				echo "spnav-invert = tx ry rz"
				echo "spnav-sensitivity-axes = 1 1 1 1 0.5 1"
			fi
		} > "$tmp/hidmapd.ini"
		XDG_RUNTIME_DIR=$tmp/rt "$hidmapd" -v run --config "$tmp/hidmapd.ini" > "$tmp/hidmapd.log" 2>&1 &
		dpid=$!
		sock=$tmp/rt/spnav.sock # hidmapd run links it to hidmapd/spnav.sock
	fi
	if ! wait_socket "$sock" 150; then
		stop "$dpid"
		cat "$tmp"/*.log "$tmp"/*.out 2> /dev/null | tail -20
		return 1
	fi
	# the device taken (hidmapd's socket comes before its devices)
	if [ "$daemon" = hidmapd ]; then
		wait_for "$tmp/hidmapd.log" "driven by module 3dconnexion" 150 || { stop "$dpid"; tail -20 "$tmp/hidmapd.log"; return 1; }
	else
		wait_for "$tmp/spnavd.log" "^using device" 150 || { stop "$dpid"; tail -20 "$tmp/spnavd.log"; return 1; }
	fi
	if [ "$daemon" = spacenavd ] && [ "$mode" = oracle ] && [ -z "$coexist_checked" ]; then
		coexist_checked=1
		check_coexistence || coexist_bad=1
	fi
	SPNAV_SOCKET=$sock "$client" $([ "$mode" = bench ] && echo -t) 30 > "$pfx.events" 2> "$pfx.client-err" &
	cpid=$!
	if ! wait_for "$pfx.events" '^connected' 100; then
		stop "$cpid"
		stop "$dpid"
		return 1
	fi
	sleep 0.3 # the client's protocol change is answered
	n0=$(grep -c '^done' "$fout")
	local p np=1
	[ "$mode" = bench ] && np=$plays
	for ((p = 1; p <= np; p++)); do
		echo play >&5
		# no grep while it plays (forks under TCG disturb the latency run):
		# the play takes at least its reports times the gap
		sleep "$((nreports * gap_ms / 1000)).$(printf %03d $((nreports * gap_ms % 1000)))"
		for ((i = 0; i < 900; i++)); do
			[ "$(grep -c '^done' "$fout")" -ge "$((n0 + p))" ] && break
			sleep 0.1
		done
	done
	sleep 0.3
	# the feeder's "sent" lines of these plays, for the latency figures
	awk -v n="$n0" -v k="$np" '/^done/ { d++ } /^sent/ && d >= n && d < n + k' "$fout" > "$pfx.sent"
	if [ "$mode" = oracle ] && [ "$daemon" = hidmapd ] && [ "$settings" = default ] &&
		[ "$m" = spacemouse-wireless-256f-c62e ]; then
		battery_checked=1
		check_battery "$tmp" || battery_bad=1
	fi
	stop "$cpid"
	if [ "$daemon" = hidmapd ] && [ "$mode" = oracle ] && [ -z "$late_checked" ]; then
		late_checked=1
		check_late_spacenavd "$tmp" || late_bad=1
		led_reload_checked=1
		check_led_auto "$tmp" "$dpid" "$sock"
		check_led_reload "$tmp" "$dpid"
	fi
	nstop=$(wc -l < "$fout")
	stop "$dpid"
	# the LED on when hidmapd stops (its configure hook switched it on;
	# not after the reload above): off at its stop
	if [ "$daemon" = hidmapd ] && [ "$mode" = oracle ] &&
		[ "$(tail -n +"$((nstart + 1))" "$fout" | head -n "$((nstop - nstart))" | grep '^output' | tail -n 1)" = "output 04 01" ]; then
		led_stops=$((led_stops + 1))
		led_off_since "$nstop" "at hidmapd's stop (SIGTERM)"
	fi
	cat "$tmp"/*.log "$tmp"/*.out > "$pfx.daemon-log" 2> /dev/null
	return 0
}

bad=0 ran=0
if [ "$mode" = bench ]; then
	recs=("$src/tests/data/3dconnexion/bench.hid")
else
	recs=("$src"/tests/data/3dconnexion/oracle/*.hid)
fi
for rec in "${recs[@]}"; do
	m=$(basename "$rec" .hid)
	[ "$mode" = bench ] || case " $skip_models " in *" $m "*) continue ;; esac
	vidpid=$(awk '/^I:/ { print $3 ":" $4; exit }' "$rec")
	nreports=$(grep -c '^E:' "$rec")
	fout=$out/$m.feed
	rm -f "$work/$m.fifo" && mkfifo "$work/$m.fifo" || exit 1
	"$feed" "$rec" "$gap_ms" < "$work/$m.fifo" > "$fout" 2> "$out/$m.feed-err" &
	fpid=$!
	exec 5> "$work/$m.fifo"
	if ! wait_for "$fout" '^ready' 150; then
		cat "$out/$m.feed-err"
		exec 5>&-
		stop "$fpid"
		bad=$((bad + 1))
		continue
	fi
	if [ "$mode" = bench ]; then
		for ((r = 1; r <= rounds; r++)); do
			for daemon in spacenavd hidmapd; do
				run_one "$daemon" default "$out/$m.$daemon.$r" || bad=$((bad + 1))
			done
		done
	else
		sets=default
		case " $tuned_models " in *" $m "* | " all ") sets="default tuned" ;; esac
		for settings in $sets; do
			run_one spacenavd "$settings" "$out/$m.$settings.spacenavd" || { bad=$((bad + 1)); continue; }
			run_one hidmapd "$settings" "$out/$m.$settings.hidmapd" || { bad=$((bad + 1)); continue; }
			ran=$((ran + 1))
			a=$out/$m.$settings.spacenavd.events b=$out/$m.$settings.hidmapd.events
			if ! diff -u "$a" "$b" > "$out/$m.$settings.diff"; then
				echo "FAIL: $m ($settings settings): the libspnav client heard other events from hidmapd than from spacenavd:"
				head -n 30 "$out/$m.$settings.diff"
				bad=$((bad + 1))
			elif [ "$(grep -c '^motion' "$a")" -lt 3 ] || [ "$(grep -c '^press' "$a")" -lt 1 ]; then
				echo "FAIL: $m ($settings): too few events to compare ($(wc -l < "$a") lines)"
				bad=$((bad + 1))
			else
				echo "ok: $m ($settings): $(grep -c '^motion' "$a") motion, $(grep -c '^press' "$a") press, $(grep -c '^release' "$a") release events equal"
			fi
		done
	fi
	echo quit >&5
	exec 5>&-
	stop "$fpid"
done
rm -rf "$work"
[ "$mode" = bench ] && exit $bad
[ $ran -gt 0 ] || { echo "FAIL: nothing compared"; exit 1; }
[ "$coexist_checked" = 1 ] && [ $coexist_bad = 0 ] || { echo "FAIL: coexistence"; exit 1; }
[ "$late_checked" = 1 ] && [ $late_bad = 0 ] || { echo "FAIL: spacenavd started after hidmapd"; exit 1; }
[ "$battery_checked" = 1 ] && [ $battery_bad = 0 ] || { echo "FAIL: the battery report"; exit 1; }
[ "$led_reload_checked" = 1 ] && [ $led_stops -gt 0 ] && [ $led_bad = 0 ] ||
	{ echo "FAIL: the LED at hidmapd's stop or reload ($led_stops stops checked)"; exit 1; }
[ $bad -eq 0 ] || exit 1
echo "PASS: $ran model/settings runs equal"
