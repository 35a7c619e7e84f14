#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boots the distribution kernel under QEMU with uhid, uinput and evdev, and
# runs test scenarios inside it: the real-kernel test bed for hidmapd.
#
#   run-vm.sh [options] [--] [SCENARIO...]
#
# A scenario is a shell command line run with bash inside the VM, in the
# current directory.  The host root file system is mounted read-only at /
# in the VM, so build products have the same paths inside as outside.
# Exit status 0 is a pass, 77 a skip, anything else a failure; each
# scenario's output lands in <results>/<name>.log.  All scenarios run in one
# boot, one after the other.
#
# Options:
#   -s, --scenario NAME CMD  a named scenario (positional CMDs are named
#                            after their first word)
#   -f, --file FILE          scenarios from FILE, one "NAME CMD..." per line
#   -o, --results DIR        keep the results in DIR (the VM writes there);
#                            default: a temporary directory, removed on success
#   -t, --timeout SEC        whole-run limit on the host side (default 600)
#       --scenario-timeout SEC  limit per scenario inside the VM (default 300)
#   -k, --kernel VMLINUZ     kernel image (default: newest /boot/vmlinuz-*)
#       --keep PATH          keep PATH (under /tmp or /run) visible in the VM
#                            (see below; repeatable)
#   -v, --verbose            show the VM console as it boots and runs
#
# A boot that has not reached the scenarios after HIDMAPD_VM_BOOT_LIMIT
# seconds (default 180; a boot takes 5-30 s) is killed and tried again, up
# to three boots within the --timeout.
#
# Inside the VM the environment has:
#   HIDMAPD_VM=1
#   VM_RESULTS=/run/vm-results   writable, ends up in the results directory
#   HOME=/run/home, TMPDIR=/run/tmp, XDG_RUNTIME_DIR=/run/user/0, and the caller's HIDMAPD_* and
#   *SAN_OPTIONS variables.
# /run and /tmp are tmpfs inside the VM.  The host's directories under them
# that the scenarios need stay visible (read-only) in the VM's: the current
# directory, the checkout this script is in, every absolute path under /tmp
# named in a scenario's command (a file's directory; a file right in /tmp
# alone), and each --keep PATH; so a checkout or a build directory may be
# anywhere.
# udevd does not run; devtmpfs creates the nodes.
#
# Exit status: 0 every scenario passed, 77 prerequisites missing (or every
# scenario skipped), 1 a scenario failed or the VM did not finish.

set -u -o pipefail

prog=${0##*/}
skip() { echo "$prog: SKIP: $*" >&2; exit 77; }
die() { echo "$prog: ERROR: $*" >&2; exit 1; }

timeout_s=600
scenario_timeout_s=300
results=""
kernel="${HIDMAPD_VM_KERNEL:-}"
verbose=0
keep_args=()
names=()
cmds=()

add_scenario() {
	local name=$1 cmd=$2
	name=${name//[^A-Za-z0-9_.-]/_}
	[ -n "$name" ] || die "empty scenario name"
	for n in "${names[@]:-}"; do
		[ "$n" != "$name" ] || name="$name-${#names[@]}"
	done
	names+=("$name")
	cmds+=("$cmd")
}

while [ $# -gt 0 ]; do
	case $1 in
	-s|--scenario) [ $# -ge 3 ] || die "$1 needs NAME and CMD"; add_scenario "$2" "$3"; shift 3 ;;
	-f|--file)
		[ $# -ge 2 ] || die "$1 needs a file"
		while read -r n c; do
			case $n in ''|'#'*) continue ;; esac
			add_scenario "$n" "$c"
		done < "$2" || die "cannot read $2"
		shift 2 ;;
	-o|--results) [ $# -ge 2 ] || die "$1 needs a directory"; results=$2; shift 2 ;;
	-t|--timeout) [ $# -ge 2 ] || die "$1 needs seconds"; timeout_s=$2; shift 2 ;;
	--scenario-timeout) [ $# -ge 2 ] || die "$1 needs seconds"; scenario_timeout_s=$2; shift 2 ;;
	-k|--kernel) [ $# -ge 2 ] || die "$1 needs a path"; kernel=$2; shift 2 ;;
	--keep) [ $# -ge 2 ] || die "$1 needs a path"; keep_args+=("$2"); shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) sed -n '4,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; for c in "$@"; do w=${c%% *}; add_scenario "${w##*/}" "$c"; done; break ;;
	-*) die "unknown option $1" ;;
	*) w=${1%% *}; add_scenario "${w##*/}" "$1"; shift ;;
	esac
done
[ ${#names[@]} -gt 0 ] || die "no scenario given (see --help)"
case $timeout_s$scenario_timeout_s in *[!0-9]*) die "timeouts are whole seconds" ;; esac

# --- prerequisites: skip, naming the Debian package ----------------------
qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
# An ELF file with a PT_INTERP program header is dynamically linked.
is_static_elf() {
	local f=$1 phoff phentsize phnum i type
	[ "$(od -An -c -N4 "$f" 2>/dev/null | tr -d ' ')" = '177ELF' ] || return 1
	phoff=$(od -An -t u8 -j 32 -N 8 "$f" | tr -d ' ')
	phentsize=$(od -An -t u2 -j 54 -N 2 "$f" | tr -d ' ')
	phnum=$(od -An -t u2 -j 56 -N 2 "$f" | tr -d ' ')
	for ((i = 0; i < phnum; i++)); do
		type=$(od -An -t u4 -j $((phoff + i * phentsize)) -N 4 "$f" | tr -d ' ')
		[ "$type" != 3 ] || return 1
	done
	return 0
}
busybox=""
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && is_static_elf "$b"; then busybox=$b; break; fi
done
[ -n "$busybox" ] || skip "no statically linked busybox (apt-get install busybox-static)"
if [ -z "$kernel" ]; then
	kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kernel" ] || skip "no /boot/vmlinuz-* (apt-get install linux-image-amd64)"
fi
[ -r "$kernel" ] || skip "$kernel is not readable (Debian installs it mode 0600: run as root or chmod a+r it)"
kver=${HIDMAPD_VM_KVER:-${kernel##*/vmlinuz-}}
moddir=/lib/modules/$kver
[ -r "$moddir/modules.dep" ] || skip "no $moddir/modules.dep for $kernel (apt-get install linux-image-$kver)"

# The VM mounts tmpfs over /tmp and /run.  What the scenarios need of the
# host's (a clone in /tmp, a build directory in /run/user/UID...) is bound
# back in, read-only like the rest: the current directory, this checkout,
# the paths under /tmp in the commands (not /run: a command's /run/... is
# the VM's), --keep.  The list, one path a line, shortest first, none under
# another.
keep_list() {
	local - p w
	set -f
	for p in "$PWD" "$(cd "$(dirname "$0")/../.." && pwd)" ${keep_args[@]+"${keep_args[@]}"}; do
		echo "$p"
	done
	for c in "${cmds[@]}"; do
		for w in $c; do
			w=${w//[\"\']/}
			case $w in /tmp/*) echo "$w" ;; esac
		done
	done
}
keep_dirs=()
while read -r p; do
	case $p in /tmp | /tmp/* | /run | /run/*) ;; *) continue ;; esac
	[ -e "$p" ] || continue
	# a file: its directory, but not the whole of /tmp or /run for it
	[ -d "$p" ] || [ "$(dirname "$p")" = /tmp ] || [ "$(dirname "$p")" = /run ] || p=$(dirname "$p")
	if [ -d "$p" ]; then
		p=$(cd "$p" && pwd -P) || continue
	else
		p=$(cd "$(dirname "$p")" && pwd -P)/$(basename "$p") || continue
	fi
	case $p in /tmp | /tmp/* | /run | /run/*) ;; *) continue ;; esac
	for k in ${keep_dirs[@]+"${keep_dirs[@]}"}; do
		case $p/ in "$k"/*) continue 2 ;; esac
	done
	keep_dirs+=("$p")
done < <(keep_list | awk '{ print length($0) " " $0 }' | sort -n | cut -d' ' -f2-)

# --- work and results directories ---------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/hidmapd-vm.XXXXXX") || die "mktemp failed"
qemu_pid=""
# how long a boot may take to reach the scenarios before it is tried again
boot_limit_s=${HIDMAPD_VM_BOOT_LIMIT:-180}
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

keep_results=1
if [ -z "$results" ]; then
	results=$work/results
	keep_results=0
fi
mkdir -p "$results" || die "cannot create $results"
results=$(cd "$results" && pwd)
rm -f "$results"/done "$results"/boot "$results"/*.rc "$results"/*.log "$results"/dmesg.txt

# --- initramfs -------------------------------------------------------------
# Modules in load order; dependencies from modules.dep are added before the
# modules that need them, built-in ones are skipped.  hid gets
# ignore_special_drivers=1: hid-generic binds every device, and without the
# parameter devices that the kernel groups as multitouch or Wacom (half of
# the corpus) would get no driver at all.  The PlayStation drivers
# (hid-playstation, hid-sony with their dependencies: led-class-multicolor,
# ff-memless, usbhid, usbcore, usb-common) are loaded for the PlayStation
# oracle (ps-oracle), which writes 0 to the parameter (0600, root) while
# it creates its devices; with 1 they bind nothing.  The other vendor
# drivers that serve as oracles (hid-nintendo, hid-steam, hid-logitech for
# the 3Dconnexion devices) are loaded the same way; HIDMAPD_VM_MODULES adds
# more (space-separated names).  overlay: the package scenario
# (user-unit.sh package) installs the .deb into overlays over the read-only root.
want_modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p hid uhid hid_generic evdev uinput
	hid_playstation hid_sony hid_nintendo hid_steam hid_logitech
	overlay
	${HIDMAPD_VM_MODULES:-}"
required_modules="virtio_pci 9pnet_virtio 9p hid uhid hid_generic evdev uinput"
declare -A mod_params=([hid]="ignore_special_drivers=1")

root=$work/initramfs
mkdir -p "$root"/{bin,dev,proc,sys,newroot,modules} || die "mkdir failed"
printf '%s\n' ${keep_dirs[@]+"${keep_dirs[@]}"} | grep . > "$root/keep"
cp "$busybox" "$root/bin/busybox" || die "cannot copy $busybox"
ln -s busybox "$root/bin/sh"

declare -A mod_path=() mod_deps=() mod_done=()
while IFS=: read -r path deps; do
	m=${path##*/}; m=${m%%.ko*}; m=${m//-/_}
	mod_path[$m]=$path
	mod_deps[$m]=$deps
done < "$moddir/modules.dep"
declare -A builtin=()
if [ -r "$moddir/modules.builtin" ]; then
	while read -r path; do
		m=${path##*/}; m=${m%%.ko*}; m=${m//-/_}
		builtin[$m]=1
	done < "$moddir/modules.builtin"
fi

: > "$root/modules/list"
add_module() {
	local m=${1//-/_} d dm path out
	[ -z "${mod_done[$m]:-}" ] || return 0
	mod_done[$m]=1
	if [ -n "${builtin[$m]:-}" ]; then
		return 0
	fi
	path=${mod_path[$m]:-}
	if [ -z "$path" ]; then
		for r in $required_modules; do
			[ "$r" != "$m" ] || die "module $m is neither built into $kver nor in $moddir"
		done
		echo "$prog: note: module $m absent, skipped" >&2
		return 0
	fi
	for d in ${mod_deps[$m]}; do
		dm=${d##*/}; dm=${dm%%.ko*}
		add_module "$dm"
	done
	[[ $path = /* ]] || path=$moddir/$path
	out=$root/modules/$m.ko
	# busybox insmod does not decompress: do it here
	case $path in
	*.ko) cp "$path" "$out" ;;
	*.ko.xz) xz -dc "$path" > "$out" ;;
	*.ko.zst) zstd -qdc "$path" > "$out" ;;
	*.ko.gz) gzip -dc "$path" > "$out" ;;
	*) die "unknown module format: $path" ;;
	esac || die "cannot unpack $path (xz-utils/zstd installed?)"
	echo "$m.ko ${mod_params[$m]:-}" >> "$root/modules/list"
}
for m in $want_modules; do add_module "$m"; done

cat > "$root/init" <<'EOF'
#!/bin/sh
# pid 1 in the VM: load modules, mount the host, run the scenarios, power off
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# A test keyboard may press Alt+SysRq+O or Ctrl+Alt+Del: neither may end the
# run.  With ctrl-alt-del 0 the kernel sends SIGINT to pid 1, ignored here;
# /proc/sysrq-trigger keeps working whatever kernel.sysrq says.
echo 0 > /proc/sys/kernel/sysrq
echo 0 > /proc/sys/kernel/ctrl-alt-del
trap '' INT
echo "vm: init"

while read -r mod args; do
	insmod /modules/$mod $args || echo "vm: insmod $mod $args failed"
done < /modules/list
echo "vm: modules loaded"

fail() {
	echo "vm: $*"
	echo o > /proc/sysrq-trigger
	poweroff -f
}
o=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o ro,cache=loose,$o host /newroot || fail "cannot mount the host root"
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
# tmpfs over /tmp and /run, with the host's directories listed in /keep
# bound back in (the whole directory when listed itself)
hide() {
	local d=$1 mode=$2 p
	if grep -qx "/$d" /keep; then
		return 0
	fi
	if grep -q "^/$d/" /keep; then
		mkdir -p /host-$d
		mount -o bind /newroot/$d /host-$d || fail "cannot bind /$d"
	fi
	mount -t tmpfs -o mode=$mode tmpfs /newroot/$d
	grep "^/$d/" /keep | while read -r p; do
		if [ -d "/host-$d/${p#/$d/}" ]; then
			mkdir -p "/newroot$p"
		else
			mkdir -p "/newroot${p%/*}" && : > "/newroot$p"
		fi
		mount -o bind "/host-$d/${p#/$d/}" "/newroot$p" || echo "vm: cannot keep $p visible"
	done
}
hide tmp 1777
hide run 755
mkdir -p /newroot/run/vm-results
mount -t 9p -o $o results /newroot/run/vm-results || fail "cannot mount the results share"

# Not a plain chroot: the kernel refuses a user namespace to a chrooted
# process (create_user_ns(): EPERM when current_chrooted()), and systemd's
# PrivateUsers= needs one.  As switch_root does, move the host root onto /
# first, so that the chroot is to the namespace's root.  This shell keeps
# the initramfs as its root and the host root as its working directory.
cd /newroot || fail "cannot enter /newroot"
mount -o move /newroot / || fail "cannot move the host root onto /"
chroot . /bin/bash /run/vm-results/run.sh < /dev/null > /dev/console 2>&1
echo "vm: scenarios finished with status $?"
sync
umount run/vm-results
echo o > /proc/sysrq-trigger
poweroff -f
EOF
chmod 755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) > "$work/initramfs.cpio" ||
	die "cpio failed"

# --- the scenario runner, run with the host's bash inside the chroot ------
{
	echo '#!/bin/bash'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'export HOME=/run/home TMPDIR=/run/tmp XDG_RUNTIME_DIR=/run/user/0 HIDMAPD_VM=1 VM_RESULTS=/run/vm-results LANG=C.UTF-8'
	echo 'mkdir -p /run/home /run/tmp'
	for v in $(compgen -e | grep -E '^(HIDMAPD_[A-Z0-9_]*|[A-Z]+SAN_OPTIONS|MESON_TEST_ITERATION)$'); do
		[ "$v" = HIDMAPD_VM ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
	echo 'mkdir -p -m 700 /run/user/0'
	echo 'cut -d" " -f1 /proc/uptime > $VM_RESULTS/boot'
	echo 'echo "vm: up after $(cat $VM_RESULTS/boot) s"'
	printf 'cd %q || exit 1\n' "$PWD"
	cat <<'EOF'
run() {
	local name=$1 cmd=$2 t0 t1 rc
	t0=$(cut -d" " -f1 /proc/uptime)
	timeout -k 5 "$SCENARIO_TIMEOUT" bash -c "$cmd" > "$VM_RESULTS/$name.log" 2>&1 < /dev/null
	rc=$?
	t1=$(cut -d" " -f1 /proc/uptime)
	echo "$rc $(awk "BEGIN { print $t1 - $t0 }")" > "$VM_RESULTS/$name.rc"
	echo "vm: $name: exit $rc after $(awk "BEGIN { print $t1 - $t0 }") s"
}
EOF
	echo "SCENARIO_TIMEOUT=$scenario_timeout_s"
	for i in "${!names[@]}"; do
		printf 'run %q %q\n' "${names[$i]}" "${cmds[$i]}"
	done
	echo 'dmesg > "$VM_RESULTS/dmesg.txt" 2>&1'
	echo 'sync'
	echo ': > "$VM_RESULTS/done"'
} > "$results/run.sh"

# --- boot ---------------------------------------------------------------------
console=$results/console.log
: > "$console"
append="console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init mitigations=off"
append+=" tsc=reliable no_timer_check random.trust_cpu=on"
# shellcheck disable=SC2054 # commas belong to the qemu options
qemu_args=(
	-nodefaults -no-user-config -no-reboot
	-machine pc -accel tcg,thread=multi -smp 2 -m 1024
	-display none
	-chardev "file,id=con,path=$console" -serial chardev:con
	-kernel "$kernel" -initrd "$work/initramfs.cpio" -append "$append"
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$results,mount_tag=results,security_model=none"
)
# qboot starts the kernel a little faster than SeaBIOS (qemu-system-data)
[ ! -r /usr/share/qemu/qboot.rom ] || qemu_args+=(-bios /usr/share/qemu/qboot.rom)
echo "$prog: booting $kernel with ${#names[@]} scenario(s), results in $results" >&2
start=$(date +%s.%N)
if [ $verbose = 1 ]; then
	tail -n +1 -F "$console" 2>/dev/null &
	tail_pid=$!
fi
# A boot that never reaches the scenarios (seen rarely under TCG on a
# loaded host: not one line on the console in 840 s, while the boots
# before and after took seconds) is tried again, within the same limit.
deadline=$(($(date +%s) + timeout_s))
for attempt in 1 2 3; do
	left=$((deadline - $(date +%s)))
	[ $left -gt 0 ] || left=1
	timeout -k 10 "$left" "$qemu" "${qemu_args[@]}" < /dev/null &
	qemu_pid=$!
	t_boot=$(date +%s)
	while kill -0 "$qemu_pid" 2>/dev/null && [ ! -e "$results/boot" ] &&
		[ $(($(date +%s) - t_boot)) -lt "$boot_limit_s" ]; do
		sleep 1
	done
	if [ -e "$results/boot" ] || ! kill -0 "$qemu_pid" 2>/dev/null || [ $attempt = 3 ] ||
		[ $((deadline - $(date +%s))) -lt $((2 * boot_limit_s)) ]; then
		wait $qemu_pid
		qemu_rc=$?
		break
	fi
	echo "$prog: the VM did not reach its scenarios within ${boot_limit_s} s (console: $(wc -l < "$console") lines); booting again" >&2
	tail -n 5 "$console" >&2
	kill "$qemu_pid" 2>/dev/null
	wait $qemu_pid 2>/dev/null
	: > "$console"
done
qemu_pid=""
end=$(date +%s.%N)
if [ $verbose = 1 ]; then
	sleep 0.3
	kill "$tail_pid" 2>/dev/null
	wait "$tail_pid" 2>/dev/null
fi

# --- verdict -------------------------------------------------------------------
wall=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
boot=$(cat "$results/boot" 2>/dev/null || echo "?")
echo "$prog: VM ran ${wall} s (kernel uptime at first scenario: ${boot} s)" >&2

status=0
if [ ! -e "$results/done" ]; then
	if [ $qemu_rc = 124 ]; then
		echo "$prog: FAIL: the VM did not finish within ${timeout_s} s" >&2
	else
		echo "$prog: FAIL: the VM stopped before all scenarios ran (qemu exit $qemu_rc)" >&2
	fi
	status=1
fi
npass=0 nskip=0 nfail=0
for name in "${names[@]}"; do
	if [ -r "$results/$name.rc" ]; then
		read -r rc secs < "$results/$name.rc"
	else
		rc=none secs="?"
	fi
	case $rc in
	0) verdict=PASS; npass=$((npass + 1)) ;;
	77) verdict=SKIP; nskip=$((nskip + 1)) ;;
	124|137) verdict="FAIL (timeout)"; nfail=$((nfail + 1)) ;;
	*) verdict="FAIL (exit $rc)"; nfail=$((nfail + 1)) ;;
	esac
	echo "$verdict: $name (${secs} s)"
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -r "$results/$name.log" ]; then
		tail -n 40 "$results/$name.log" | sed "s/^/  $name| /"
	fi
done
if grep -qE 'Oops|BUG:|WARNING:|Call Trace|general protection' "$results/dmesg.txt" "$console" 2>/dev/null; then
	echo "$prog: note: the kernel logged a warning or oops, see dmesg.txt:" >&2
	grep -hE -A3 'Oops|BUG:|WARNING:|general protection' "$results/dmesg.txt" "$console" 2>/dev/null | head -n 30 >&2
fi
[ $nfail = 0 ] || status=1
if [ $status != 0 ]; then
	echo "--- console (last 30 lines) ---" >&2
	tail -n 30 "$console" >&2
	if [ $keep_results = 0 ]; then
		keep=$(mktemp -d "${TMPDIR:-/tmp}/hidmapd-vm-failed.XXXXXX") && cp -a "$results"/. "$keep"/ &&
			echo "$prog: results kept in $keep" >&2
	fi
	exit 1
fi
echo "$prog: $npass passed, $nskip skipped" >&2
[ $npass -gt 0 ] || exit 77
exit 0
