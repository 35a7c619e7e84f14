#!/bin/bash
# SPDX-License-Identifier: MIT
#
# VM scenario: the shipped hidmapd.service under a real, unprivileged
# `systemd --user` on the real kernel (run by run-vm.sh, as root, in the VM).
#
#   user-unit.sh MODE SCENARIOS HIDMAPD UNIT_DIR CORPUS_DIR KERNEL_DATA_DIR TMPDIR
#
# MODE is `hardened` (the unit as built), `no-userns` (with the shipped
# drop-in no-userns.conf) or `package`: the Debian package that
# `meson test --suite package` left in BUILD/package/hidmapd.deb (BUILD is
# UNIT_DIR's parent), installed with dpkg into overlays over the read-only
# /usr, /etc and /var as an upgrade of the previous version's package
# (BUILD/package/hidmapd-prev.deb, built from the parent commit), its unit,
# rules and layouts used as installed (see package_install() and
# package_remove() below).  UNIT_DIR is build/systemd (hidmapd.service and
# no-userns.conf as configured).  The checks themselves are the scenarios
# `user-unit` and `user-unit-no-userns` of SCENARIOS (tests/vm/scenarios-service.c);
# this script makes the world they need, what a login on a desktop makes:
#
# - a mount namespace of its own, so that all of this goes with the scenario:
#   a fresh /run (the results share moved into it), /home, /tmp and
#   /var/tmp tmpfs (the host root is read-only; PrivateTmp= needs a
#   writable /tmp and /var/tmp), /etc/passwd and /etc/group with a test user added (bind
#   mounts of copies), /run/systemd/system (sd_booted(): `systemd --user`
#   refuses to run without it), cgroup2 at /sys/fs/cgroup
# - the user's /run/user/UID (0700) and HOME, and a delegated cgroup
#   user.slice/user-UID.slice/user@UID.service owned by the user (what
#   user@.service's Delegate=yes gives the user manager)
# - /dev/uinput given to the user (the uaccess rule); the hidraw and evdev
#   nodes of the test devices are given to it as they appear, by the udevd
#   stand-in of the scenario (see scenarios-service.c)
# - `systemd --user` started as the user (setpriv, no capabilities) in that
#   cgroup; `systemctl --user` reaches it on $XDG_RUNTIME_DIR/systemd/private
#   without D-Bus
# - copies of the built hidmapd, the scenarios program and the unit files,
#   and bind mounts of CORPUS_DIR and KERNEL_DATA_DIR, in /run/hidmapd-user-unit/stage:
#   the checkout and the build directory may be anywhere, also under what
#   these mounts hide (/home, /tmp, /var/tmp, /run)
# - the built unit in ~/.config/systemd/user/ with ExecStart= pointing at the
#   copy of the built binary (nothing else changed), a test-only drop-in sending the
#   daemon's stderr to a file (no journald in the VM), and
#   ~/.config/hidmapd/test.ini: [device kbd] match = 1209:0001, KEY_A = KEY_B
#
# Exit status: that of the scenario (0 pass, 1 fail), 77 when systemd,
# systemctl, setpriv or unshare is missing, 2 bad usage.  Refuses to run
# outside the VM (it mounts over /etc/passwd).

set -u -o pipefail
prog=${0##*/}
skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*"; exit 1; }

[ $# -eq 7 ] || { echo "usage: $prog hardened|no-userns SCENARIOS HIDMAPD UNIT_DIR CORPUS KDATA TMPDIR" >&2; exit 2; }
mode=$1 scenarios=$2 hidmapd=$3 unitdir=$4 corpus=$5 kdata=$6 tmp=$7
case $mode in
hardened) scenario=user-unit ;;
no-userns) scenario=user-unit-no-userns ;;
package) scenario=user-unit-package ;;
*) echo "$prog: unknown mode $mode" >&2; exit 2 ;;
esac

[ "${HIDMAPD_VM:-}" = 1 ] && [ "$(id -u)" = 0 ] ||
	skip "not in the test VM as root (run inside tests/vm/run-vm.sh)"
systemd_bin=""
for s in /usr/lib/systemd/systemd /lib/systemd/systemd; do
	[ -x "$s" ] && { systemd_bin=$s; break; }
done
[ -n "$systemd_bin" ] || skip "no /usr/lib/systemd/systemd (apt-get install systemd)"
for p in systemctl setpriv unshare; do
	command -v $p > /dev/null || skip "no $p (apt-get install systemd util-linux)"
done
[ -r "$unitdir/hidmapd.service" ] || die "no $unitdir/hidmapd.service (not built?)"
deb=$(dirname "$unitdir")/package/hidmapd.deb
if [ $mode = package ]; then
	[ -r "$deb" ] || skip "no $deb (meson test --suite package builds it)"
	for p in dpkg dpkg-deb dpkg-query sha256sum; do
		command -v $p > /dev/null || skip "no $p"
	done
fi

# everything below in a mount namespace of our own
if [ -z "${HM_UU_NS:-}" ]; then
	HM_UU_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

user=hidmapd-test
uid=4242
while getent passwd $uid > /dev/null || getent group $uid > /dev/null; do uid=$((uid + 1)); done
home=/home/$user
rt=/run/user/$uid
work=/run/hidmapd-user-unit
cg=/sys/fs/cgroup/user.slice/user-$uid.slice/user@$uid.service

# What the scenario needs from the checkout and the build directory, in a
# scratch of its own, so that it runs wherever these are: the mounts below
# hide /run, /home, /tmp and /var/tmp, and the unit's PrivateTmp= hides /tmp
# and /var/tmp from the daemon.  Copies of the two programs and the unit
# files (the test user must be able to run and read them, whatever the
# modes of the directories above the build), bind mounts of the recordings
# (only root reads them).  Moved to $work/stage once /run is fresh.
stage=/dev/shm/hm-user-unit.$$
mkdir -p $stage && mount -t tmpfs -o mode=755 tmpfs $stage || die "tmpfs $stage"
mkdir -p $stage/bin $stage/unit $stage/corpus $stage/kernel $stage/pkg
if [ $mode = package ]; then
	install -m 644 "$deb" $stage/pkg/hidmapd.deb || die "cannot copy $deb"
	# the previous version's package (tests/package/check-package.sh), or
	# why there is none
	for f in hidmapd-prev.deb prev.txt; do
		[ ! -e "${deb%/*}/$f" ] || install -m 644 "${deb%/*}/$f" $stage/pkg/ || die "cannot copy ${deb%/*}/$f"
	done
	# the Stream Deck's recording, where KERNEL_DATA_DIR/../layouts points
	mkdir -p $stage/layouts
	install -m 644 "$kdata/../layouts/streamdeck-xl.hid" $stage/layouts/ ||
		die "cannot copy $kdata/../layouts/streamdeck-xl.hid"
else
	install -m 755 "$hidmapd" $stage/bin/hidmapd || die "cannot copy $hidmapd"
fi
install -m 755 "$scenarios" $stage/bin/scenarios || die "cannot copy $scenarios"
# issue 22: a client of Debian's libspnav, when it was built (libspnav-dev)
if [ -x "$(dirname "$scenarios")/spnav-client" ]; then
	install -m 755 "$(dirname "$scenarios")/spnav-client" $stage/bin/spnav-client || die "cannot copy spnav-client"
fi
install -m 644 "$unitdir/hidmapd.service" $stage/unit/ || die "cannot copy $unitdir/hidmapd.service"
if [ $mode = no-userns ]; then
	install -m 644 "$unitdir/no-userns.conf" $stage/unit/ || die "no $unitdir/no-userns.conf"
fi
mount --bind "$corpus" $stage/corpus && mount --bind "$kdata" $stage/kernel ||
	die "cannot bind $corpus and $kdata"

# ---- package mode ---------------------------------------------------------
# package_install: overlays (tmpfs uppers) over the read-only /usr, /etc and
# /var, then `dpkg -i` of the previous version: the package of the parent
# commit, which the package suite built (hidmapd-prev.deb).  When it could
# not (prev.txt says why: a shallow clone, a parent without debian/), this
# package relabelled 0.0.0~prev and without one layout (xkeys.ini), so that
# the upgrade still adds a layout; the output says FALLBACK.
package_install() {
	local d
	pk=$work/stage/pkg
	mkdir -p $work/ovl && mount -t tmpfs -o mode=755 tmpfs $work/ovl || die "tmpfs $work/ovl"
	for d in usr etc var; do
		mkdir -p $work/ovl/$d.up $work/ovl/$d.work
		mount -t overlay overlay \
			-o lowerdir=/$d,upperdir=$work/ovl/$d.up,workdir=$work/ovl/$d.work /$d ||
			die "cannot mount an overlay over /$d (overlay module loaded?)"
	done
	# man-db's trigger would index every manual page (minutes under TCG):
	# its switch for that, in the overlay
	rm -f /var/lib/man-db/auto-update
	echo "$prog: overlays over /usr, /etc, /var; dpkg -i the previous version"
	if [ -r $pk/hidmapd-prev.deb ]; then
		prev_what="the parent commit's package ($(cut -d' ' -f1 $pk/prev.txt))"
		mv $pk/hidmapd-prev.deb $pk/prev.deb
		dpkg-deb -x $pk/prev.deb $pk/prev || die "dpkg-deb -x $pk/prev.deb"
	else
		prev_what="this package relabelled 0.0.0~prev, without xkeys.ini"
		echo "$prog: FALLBACK: no package of the parent commit ($(cat $pk/prev.txt 2> /dev/null ||
			echo "no prev.txt: run meson test --suite package")): the previous version is $prev_what"
		dpkg-deb -R $pk/hidmapd.deb $pk/prev || die "dpkg-deb -R"
		sed -i 's/^Version: .*/Version: 0.0.0~prev/' $pk/prev/DEBIAN/control
		rm $pk/prev/usr/share/hidmapd/layouts/xkeys.ini
		sed -i '\| usr/share/hidmapd/layouts/xkeys.ini$|d' $pk/prev/DEBIAN/md5sums
		dpkg-deb -b $pk/prev $pk/prev.deb > /dev/null || die "dpkg-deb -b"
	fi
	prev_version=$(dpkg-deb -f $pk/prev.deb Version)
	# the layouts each version ships, counted in its files ([layout ID:PART]
	# sections are parts of layout ID)
	nlayouts_prev=$(cat $pk/prev/usr/share/hidmapd/layouts/*.ini | grep -c '^\[layout [^]:]*\]')
	mkdir $pk/cur && dpkg-deb -x $pk/hidmapd.deb $pk/cur || die "dpkg-deb -x"
	nlayouts=$(cat $pk/cur/usr/share/hidmapd/layouts/*.ini | grep -c '^\[layout [^]:]*\]')
	version=$(dpkg-deb -f $pk/hidmapd.deb Version)
	dpkg-deb -c $pk/hidmapd.deb | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' > $pk/files
	t0=$(cut -d" " -f1 /proc/uptime)
	timeout 300 dpkg -i $pk/prev.deb > $pk/dpkg-prev.log 2>&1 ||
		{ cat $pk/dpkg-prev.log; die "dpkg -i $pk/prev.deb"; }
	for f in /usr/bin/hidmapd /usr/lib/systemd/user/hidmapd.service \
		/usr/lib/udev/rules.d/70-hidmapd.rules /usr/lib/modules-load.d/hidmapd.conf; do
		[ -e $f ] || die "$f missing after dpkg -i"
	done
	echo "$prog: dpkg -i took $(awk "BEGIN { print $(cut -d" " -f1 /proc/uptime) - $t0 }") s"
	[ "$(dpkg-query -W -f='${Version}' hidmapd)" = "$prev_version" ] || die "dpkg -i $pk/prev.deb: dpkg says $(dpkg-query -W -f='${Version}' hidmapd)"
	echo "$prog: dpkg -i: hidmapd $prev_version installed, $prev_what; $(/usr/bin/hidmapd --version); $(wc -l < $pk/files) files in the package to come"
}

# `hidmapd status` as the user, its "layouts" line
layouts_line() {
	local i l
	for i in $(seq 50); do
		l=$(as_user /usr/bin/hidmapd status 2> /dev/null | grep '^layouts ') && { echo "$l"; return 0; }
		sleep 0.2
	done
	echo "(no status)"
}

unit_active() {
	local i
	for i in $(seq 100); do
		[ "$(as_user systemctl --user is-active hidmapd.service)" = active ] && return 0
		sleep 0.1
	done
	return 1
}

# package_upgrade: what the README says a user runs, on the previous
# version; then the upgrade, a reload that reads the layout it added, the
# user's configuration untouched; the scenario restarts it on the new binary.
package_upgrade() {
	local l
	as_user systemctl --user enable --now hidmapd.service > $work/enable.txt 2>&1 ||
		{ cat $work/enable.txt; echo "FAIL: systemctl --user enable --now hidmapd"; return 1; }
	[ -L $home/.config/systemd/user/default.target.wants/hidmapd.service ] ||
		{ echo "FAIL: enable made no default.target.wants symlink"; return 1; }
	unit_active || { echo "FAIL: hidmapd.service not active after enable --now"; return 1; }
	l=$(layouts_line)
	echo "$prog: enable --now ($prev_version): status: $l"
	[ "$l" = "layouts /usr/share/hidmapd/layouts $nlayouts_prev loaded" ] ||
		{ echo "FAIL: want the installed layouts' folder with $nlayouts_prev layouts"; return 1; }
	config_sum=$(sha256sum < $conf/hidmapd/test.ini)
	pid=$(as_user systemctl --user show -P MainPID hidmapd.service)
	[ "$(readlink /proc/$pid/exe)" = /usr/bin/hidmapd ] ||
		{ echo "FAIL: the unit's main process $pid runs $(readlink /proc/$pid/exe), not /usr/bin/hidmapd"; return 1; }
	# dpkg takes it for an upgrade (not a reinstall, not a downgrade)
	dpkg --compare-versions "$prev_version" lt "$version" ||
		{ echo "FAIL: $version does not sort after $prev_version"; return 1; }
	nlog=$(grep -c 'shipped layouts loaded' $work/hidmapd.log)
	lines=$(wc -l < $work/hidmapd.log)
	timeout 300 dpkg -i $pk/hidmapd.deb > $pk/dpkg-upgrade.log 2>&1 ||
		{ cat $pk/dpkg-upgrade.log; echo "FAIL: dpkg -i (upgrade)"; return 1; }
	grep -qF "Unpacking hidmapd ($version) over ($prev_version)" $pk/dpkg-upgrade.log ||
		{ cat $pk/dpkg-upgrade.log; echo "FAIL: dpkg -i did not upgrade $prev_version"; return 1; }
	[ "$(dpkg-query -W -f='${Version}' hidmapd)" = "$version" ] ||
		{ echo "FAIL: after the upgrade dpkg says $(dpkg-query -W -f='${Version}' hidmapd)"; return 1; }
	# the running daemon is the previous version's binary, which the
	# upgrade replaced; it re-reads the shipped layouts (new files) on a
	# reload: the user's, or its own when it sees the shipped
	# config.d/hidmapd.ini replaced
	[ "$(readlink /proc/$pid/exe)" = "/usr/bin/hidmapd (deleted)" ] ||
		{ echo "FAIL: after the upgrade the daemon $pid runs $(readlink /proc/$pid/exe)"; return 1; }
	as_user systemctl --user reload hidmapd.service || { echo "FAIL: reload"; return 1; }
	for _ in $(seq 50); do
		[ "$(grep -c 'shipped layouts loaded' $work/hidmapd.log)" -gt "$nlog" ] && break
		sleep 0.2
	done
	sleep 0.5
	l=$(layouts_line)
	echo "$prog: upgraded $prev_version -> $version with dpkg -i, systemctl --user reload: status: $l"
	[ "$(as_user systemctl --user show -P MainPID hidmapd.service)" = "$pid" ] ||
		{ echo "FAIL: the reload restarted the daemon"; return 1; }
	[ "$l" = "layouts /usr/share/hidmapd/layouts $nlayouts loaded" ] ||
		{ echo "FAIL: want the upgraded layouts' folder with $nlayouts layouts after the reload"; return 1; }
	[ "$(grep -c 'shipped layouts loaded' $work/hidmapd.log)" -gt "$nlog" ] ||
		{ echo "FAIL: the reload did not re-read the upgraded layouts (no 'shipped layouts loaded' in the log)"; return 1; }
	tail -n +$((lines + 1)) $work/hidmapd.log | sed "s/^/$prog: the daemon since dpkg -i: /"
	[ "$(sha256sum < $conf/hidmapd/test.ini)" = "$config_sum" ] ||
		{ echo "FAIL: the upgrade changed ~/.config/hidmapd/test.ini"; return 1; }
	# stopped: the scenario starts it again, on the new binary, once its
	# udevd stand-in runs (the daemon listens to udevd when /run/udev/control
	# exists at its start)
	as_user systemctl --user daemon-reload && as_user systemctl --user stop hidmapd.service ||
		{ echo "FAIL: systemctl --user stop"; return 1; }
	echo "$prog: ~/.config/hidmapd kept; stopped, to start on $(/usr/bin/hidmapd --version)"
}

# package_remove: after the scenario (the unit stopped): the user disables
# it, then dpkg -r leaves none of the package's files, dpkg --purge leaves
# nothing of it in /usr, /etc, /var, and the user's configuration stays.
package_remove() {
	local left
	as_user systemctl --user disable hidmapd.service > /dev/null 2>&1
	timeout 300 dpkg -r hidmapd > $pk/dpkg-r.log 2>&1 || { cat $pk/dpkg-r.log; echo "FAIL: dpkg -r"; return 1; }
	left=$(while read -r f; do [ ! -e "$f" ] || echo "$f"; done < $pk/files)
	[ -z "$left" ] || { echo "FAIL: dpkg -r left: $left"; return 1; }
	echo "$prog: dpkg -r: none of the $(wc -l < $pk/files) files left ($(dpkg-query -W -f='${Status}' hidmapd 2>&1))"
	timeout 300 dpkg --purge hidmapd > $pk/dpkg-purge.log 2>&1 || { cat $pk/dpkg-purge.log; echo "FAIL: dpkg --purge"; return 1; }
	left=$(find $work/ovl/usr.up $work/ovl/etc.up $work/ovl/var.up -name '*hidmapd*' ! -type c)
	[ -z "$left" ] || { echo "FAIL: dpkg --purge left: $left"; return 1; }
	[ "$(sha256sum < $conf/hidmapd/test.ini)" = "$config_sum" ] ||
		{ echo "FAIL: remove or purge changed ~/.config/hidmapd/test.ini"; return 1; }
	echo "$prog: dpkg --purge: nothing named hidmapd left in /usr, /etc, /var; ~/.config/hidmapd kept"
}

# a fresh /run, with the results share, TMPDIR and the scratch in it
mkdir -p /dev/shm/hm-results && mount --bind /run/vm-results /dev/shm/hm-results || die "bind results"
mount -t tmpfs -o mode=755 tmpfs /run || die "tmpfs /run"
mkdir -p /run/vm-results "$TMPDIR" /run/systemd/system $work $work/stage
mount --move $stage $work/stage || die "move $stage"
rmdir $stage
hidmapd=$work/stage/bin/hidmapd scenarios=$work/stage/bin/scenarios unitdir=$work/stage/unit
[ $mode != package ] || hidmapd=/usr/bin/hidmapd
corpus=$work/stage/corpus kdata=$work/stage/kernel
# PID 1 and the system services it sandboxes leave /run/systemd/unit-root
# (0700 root) behind; the user manager's exec child, root only in its own
# user namespace, cannot create it (EACCES, 226/NAMESPACE) and mounts there
mkdir -m 700 /run/systemd/unit-root
mount --move /dev/shm/hm-results /run/vm-results || die "move results"
[ $mode != package ] || package_install
mkdir -p "$tmp"
mount -t tmpfs -o mode=755 tmpfs /home
# PrivateTmp= makes its directories in /tmp and /var/tmp (Result=resources
# when it cannot: the VM's /tmp is the host's, read-only, when the checkout
# is there)
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
{ cat /etc/passwd; echo "$user:x:$uid:$uid:hidmapd test:$home:/bin/bash"; } > $work/passwd
{ cat /etc/group; echo "$user:x:$uid:"; } > $work/group
mount --bind $work/passwd /etc/passwd && mount --bind $work/group /etc/group || die "passwd"
install -d -m 700 -o $uid -g $uid "$home" "$rt" || die "home"
if ! grep -q '^cgroup2 /sys/fs/cgroup ' /proc/self/mounts; then
	mount -t cgroup2 cgroup2 /sys/fs/cgroup || die "cannot mount cgroup2"
fi
mkdir -p $cg || die "mkdir $cg"
chown $uid:$uid $cg $cg/cgroup.procs $cg/cgroup.threads $cg/cgroup.subtree_control || die "chown $cg"
# /dev is the VM's devtmpfs, shared with the other scenarios: give back
# what we change there
made_mqueue=0
restore_dev() {
	chown 0:0 /dev/uinput
	chmod 600 /dev/uinput
	if [ $made_mqueue = 1 ]; then umount /dev/mqueue; rmdir /dev/mqueue; fi
}
trap restore_dev EXIT
# PrivateIPC= mounts a fresh mqueue over /dev/mqueue, which PID 1 mounts at
# boot (dev-mqueue.mount)
if [ ! -d /dev/mqueue ]; then
	mkdir /dev/mqueue && made_mqueue=1
	mount -t mqueue mqueue /dev/mqueue || die "cannot mount mqueue"
fi
chown $uid /dev/uinput || die "chown /dev/uinput"
chmod 600 /dev/uinput

# the unit as built, but for the binary's path
conf=$home/.config
u=$conf/systemd/user
mkdir -p $u/hidmapd.service.d $conf/hidmapd
if [ $mode != package ]; then
	sed "s|^ExecStart=.*/hidmapd |ExecStart=$hidmapd |" "$unitdir/hidmapd.service" > $u/hidmapd.service
	grep -q "^ExecStart=$hidmapd run\$" $u/hidmapd.service || die "cannot point ExecStart= at $hidmapd"
fi
# test only: no journald here
cat > $u/hidmapd.service.d/test-log.conf <<EOF
[Service]
StandardOutput=append:$work/hidmapd.log
StandardError=append:$work/hidmapd.log
EOF
if [ $mode = no-userns ]; then
	cp "$unitdir/no-userns.conf" $u/hidmapd.service.d/ || die "cannot copy no-userns.conf"
fi
printf '[device kbd]\nmatch = 1209:0001\n\n[remap kbd]\nKEY_A = KEY_B\n' > $conf/hidmapd/test.ini
if [ $mode = package ]; then
	# a Stream Deck XL with the test ids: decoded by the installed layout
	printf '\n[device deck]\nmatch = 1209:0003\nlayout = streamdeck-xl\n' >> $conf/hidmapd/test.ini
fi
: > $work/hidmapd.log
chown -R $uid:$uid $home/.config $work/hidmapd.log

as_user() {
	setpriv --reuid $uid --regid $uid --init-groups \
		env -i HOME=$home USER=$user LOGNAME=$user XDG_RUNTIME_DIR=$rt \
		PATH=/usr/local/bin:/usr/bin:/bin SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

# a journald stand-in for the user manager's own messages: the native
# protocol's KEY=VALUE lines, MESSAGE= kept (the manager cannot write to
# /dev/console or /dev/kmsg, and has no other place to log)
journal_py='
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
out = open(sys.argv[2], "a", buffering=1)
def fields(d):
    f, i = {}, 0
    while i < len(d):
        nl = d.find(b"\n", i)
        if nl < 0: nl = len(d)
        line = d[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1); i = nl + 1
        else:  # KEY\n, little-endian 64-bit size, data, \n
            n = int.from_bytes(d[nl + 1:nl + 9], "little")
            k, v = line, d[nl + 9:nl + 9 + n]; i = nl + 9 + n + 1
        f[k] = v
    return f
while True:
    d = s.recv(1 << 20)
    try:
        f = fields(d)
        unit = f.get(b"UNIT", f.get(b"USER_UNIT", b"")).decode(errors="replace")
        msg = f.get(b"MESSAGE", b"?").decode(errors="replace")
        out.write("%s%s\n" % (unit + ": " if unit else "", msg))
    except Exception as e:
        out.write("journal stand-in: %r: %r\n" % (e, d[:200]))
'
mkdir -p /run/systemd/journal
python3 -c "$journal_py" /run/systemd/journal/socket $work/manager.log 2> $work/journal-standin.err &
journal=$!
for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done

# the user manager, in its delegated cgroup
echo "$prog: systemd --user as $user ($uid), $mode unit"
t0=$(cut -d' ' -f1 /proc/uptime)
(
	echo $BASHPID > $cg/cgroup.procs || exit 1
	exec ${HM_UU_STRACE:+strace -f -o $work/strace.txt -e trace=%file,mount,umount2,unshare,setns,pivot_root,%process -e signal=none} setpriv --reuid $uid --regid $uid --init-groups \
		env -i HOME=$home USER=$user LOGNAME=$user XDG_RUNTIME_DIR=$rt \
		PATH=/usr/local/bin:/usr/bin:/bin \
		SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console \
		$systemd_bin --user --log-target=journal --log-level=debug
) >> $work/manager.log 2>&1 < /dev/null &
manager=$!

finish() {
	local rc=$1
	as_user systemctl --user --no-pager status hidmapd.service > $work/status.txt 2>&1
	kill -0 $journal && echo "journal stand-in alive" >> $work/journal-standin.err; cp $work/hidmapd.log $work/manager.log $work/status.txt $work/strace.txt $work/journal-standin.err "$tmp"/ 2>/dev/null
	mv "$tmp/hidmapd.log" "$tmp/$scenario.hidmapd.log" 2>/dev/null
	mv "$tmp/manager.log" "$tmp/$scenario.manager.log" 2>/dev/null
	mv "$tmp/status.txt" "$tmp/$scenario.status.txt" 2>/dev/null
	echo "---- systemctl --user status hidmapd ----"
	cat $work/status.txt
	echo "---- the unit's output (StandardError=) ----"
	cat $work/hidmapd.log
	echo "---- end ----"
	if [ "$rc" != 0 ]; then
		echo "---- systemd --user (last 60 lines without bus traffic) ----"
		grep -v -e '^Got message' -e '^Sent message' $work/manager.log | tail -n 60
		echo "---- dmesg (last 20 lines) ----"
		dmesg | tail -n 20
	fi
	as_user systemctl --user exit > /dev/null 2>&1 || kill $manager 2>/dev/null
	for _ in $(seq 100); do kill -0 $manager 2>/dev/null || break; sleep 0.1; done
	kill -9 $manager 2>/dev/null
	wait $manager 2>/dev/null
	kill $journal 2>/dev/null
	# the cgroups it left, leaves first
	find $cg -depth -type d -exec rmdir {} \; 2>/dev/null
	exit "$rc"
}

ok=0
for _ in $(seq 150); do
	[ -S $rt/systemd/private ] && { ok=1; break; }
	kill -0 $manager 2>/dev/null || break
	sleep 0.1
done
[ $ok = 1 ] || { echo "FAIL: systemd --user did not create $rt/systemd/private"; finish 1; }
state=$(as_user timeout 60 systemctl --user is-system-running --wait 2>&1)
t1=$(cut -d' ' -f1 /proc/uptime)
echo "$prog: systemd --user is $state after $(awk "BEGIN { print $t1 - $t0 }") s"
case $state in
running|degraded) ;;
*) echo "FAIL: systemd --user: $state"; finish 1 ;;
esac
[ $state = running ] || as_user systemctl --user --no-pager --failed
if [ $mode = package ]; then
	package_upgrade || finish 1
fi
as_user systemctl --user --no-pager cat hidmapd.service | grep -E '^(# /|ExecStart|PrivateUsers|ProtectSystem|Standard)'

HM_UU_UID=$uid HM_UU_HOME=$home HM_UU_RUNTIME=$rt HM_UU_CONFIG=$conf/hidmapd/test.ini \
	HM_UU_LOG=$work/hidmapd.log "$scenarios" $scenario "$hidmapd" "$corpus" "$kdata" "$tmp"
rc=$?
if [ $rc = 0 ] && [ $mode = package ]; then
	package_remove || rc=1
fi
# issue 22: spnav_open() of an unmodified libspnav client reaches the
# unit's spnav server through SPNAV_SOCKET=$XDG_RUNTIME_DIR/spnav.sock: the
# hardened unit writes only its RuntimeDirectory (the socket is
# hidmapd/spnav.sock there); its ExecStartPre= links spnav.sock to it.  Then
# another program's socket at spnav.sock: the unit leaves it as it is,
# hidmapd says so, and hidmapd/spnav.sock still serves.
spnav_check() { # WHAT SOCKET
	local got
	got=$(as_user env SPNAV_SOCKET=$2 timeout 10 $work/stage/bin/spnav-client 1 2>&1)
	if [ "$got" = "connected protocol 1" ]; then
		echo "ok: $1: a libspnav client connected through SPNAV_SOCKET=$2 (protocol 1)"
	else
		echo "FAIL: $1: a libspnav client through SPNAV_SOCKET=$2: '$got'"
		ls -la $rt $rt/hidmapd
		rc=1
	fi
}
if [ $rc = 0 ] && [ $mode != package ] && [ -x $work/stage/bin/spnav-client ]; then
	as_user systemctl --user start hidmapd.service
	for _ in $(seq 100); do [ -S $rt/hidmapd/spnav.sock ] && break; sleep 0.1; done
	if [ "$(readlink $rt/spnav.sock)" = hidmapd/spnav.sock ]; then
		echo "ok: the unit made $rt/spnav.sock -> hidmapd/spnav.sock"
	else
		echo "FAIL: $rt/spnav.sock is not a link to hidmapd/spnav.sock: $(ls -la $rt/spnav.sock 2>&1)"
		rc=1
	fi
	spnav_check "the unit" $rt/spnav.sock
	as_user systemctl --user stop hidmapd.service
	rm -f $rt/spnav.sock
	as_user python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' $rt/spnav.sock
	ino=$(stat -c %i $rt/spnav.sock)
	n0=$(grep -c "is not hidmapd's" $work/hidmapd.log)
	as_user systemctl --user start hidmapd.service
	for _ in $(seq 100); do [ -S $rt/hidmapd/spnav.sock ] && break; sleep 0.1; done
	for _ in $(seq 50); do [ "$(grep -c "is not hidmapd's" $work/hidmapd.log)" -gt "$n0" ] && break; sleep 0.1; done
	if [ -S $rt/spnav.sock ] && [ ! -L $rt/spnav.sock ] && [ "$(stat -c %i $rt/spnav.sock)" = "$ino" ] &&
		[ "$(grep -c "is not hidmapd's" $work/hidmapd.log)" -gt "$n0" ]; then
		echo "ok: another program's $rt/spnav.sock left alone: $(grep "is not hidmapd's" $work/hidmapd.log | tail -n 1 | cut -c 1-110)"
	else
		echo "FAIL: another program's $rt/spnav.sock: $(ls -la $rt/spnav.sock 2>&1) (inode $ino before)"
		rc=1
	fi
	spnav_check "beside another program's spnav.sock" $rt/hidmapd/spnav.sock
fi
finish $rc
