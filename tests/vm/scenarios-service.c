/* SPDX-License-Identifier: MIT */
/*
 * hidmapd as a service: the control socket (status, monitor, reload),
 * `hidmapd doctor`, the systemd watchdog, and the shipped user unit under a
 * real `systemd --user` (prepared by user-unit.sh).
 *
 *   control   `hidmapd status` lists the device, its event node and
 *             counters; `hidmapd monitor` streams its events; `hidmapd
 *             reload` answers ok or the config error; after SIGTERM the
 *             socket is gone and the client says the daemon is not running
 *   doctor    `hidmapd doctor` names the device, hid-generic, the kernel's
 *             evdev nodes (as sysfs lists them) and who holds the node
 *   conflict-grab  another program (this one) holds EVIOCGRAB on the
 *             kernel's evdev node: the daemon logs it naming the holder,
 *             keeps driving the device, status and doctor name the holder
 *   conflict-two-daemons  a second hidmapd finds the device driven by the
 *             first (its flock on the hidraw node), says so naming the
 *             first's pid and leaves it; doctor names the one that drives it
 *   watchdog  with NOTIFY_SOCKET, WATCHDOG_USEC=200000 and WATCHDOG_PID the
 *             daemon sends READY=1, then WATCHDOG=1 about every 100 ms
 *   user-unit, user-unit-no-userns  the shipped hidmapd.service under a real
 *             unprivileged `systemd --user`, prepared by user-unit.sh (see
 *             scenario_user_unit_run())
 *   user-unit-package  the same with the Debian package installed by dpkg
 *             (user-unit.sh package), and a Stream Deck XL decoded by the
 *             installed layouts
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/netlink.h>

#include "build-config.h"
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

/* hidmapd doctor --config config, its output in a static buffer. */
static const char *run_doctor(const char *config, const char *label, int *ret_status)
{
	const char *argv[] = {"hidmapd", "doctor", "--config", config, NULL};
	char out[PATH_MAX], err[PATH_MAX];
	const char *text;

	snprintf(out, sizeof(out), "%s/%s-doctor-%s.out", vm_tmpdir, vm_scenario, label);
	snprintf(err, sizeof(err), "%s/%s-doctor-%s.err", vm_tmpdir, vm_scenario, label);
	*ret_status = vm_wait_child(vm_spawn(argv, out, err), 20000);
	text = vm_slurp(out);
	printf("---- hidmapd doctor (%s), exit %d ----\n%s---- end ----\n", label, *ret_status,
	       text);
	return text;
}

/* The kernel's evdev nodes of a hidraw node, from sysfs: "/dev/input/eventN ..." */
static void kernel_evdev_nodes(const char *hidraw, char *buf, size_t size)
{
	char dir[PATH_MAX];
	DIR *inputs;
	struct dirent *de;

	buf[0] = '\0';
	snprintf(dir, sizeof(dir), "/sys/class/hidraw/%s/device/input", hidraw);
	inputs = opendir(dir);
	if (!inputs)
		return;
	while ((de = readdir(inputs))) {
		char sub[PATH_MAX];
		DIR *in;
		struct dirent *e;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%.32s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		in = opendir(sub);
		while (in && (e = readdir(in))) {
			size_t l = strlen(buf);

			if (strncmp(e->d_name, "event", 5) == 0)
				snprintf(buf + l, size - l, "%s/dev/input/%.32s", l ? " " : "",
				         e->d_name);
		}
		if (in)
			closedir(in);
	}
	closedir(inputs);
}

/*
 * hidmapd doctor on the real kernel: it names the test keyboard, the driver
 * the kernel bound (hid-generic: the VM boots with ignore_special_drivers),
 * the evdev nodes sysfs lists for it, and who else holds the hidraw node
 * (this program, then only the daemon).
 */
int scenario_doctor(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char config[PATH_MAX], buf[PATH_MAX], want[512], nodes[256], node[64];
	const char *text;
	_cleanup_close_ int fd = -1;
	char *tok, *save = NULL;
	int st;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config", "[device kbd]\nmatch = 1209:0001\n", config, sizeof(config)) <
	    0)
		return -1;
	snprintf(node, sizeof(node), "/dev/%s", kbd->hidraw);
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vm_fail("%s: %s", node, strerror(errno));

	text = run_doctor(config, "alone", &st);
	if (st != 0)
		return vm_fail("hidmapd doctor exited %d with nothing failing", st);
	if (!strstr(text, "OK   /dev/uinput: readable and writable\n"))
		return vm_fail("doctor did not find /dev/uinput usable");
	snprintf(want, sizeof(want),
	         "OK   %s: 1209:0001 \"%s\": hidmapd drives it (module generic, [device kbd]", node,
	         kbd->rec->name);
	if (!strstr(text, want))
		return vm_fail("doctor did not say it drives %s: %s", node, want);
	snprintf(want, sizeof(want), "%s driver: hid-generic", node);
	if (!strstr(text, want))
		return vm_fail("doctor did not name the bound driver: %s", want);
	snprintf(want, sizeof(want), "also open in pid %d (scenarios)", (int)getpid());
	if (!strstr(text, want))
		return vm_fail("doctor did not see this program holding %s: %s", node, want);
	kernel_evdev_nodes(kbd->hidraw, nodes, sizeof(nodes));
	if (!nodes[0])
		return vm_fail("sysfs lists no evdev node for %s", kbd->hidraw);
	for (tok = strtok_r(nodes, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		snprintf(want, sizeof(want), "%s evdev: ", node);
		if (!strstr(text, want) || !strstr(strstr(text, want), tok))
			return vm_fail("doctor's evdev line for %s does not name %s", node, tok);
	}
	vm_note("doctor names %s, hid-generic, its evdev nodes and this program holding it", node);
	fd = safe_close(fd);

	if (vm_daemon_start(config, NULL) < 0)
		return -1;
	if (vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000) < 1)
		return vm_fail("hidmapd did not drive /dev/%s within 10 s", kbd->hidraw);
	text = run_doctor(config, "daemon", &st);
	snprintf(want, sizeof(want), "OK   %s users: open in hidmapd only", node);
	if (!strstr(text, want))
		return vm_fail("with the daemon running, doctor did not say: %s", want);
	vm_note("with the daemon running: \"%s\"", want);
	vm_outputs_close(o, 1);
	return 0;
}

/*
 * Another program holding EVIOCGRAB on the kernel's evdev node of a device
 * hidmapd drives (keyd, input-remapper, kanata do): here this program.
 * hidmapd's own grab fails with EBUSY; the daemon logs it once with the
 * likely holder (pid and name), keeps driving the device (A comes out as B
 * on its virtual device), `hidmapd status` shows it under the device, and
 * `hidmapd doctor` names the holder.
 */
int scenario_conflict_grab(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char config[PATH_MAX], buf[PATH_MAX], want[512], nodes[256], rt[PATH_MAX], out[PATH_MAX],
	    err[PATH_MAX];
	const char *text, *first;
	_cleanup_close_ int gfd = -1;
	size_t n;
	int st, r = 0;

	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	kernel_evdev_nodes(kbd->hidraw, nodes, sizeof(nodes));
	nodes[strcspn(nodes, " ")] = '\0';
	if (!nodes[0])
		return vm_fail("sysfs lists no evdev node for %s", kbd->hidraw);
	gfd = open(nodes, O_RDONLY | O_CLOEXEC);
	if (gfd < 0 || ioctl(gfd, EVIOCGRAB, (void *)1) < 0)
		return vm_fail("cannot grab %s: %s", nodes, strerror(errno));
	vm_note("this program (pid %d) holds %s's EVIOCGRAB", (int)getpid(), nodes);

	if (vm_config_write("config",
	                    "[device kbd]\nmatch = 1209:0001\n\n[remap kbd]\nKEY_A = KEY_B\n",
	                    config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	n = vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000);
	if (n < 1)
		return vm_fail("hidmapd did not drive /dev/%s within 10 s", kbd->hidraw);
	snprintf(want, sizeof(want),
	         "%s is grabbed by another program (EVIOCGRAB busy), likely pid %d (scenarios)",
	         nodes, (int)getpid());
	if (!vm_daemon_log_wait(want, 0, 5000)) {
		r = vm_fail("the daemon's log does not say: %s", want);
		goto out;
	}
	text = vm_slurp(vm_daemon_log);
	first = strstr(text, "is grabbed by another program");
	if (first && strstr(first + 1, "is grabbed by another program")) {
		r = vm_fail("the daemon logged the busy grab more than once");
		goto out;
	}
	vm_note("the daemon's log: \"%s\"", want);
	if (vm_output_open(&o[0], O_RDWR | O_NONBLOCK) < 0 || vm_expect_a_as(kbd, o, "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	vm_note("the device is still driven: A comes out as B on %s", o[0].devnode);

	st = vm_run_client("status", out, err, sizeof(out));
	text = vm_slurp(out);
	printf("---- hidmapd status ----\n%s---- end ----\n", text);
	snprintf(want, sizeof(want),
	         "  grabbed by another program: %s held by pid %d (scenarios)\n", nodes,
	         (int)getpid());
	if (st != 0 || !strstr(text, want)) {
		r = vm_fail("status (exit %d) does not say: %s", st, want);
		goto out;
	}
	text = run_doctor(config, "grab", &st);
	snprintf(want, sizeof(want),
	         "WARN %s grab: another program holds its EVIOCGRAB, likely pid %d (scenarios)",
	         nodes, (int)getpid());
	if (!strstr(text, want)) {
		r = vm_fail("doctor does not say: %s", want);
		goto out;
	}
	vm_note("status and doctor name the holder: \"%s\"", want);
out:
	vm_outputs_close(o, n);
	return r;
}

/*
 * Two hidmapd daemons for one device (two units, or a unit and a `hidmapd
 * run` by hand): the second says the device is driven by the first, naming
 * its pid, and leaves it: one virtual device, A comes out as B once.
 */
int scenario_conflict_two_daemons(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char config[PATH_MAX], buf[PATH_MAX], want[256], rt[PATH_MAX], rt2[PATH_MAX], out[PATH_MAX],
	    err[PATH_MAX], node[64];
	const char *argv[] = {"hidmapd", "run", "--config", config, NULL};
	const char *text = "";
	uint64_t deadline;
	size_t n;
	pid_t second;
	int st, r = 0;

	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	snprintf(rt2, sizeof(rt2), "%s/%s-runtime2", vm_sockdir(), vm_scenario);
	if ((mkdir(rt, 0700) < 0 && errno != EEXIST) || (mkdir(rt2, 0700) < 0 && errno != EEXIST))
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	snprintf(node, sizeof(node), "/dev/%s", kbd->hidraw);
	if (vm_config_write("config",
	                    "[device kbd]\nmatch = 1209:0001\n\n[remap kbd]\nKEY_A = KEY_B\n",
	                    config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	n = vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000);
	if (n < 1)
		return vm_fail("hidmapd did not drive %s within 10 s", node);

	/* the second, with a control socket of its own */
	setenv("XDG_RUNTIME_DIR", rt2, 1);
	snprintf(out, sizeof(out), "%s/%s-second.out", vm_tmpdir, vm_scenario);
	snprintf(err, sizeof(err), "%s/%s-second.err", vm_tmpdir, vm_scenario);
	second = vm_spawn(argv, out, err);
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (second < 0) {
		r = vm_fail("fork: %s", strerror(errno));
		goto out;
	}
	snprintf(want, sizeof(want), "%s: already driven by another hidmapd (pid %d), leaving it",
	         node, (int)vm_daemon_pid);
	deadline = vm_now_us() + 10000000u;
	while (vm_now_us() < deadline) {
		text = vm_slurp(err);
		if (text && strstr(text, want))
			break;
		vm_sleep_ms(50);
	}
	vm_sleep_ms(300);
	kill(second, SIGTERM);
	st = vm_wait_child(second, STOP_TIMEOUT_MS);
	text = vm_slurp(err);
	vm_print_indented("the second hidmapd's log", text);
	if (!text || !strstr(text, want)) {
		r = vm_fail("the second hidmapd did not say: %s", want);
		goto out;
	}
	if (st != 0) {
		r = vm_fail("the second hidmapd exited %d on SIGTERM", st);
		goto out;
	}
	vm_note("the second hidmapd: \"%s\"", want);
	vm_outputs_close(o, n);
	n = 0;
	if (vm_find_outputs(kbd, o, MAX_OUTPUTS, &n) < 0 || n != 1) {
		r = vm_fail("%zu virtual devices for %s, want the first daemon's one", n, node);
		goto out;
	}
	if (vm_output_open(&o[0], O_RDWR | O_NONBLOCK) < 0 || vm_expect_a_as(kbd, o, "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	text = run_doctor(config, "two", &st);
	snprintf(want, sizeof(want), "OK   %s users: open in hidmapd only (pid %d)", node,
	         (int)vm_daemon_pid);
	if (!strstr(text, want)) {
		r = vm_fail("doctor does not say: %s", want);
		goto out;
	}
	vm_note("one virtual device, A comes out as B; doctor: \"%s\"", want);
out:
	vm_outputs_close(o, n);
	return r;
}

int scenario_control(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char config[PATH_MAX], rt[PATH_MAX], out[PATH_MAX], err[PATH_MAX], want[PATH_MAX + 64],
	    sock[PATH_MAX];
	const char *mon_argv[] = {"hidmapd", "monitor", NULL};
	const char *text;
	pid_t mon;
	int st, r = 0;
	bool seen = false;

	/* a runtime dir of our own: the socket's path is known and fresh.  Not
	 * in tmpdir: the results share (9p) takes no sockets. */
	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (snprintf(sock, sizeof(sock), "%s/hidmapd/control", rt) >= (int)sizeof(sock))
		return vm_fail("%s: path too long", rt);

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", out, sizeof(out)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	if (vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000) < 1)
		return vm_fail("hidmapd did not drive /dev/%s within 10 s", kbd->hidraw);
	if (!vm_daemon_log_wait("running", 0, 5000))
		return vm_fail("hidmapd did not say \"running\"");
	/* two reports: counted, and their latency measured */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0)
		return -1;
	vm_sleep_ms(200);

	st = vm_run_client("status", out, err, sizeof(out));
	text = vm_slurp(out);
	printf("---- hidmapd status ----\n%s---- end ----\n", text);
	if (st != 0)
		return vm_fail("hidmapd status exited %d: %s", st, vm_slurp(err));
	snprintf(want, sizeof(want), "device /dev/%s 1209:0001 ", kbd->hidraw);
	if (!strstr(text, want))
		r = vm_fail("status does not list \"%s\"", want);
	if (!strstr(text, "module generic config kbd\n"))
		r = vm_fail("status does not give the module and config section");
	snprintf(want, sizeof(want), "  output 0 %s \"", o[0].devnode);
	if (!strstr(text, want))
		r = vm_fail("status does not give the output's event node (%s)", o[0].devnode);
	if (!strstr(text, "  reports 2 decode-errors 0 "))
		r = vm_fail("status does not count the 2 reports");
	if (!strstr(text, "  latency p50 ") || !strstr(text, "us samples 2\n"))
		r = vm_fail("status has no latency figures for the 2 reports");
	if (!strstr(text, "\nconfig ") && !startswith(text, "config "))
		r = vm_fail("status does not list the config file");

	/* monitor: press A until its events show up */
	snprintf(out, sizeof(out), "%s/%s-monitor.out", vm_tmpdir, vm_scenario);
	snprintf(err, sizeof(err), "%s/%s-monitor.err", vm_tmpdir, vm_scenario);
	mon = vm_spawn(mon_argv, out, err);
	for (int i = 0; i < 50 && !seen; i++) {
		vm_sleep_ms(100);
		if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
		    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0)
			break;
		vm_sleep_ms(20);
		text = vm_slurp(out);
		snprintf(want, sizeof(want), "%s in  EV_KEY KEY_A 1\n", kbd->hidraw);
		seen = strstr(text, want) != NULL;
		snprintf(want, sizeof(want), "%s out#0 EV_KEY KEY_A 0\n", kbd->hidraw);
		seen = seen && strstr(text, want) != NULL;
	}
	kill(mon, SIGINT);
	st = vm_wait_child(mon, 5000);
	text = vm_slurp(out);
	printf("---- hidmapd monitor (first lines) ----\n%.400s\n---- end ----\n", text);
	if (!seen)
		r = vm_fail("hidmapd monitor did not show KEY_A in and out within 5 s (%s)",
		            vm_slurp(err));
	if (st != 128 + SIGINT)
		r = vm_fail("hidmapd monitor did not end on Ctrl-C (status %d)", st);

	/* reload: ok, then a broken file's error with its path and line */
	st = vm_run_client("reload", out, err, sizeof(out));
	if (st != 0)
		r = vm_fail("hidmapd reload exited %d: %s", st, vm_slurp(err));
	if (vm_write_file(config, "[device kbd\n") < 0)
		return -1;
	st = vm_run_client("reload", out, err, sizeof(out));
	text = vm_slurp(err);
	vm_note("reload of a broken config: exit %d, %s", st, text);
	snprintf(want, sizeof(want), "%s:1: ", config);
	if (st != 1 || !strstr(text, want))
		r = vm_fail("hidmapd reload of a broken config: exit %d, \"%s\" (want 1 and %s)",
		            st, text, want);

	/* stopped: the socket goes, and the client says so */
	vm_daemon_signal(SIGTERM);
	if (vm_daemon_wait_exit(STOP_TIMEOUT_MS) < 0)
		return vm_fail("hidmapd did not stop on SIGTERM");
	if (access(sock, F_OK) == 0)
		r = vm_fail("%s is still there after the daemon stopped", sock);
	st = vm_run_client("status", out, err, sizeof(out));
	text = vm_slurp(err);
	snprintf(want, sizeof(want), "hidmapd is not running (no socket at %s)", sock);
	if (st != 1 || !strstr(text, want))
		r = vm_fail("hidmapd status without a daemon: exit %d, \"%s\"", st, text);
	return r;
}

int scenario_watchdog(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char config[PATH_MAX], msg[512];
	_cleanup_close_ int fd = -1;
	unsigned ready = 0, pings = 0;
	uint64_t t_ready = 0, t_first = 0, t_last = 0, end;

	snprintf(vm_notify_socket, sizeof(vm_notify_socket), "%s/%s-notify", vm_sockdir(),
	         vm_scenario);
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", vm_notify_socket) >=
	    (int)sizeof(sa.sun_path))
		return vm_fail("%s: too long for a socket address", vm_notify_socket);
	unlink(vm_notify_socket);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vm_fail("notify socket %s: %s", vm_notify_socket, strerror(errno));
	vm_watchdog_usec = 200000;
	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	end = vm_now_us() + 10000000u;
	while (vm_now_us() < end && vm_daemon_alive()) {
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);

		if (n < 0) {
			vm_sleep_ms(5);
			continue;
		}
		msg[n] = '\0';
		if (vm_verbose)
			vm_note("notify: %s", msg);
		for (char *line = strtok(msg, "\n"); line; line = strtok(NULL, "\n")) {
			if (streq(line, "READY=1") && !ready++) {
				t_ready = vm_now_us();
				end = t_ready + 1500000u; /* then 1.5 s of pings */
			} else if (streq(line, "WATCHDOG=1")) {
				if (!pings++)
					t_first = vm_now_us();
				t_last = vm_now_us();
			}
		}
	}
	vm_note("READY=1 x%u, WATCHDOG=1 x%u in %.0f ms (interval %.0f ms on average; "
	        "WATCHDOG_USEC 200 ms)",
	        ready, pings, (double)(t_last - t_first) / 1000.0,
	        pings > 1 ? (double)(t_last - t_first) / 1000.0 / (pings - 1) : 0.0);
	unlink(vm_notify_socket);
	if (!ready)
		return vm_fail("no READY=1 on NOTIFY_SOCKET (built without libsystemd?)");
	/* every 100 ms for 1.5 s: 15; an emulated CPU may be late, never absent */
	if (pings < 5)
		return vm_fail("only %u WATCHDOG=1 in the 1.5 s after READY=1 (want about 15)",
		               pings);
	if (pings > 40)
		return vm_fail("%u WATCHDOG=1 in 1.5 s: far more often than half the interval",
		               pings);
	return 0;
}

/* ---- the user unit under systemd --user (tests/vm/user-unit.sh) ---------- */

/*
 * user-unit.sh prepares an unprivileged user with a running `systemd --user`
 * and hidmapd.service installed (ExecStart pointing at the built binary) and
 * runs these scenarios with:
 *   HM_UU_UID      the user's uid (its gid is the same)
 *   HM_UU_HOME     its HOME
 *   HM_UU_RUNTIME  its XDG_RUNTIME_DIR
 *   HM_UU_CONFIG   the ini file the unit's daemon reads (~/.config/hidmapd/)
 *   HM_UU_LOG      the daemon's stderr (a drop-in of the test's, StandardError=)
 */
static uid_t uu_uid;
static const char *uu_home, *uu_runtime, *uu_config;

/* Runs argv as the user, with the environment of its session, stdout and
 * stderr to tmpdir/<scenario>-<label>.out; the exit status, or -ETIMEDOUT. */
static int as_user(const char *label, const char *const *argv, char *out, size_t size,
                   unsigned timeout_ms)
{
	pid_t pid;

	snprintf(out, size, "%s/%s-%s.out", vm_tmpdir, vm_scenario, label);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return vm_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		char v[16];

		if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		if (setgroups(0, NULL) < 0 || setresgid(uu_uid, uu_uid, uu_uid) < 0 ||
		    setresuid(uu_uid, uu_uid, uu_uid) < 0)
			_exit(126);
		clearenv();
		setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
		setenv("HOME", uu_home, 1);
		setenv("XDG_RUNTIME_DIR", uu_runtime, 1);
		snprintf(v, sizeof(v), "%u", (unsigned)uu_uid);
		setenv("USER", v, 1);
		setenv("SYSTEMD_PAGER", "", 1);
		setenv("SYSTEMD_COLORS", "0", 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return vm_wait_child(pid, timeout_ms);
}

/* `systemctl --user VERB [ARG]` as the user; its output in out. */
static int systemctl(const char *verb, const char *arg, char *out, size_t size)
{
	const char *argv[] = {"systemctl", "--user", "--no-pager", verb, arg, NULL};

	return as_user(verb, argv, out, size, 30000);
}

/* A property of hidmapd.service (`systemctl --user show -p NAME --value`),
 * in a static buffer; "" if it cannot be read. */
static const char *unit_prop(const char *name)
{
	const char *argv[] = {"systemctl", "--user",          "show", "-p", name,
	                      "--value",   "hidmapd.service", NULL};
	char out[PATH_MAX];
	char *s;

	if (as_user("show", argv, out, sizeof(out), 10000) != 0)
		return "";
	s = vm_slurp(out);
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* "NAME=value NAME=value" for the properties named, in a static buffer */
static const char *unit_props_line(const char *const *names)
{
	static char line[512];
	size_t l = 0;

	line[0] = '\0';
	for (size_t i = 0; names[i] && l < sizeof(line); i++)
		l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s=%s", i ? " " : "", names[i],
		                      unit_prop(names[i]));
	return line;
}

static void print_unit_props(const char *when)
{
	static const char *const props[] = {
	    "ActiveState",    "SubState",     "Result",       "MainPID",
	    "StatusText",     "NRestarts",    "WatchdogUSec", "WatchdogTimestampMonotonic",
	    "ExecMainStatus", "ExecMainCode", "NotifyAccess", "ControlGroup",
	};

	printf("---- hidmapd.service %s ----\n", when);
	for (size_t i = 0; i < ARRAY_SIZE(props); i++)
		printf("  %s=%s\n", props[i], unit_prop(props[i]));
	printf("---- end ----\n");
}

/* Waits until ActiveState is want (or failed, which ends the wait). */
static bool unit_wait_state(const char *want, unsigned timeout_ms, char *got, size_t size)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		snprintf(got, size, "%s", unit_prop("ActiveState"));
		if (streq(got, want) || streq(got, "failed") || vm_now_us() >= deadline)
			return streq(got, want);
		vm_sleep_ms(20);
	}
}

static int unit_main_pid(void)
{
	uint32_t v;

	return safe_atou32_base(unit_prop("MainPID"), 10, &v) == 0 ? (int)v : -1;
}

/*
 * A stand-in for udevd and its uaccess rule, which the VM lacks: each
 * kernel uevent is read from netlink; the node of a hidraw or input device
 * that is added is given to the test user (what the uaccess ACL does on a
 * desktop, chown here: no setfacl in the VM); then the event is sent on to
 * udev's multicast group in libudev's format, the way udevd passes it on
 * once its rules have run.  With /run/udev/control present the daemon
 * listens there, as it does on a desktop: so the unit's hotplug goes
 * through the same path, including libudev's check of the sender's uid
 * (root, seen as the overflow uid inside PrivateUsers=).
 */
struct udevd_standin {
	pthread_t thread;
	int in, out, stop[2];
	uid_t uid;
	unsigned forwarded, chowned;
	pthread_mutex_t lock;
};

/* libudev's monitor_netlink_header (systemd src/libsystemd/sd-device/
 * device-monitor.c): subscribers filter on the magic and the hashes in BPF,
 * so those are in network byte order. */
struct udev_nl_header {
	char prefix[8];
	uint32_t magic;
	uint32_t header_size;
	uint32_t properties_off;
	uint32_t properties_len;
	uint32_t filter_subsystem_hash;
	uint32_t filter_devtype_hash;
	uint32_t filter_tag_bloom_hi;
	uint32_t filter_tag_bloom_lo;
};

/* MurmurHash2 with seed 0, as libudev hashes subsystem and devtype */
static uint32_t murmur2(const char *s)
{
	const uint32_t m = 0x5bd1e995;
	size_t len = strlen(s);
	uint32_t h = (uint32_t)len;
	const unsigned char *p = (const unsigned char *)s;

	for (; len >= 4; p += 4, len -= 4) {
		uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		             (uint32_t)p[3] << 24;

		k *= m;
		k ^= k >> 24;
		k *= m;
		h = h * m ^ k;
	}
	switch (len) {
	case 3:
		h ^= (uint32_t)p[2] << 16;
		/* fall through */
	case 2:
		h ^= (uint32_t)p[1] << 8;
		/* fall through */
	case 1:
		h ^= p[0];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h;
}

/* The value of KEY= in a uevent's NUL-separated properties, or NULL. */
static const char *uevent_prop(const char *props, size_t len, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < len; i += strnlen(props + i, len - i) + 1)
		if (strncmp(props + i, key, kl) == 0 && props[i + kl] == '=')
			return props + i + kl + 1;
	return NULL;
}

static void *udevd_main(void *arg)
{
	struct udevd_standin *u = arg;

	for (;;) {
		struct pollfd p[2] = {{.fd = u->in, .events = POLLIN},
		                      {.fd = u->stop[0], .events = POLLIN}};
		struct sockaddr_nl dst = {.nl_family = AF_NETLINK, .nl_groups = 2};
		struct udev_nl_header h = {
		    .prefix = "libudev", .magic = htobe32(0xfeedcafe), .header_size = sizeof(h)};
		char buf[8192 + 1];
		const char *props, *action, *subsystem, *devname, *devtype;
		size_t plen;
		ssize_t n;
		struct iovec iov[2];
		struct msghdr msg = {
		    .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = iov, .msg_iovlen = 2};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (p[1].revents)
			return NULL;
		n = recv(u->in, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "ACTION@DEVPATH\0KEY=VALUE\0..." */
		props = buf + strlen(buf) + 1;
		if (props >= buf + n || !strstr(buf, "@/"))
			continue;
		plen = (size_t)(buf + n - props);
		action = uevent_prop(props, plen, "ACTION");
		subsystem = uevent_prop(props, plen, "SUBSYSTEM");
		devname = uevent_prop(props, plen, "DEVNAME");
		devtype = uevent_prop(props, plen, "DEVTYPE");
		if (!action || !subsystem)
			continue;
		if (streq(action, "add") && devname &&
		    (streq(subsystem, "hidraw") || streq(subsystem, "input"))) {
			char node[PATH_MAX];

			snprintf(node, sizeof(node), "/dev/%s", devname);
			if (chown(node, u->uid, (gid_t)-1) == 0) {
				pthread_mutex_lock(&u->lock);
				u->chowned++;
				pthread_mutex_unlock(&u->lock);
			}
		}
		h.properties_off = sizeof(h);
		h.properties_len = (uint32_t)plen;
		h.filter_subsystem_hash = htobe32(murmur2(subsystem));
		if (devtype)
			h.filter_devtype_hash = htobe32(murmur2(devtype));
		iov[0] = (struct iovec){.iov_base = &h, .iov_len = sizeof(h)};
		iov[1] = (struct iovec){.iov_base = (void *)props, .iov_len = plen};
		/* ECONNREFUSED: nobody listens to the group (yet) */
		if (sendmsg(u->out, &msg, 0) >= 0 || errno == ECONNREFUSED) {
			pthread_mutex_lock(&u->lock);
			u->forwarded++;
			pthread_mutex_unlock(&u->lock);
		}
	}
}

static void udevd_stop(struct udevd_standin *u)
{
	if (u->stop[1] >= 0) {
		(void)!write(u->stop[1], "x", 1);
		pthread_join(u->thread, NULL);
	}
	u->in = safe_close(u->in);
	u->out = safe_close(u->out);
	u->stop[0] = safe_close(u->stop[0]);
	u->stop[1] = safe_close(u->stop[1]);
	(void)unlink("/run/udev/control");
}

static int udevd_start(struct udevd_standin *u, uid_t uid)
{
	struct sockaddr_nl in = {.nl_family = AF_NETLINK, .nl_groups = 1};
	struct sockaddr_nl out = {.nl_family = AF_NETLINK};
	int fd, r;

	*u = (struct udevd_standin){.in = -1, .out = -1, .stop = {-1, -1}, .uid = uid};
	pthread_mutex_init(&u->lock, NULL);
	u->in = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	u->out = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (u->in < 0 || u->out < 0 || bind(u->in, (struct sockaddr *)&in, sizeof(in)) < 0 ||
	    bind(u->out, (struct sockaddr *)&out, sizeof(out)) < 0 || pipe2(u->stop, O_CLOEXEC) < 0)
		return vm_fail("udevd stand-in: netlink: %s", strerror(errno));
	r = pthread_create(&u->thread, NULL, udevd_main, u);
	if (r != 0) {
		u->stop[1] = safe_close(u->stop[1]);
		return vm_fail("pthread_create: %s", strerror(r));
	}
	/* what libudev and the daemon take as "udevd runs" */
	if (mkdir("/run/udev", 0755) < 0 && errno != EEXIST)
		return vm_fail("/run/udev: %s", strerror(errno));
	fd = open("/run/udev/control", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return vm_fail("/run/udev/control: %s", strerror(errno));
	close(fd);
	return 0;
}

static unsigned udevd_count(struct udevd_standin *u, bool chowned)
{
	unsigned n;

	pthread_mutex_lock(&u->lock);
	n = chowned ? u->chowned : u->forwarded;
	pthread_mutex_unlock(&u->lock);
	return n;
}

/* The first line of /proc/PID/status starting with key ("Seccomp:"), its value. */
static void proc_status(pid_t pid, const char *key, char *buf, size_t size)
{
	char path[64], line[256];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (startswith(line, key)) {
			snprintf(buf, size, "%s",
			         line + strlen(key) + strspn(line + strlen(key), " \t"));
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
}

/* The multicast groups the NETLINK_KOBJECT_UEVENT sockets of pid are bound
 * to, OR'ed (1: the kernel's uevents, 2: udevd's), from /proc/net/netlink. */
static unsigned uevent_groups(pid_t pid)
{
	char path[64], line[512];
	unsigned long inodes[64];
	size_t ni = 0;
	unsigned groups = 0;
	struct dirent *de;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	while (d && (de = readdir(d)) && ni < ARRAY_SIZE(inodes)) {
		char link[128], target[64];
		ssize_t l;

		snprintf(link, sizeof(link), "%s/%.32s", path, de->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		if (l > 0) {
			target[l] = '\0';
			if (sscanf(target, "socket:[%lu]", &inodes[ni]) == 1)
				ni++;
		}
	}
	if (d)
		closedir(d);
	f = fopen("/proc/net/netlink", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long sk, inode;
		unsigned proto, port, g;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%lx %u %u %x %*d %*d %*d %*d %*d %lu", &sk, &proto, &port, &g,
		           &inode) != 5 ||
		    proto != NETLINK_KOBJECT_UEVENT)
			continue;
		for (size_t i = 0; i < ni; i++)
			if (inodes[i] == inode)
				groups |= g;
	}
	if (f)
		fclose(f);
	return groups;
}

/* What the daemon's process is: its user namespace (its own or the
 * manager's), seccomp mode, no_new_privs, capabilities, uevent groups. */
static int check_sandbox(pid_t pid, bool userns)
{
	char mine[64], its[64], path[64], map[128], seccomp[16], nnp[16], capeff[32];
	unsigned groups = uevent_groups(pid);
	ssize_t l;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	l = readlink(path, its, sizeof(its) - 1);
	its[l > 0 ? l : 0] = '\0';
	l = readlink("/proc/self/ns/user", mine, sizeof(mine) - 1);
	mine[l > 0 ? l : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	l = fd >= 0 ? read(fd, map, sizeof(map) - 1) : -1;
	safe_close(fd);
	map[l > 0 ? l : 0] = '\0';
	for (char *c = map; *c; c++)
		if (*c == '\n')
			*c = ';';
	proc_status(pid, "Seccomp:", seccomp, sizeof(seccomp));
	proc_status(pid, "NoNewPrivs:", nnp, sizeof(nnp));
	proc_status(pid, "CapEff:", capeff, sizeof(capeff));
	vm_note("sandbox of pid %d: user namespace %s (%s), uid_map \"%s\", Seccomp %s, NoNewPrivs "
	        "%s, CapEff %s, uevent groups 0x%x (%s)",
	        (int)pid, its, streq(its, mine) ? "the initial one" : "its own", map, seccomp, nnp,
	        capeff, groups,
	        groups == 2   ? "udevd's"
	        : groups == 1 ? "the kernel's"
	                      : "?");
	if (userns == streq(its, mine))
		return vm_fail("PrivateUsers=%s, but the daemon runs in %s user namespace",
		               userns ? "yes" : "no", streq(its, mine) ? "the initial" : "a new");
	if (!streq(seccomp, "2") || !streq(nnp, "1"))
		return vm_fail("the daemon has no seccomp filter (%s) or no NoNewPrivs (%s)",
		               seccomp, nnp);
	if (groups != 2)
		return vm_fail(
		    "the daemon does not listen to udevd's uevents (groups 0x%x), though "
		    "/run/udev/control exists",
		    groups);
	return 0;
}

/* `hidmapd status` as the user, against the unit's control socket. */
static int user_status(struct vm_tdev *kbd)
{
	const char *argv[] = {vm_hidmapd, "status", NULL};
	char out[PATH_MAX], want[128];
	const char *text;
	int st = as_user("status", argv, out, sizeof(out), 10000);

	text = vm_slurp(out);
	printf("---- hidmapd status (as uid %u) ----\n%s---- end ----\n", (unsigned)uu_uid, text);
	if (st != 0)
		return vm_fail("hidmapd status as the user exited %d", st);
	snprintf(want, sizeof(want), "device /dev/%s 1209:0001 ", kbd->hidraw);
	if (!strstr(text, want))
		return vm_fail("hidmapd status does not list \"%s\"", want);
	return 0;
}

/*
 * The shipped user unit under systemd --user (see user-unit.sh):
 *   start     `systemctl --user start` returns once READY=1 came
 *             (Type=notify): the unit is active, StatusText= is the
 *             daemon's STATUS=
 *   hotplug   a keyboard plugged in after the start is driven (the uevent
 *             reaches the daemon inside the unit's sandbox), A comes out as
 *             B, and the kernel's own node is grabbed
 *   status    `hidmapd status` as the user answers on the control socket
 *             in the unit's RuntimeDirectory=
 *   watchdog  (full only) 25 s with WatchdogSec=10s: same MainPID, no
 *             restart, WatchdogTimestamp keeps moving
 *   reload    (full only) `systemctl --user reload` (ExecReload= sends
 *             SIGHUP): a new mapping A->C applies
 *   stop      A held at `systemctl --user stop`: released by hidmapd before
 *             its device goes, the unit ends inactive (not failed), the
 *             RuntimeDirectory= is removed
 * full: the hardened unit; otherwise (no-userns) start, hotplug, status, stop.
 */
/* The installed Stream Deck layout (user-unit-package): a Stream Deck XL
 * with the test ids, which the config names with layout = streamdeck-xl,
 * decoded by /usr/share/hidmapd/layouts (the unit sets no
 * HIDMAPD_LAYOUT_DIR): its output declares the keys elgato-streamdeck.ini
 * gives the XL (KEY_MACRO1..30, BTN_TRIGGER_HAPPY1, 2), and each report
 * comes out as `hidmapd replay` of the installed binary prints it. */
static int user_unit_deck(struct vm_tdev *kbd)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *deck = NULL;
	struct vm_output o[MAX_OUTPUTS];
	struct vm_tdev *devs[2];
	char buf[PATH_MAX];
	size_t n;
	int r = 0;

	if (vm_tdev_new("deck", vm_kdata("../layouts/streamdeck-xl.hid", buf, sizeof(buf)), 0x0003,
	                NULL, &deck) < 0)
		return -1;
	devs[0] = kbd, devs[1] = deck;
	n = vm_wait_outputs(devs, 2, deck, 1, o, 10000);
	if (n < 1)
		return vm_fail("the unit's hidmapd did not drive the Stream Deck /dev/%s",
		               deck->hidraw);
	for (size_t i = 0; i < n && r == 0; i++)
		r = vm_output_open(&o[i], O_RDWR | O_NONBLOCK);
	if (r == 0) {
		static const unsigned keys[] = {KEY_MACRO1, KEY_MACRO30, BTN_TRIGGER_HAPPY1,
		                                BTN_TRIGGER_HAPPY2};

		for (size_t k = 0; k < ARRAY_SIZE(keys) && r == 0; k++)
			if (!libevdev_has_event_code(o[0].evdev, EV_KEY, keys[k]))
				r = vm_fail(
				    "the Stream Deck's output lacks %s: not the installed layout",
				    libevdev_event_code_get_name(EV_KEY, keys[k]));
	}
	if (r == 0)
		r = vm_check_against_replay(deck, uu_config, o, n, devs, 2);
	if (r == 0)
		vm_note("Stream Deck XL: decoded by the installed layout, as replay prints it");
	vm_outputs_close(o, n);
	return r;
}

static int scenario_user_unit_run(bool full, bool deck)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct udevd_standin u;
	struct vm_output o[MAX_OUTPUTS];
	struct vm_evnode knodes[MAX_OUTPUTS];
	size_t n = 0, nknodes = 0;
	char out[PATH_MAX], state[64], buf[PATH_MAX], sock[PATH_MAX];
	const char *s;
	struct vm_reader rd;
	bool reading = false;
	uint64_t t0, t1;
	uint32_t v;
	long press, off;
	int st, syn, r = -1;

	if (!getenv("HM_UU_UID") || safe_atou32_base(getenv("HM_UU_UID"), 10, &v) < 0 ||
	    !(uu_home = getenv("HM_UU_HOME")) || !(uu_runtime = getenv("HM_UU_RUNTIME")) ||
	    !(uu_config = getenv("HM_UU_CONFIG")) || !getenv("HM_UU_LOG"))
		return vm_fail("run by tests/vm/user-unit.sh, which sets HM_UU_*");
	uu_uid = v;
	snprintf(vm_daemon_log, sizeof(vm_daemon_log), "%s", getenv("HM_UU_LOG"));
	snprintf(sock, sizeof(sock), "%s/hidmapd/control", uu_runtime);
	if (udevd_start(&u, uu_uid) < 0)
		goto out_udevd;

	/* start: returns when READY=1 arrives (or the start fails) */
	t0 = vm_now_us();
	st = systemctl("start", "hidmapd.service", out, sizeof(out));
	t1 = vm_now_us();
	if (st != 0) {
		vm_fail("systemctl --user start hidmapd exited %d: %s", st, vm_slurp(out));
		print_unit_props("after the failed start");
		goto out_udevd;
	}
	vm_note("systemctl --user start: returned after %.0f ms (%s)", (double)(t1 - t0) / 1000.0,
	        unit_props_line((const char *const[]){"ActiveState", "SubState", "MainPID", NULL}));
	if (!unit_wait_state("active", 1000, state, sizeof(state))) {
		vm_fail("hidmapd.service is %s after the start, not active", state);
		goto out_udevd;
	}
	vm_unit_pid = unit_main_pid();
	if (vm_unit_pid <= 0) {
		vm_fail("hidmapd.service has no MainPID");
		goto out_udevd;
	}
#if HAVE_LIBSYSTEMD
	s = unit_prop("StatusText");
	vm_note("StatusText=%s", s);
	if (!s[0]) {
		vm_fail("StatusText= is empty: the daemon's STATUS= did not reach the manager");
		goto out_udevd;
	}
#endif
	if (!vm_daemon_log_wait("running", 0, 5000)) {
		vm_fail("the unit's log does not say \"running\"");
		goto out_udevd;
	}
	if (check_sandbox(vm_unit_pid, full) < 0)
		goto out_udevd;
	if (access(sock, F_OK) < 0) {
		vm_fail("no control socket at %s: %s", sock, strerror(errno));
		goto out_udevd;
	}

	/* hotplug, through the sandbox */
	off = vm_file_size(vm_daemon_log);
	t0 = vm_now_us();
	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		goto out_udevd;
	t1 = vm_now_us();
	n = vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000);
	if (n < 1) {
		vm_fail(
		    "the unit's hidmapd did not pick up /dev/%s within 10 s (the udevd stand-in "
		    "passed on %u uevent(s), gave %u node(s) to uid %u)",
		    kbd->hidraw, udevd_count(&u, false), udevd_count(&u, true), (unsigned)uu_uid);
		goto out_udevd;
	}
	vm_note("hotplug: /dev/%s driven, %s there %.0f ms after UHID_CREATE2 (%.0f ms after "
	        "hid-generic bound it); the udevd stand-in passed on %u uevent(s)",
	        kbd->hidraw, o[0].devnode, (double)(vm_now_us() - t0) / 1000.0,
	        (double)(vm_now_us() - t1) / 1000.0, udevd_count(&u, false));
	if (!vm_daemon_log_wait("driven by module", off, 2000)) {
		vm_fail("the unit's log does not say the keyboard is driven");
		goto out;
	}
	/* the kernel's own nodes: grabbed by the daemon (it opened them
	 * inside the sandbox), so silent while A comes out as B */
	if (vm_open_kernel_nodes(kbd, knodes, &nknodes) < 0)
		goto out;
	(void)vm_kernel_nodes_pending(knodes, nknodes, false);
	if (vm_output_open(&o[0], O_RDWR | O_NONBLOCK) < 0 || vm_expect_a_as(kbd, o, "KEY_B") < 0)
		goto out;
	if (vm_kernel_nodes_pending(knodes, nknodes, true) > 0) {
		vm_fail("the kernel's evdev node delivered the key too: not grabbed by the unit");
		goto out;
	}
	vm_note("A came out as B on %s; the kernel's %s stayed silent (grabbed)", o[0].devnode,
	        knodes[0].devnode);
	if (user_status(kbd) < 0)
		goto out;
	if (deck && user_unit_deck(kbd) < 0)
		goto out;

	/* the package scenario reloads in user-unit.sh (the layouts an upgrade
	 * added) and leaves the 25 s of the watchdog to user-unit */
	if (full && !deck) {
		uint64_t end = vm_now_us() + 25000000u;
		char last[64] = "", first[64] = "";
		unsigned moves = 0;

		/* WatchdogSec=10s: the daemon pings every 5 s; 25 s is two
		 * timeouts and a half */
		vm_note("watchdog: WatchdogUSec=%s, watching for 25 s", unit_prop("WatchdogUSec"));
		while (vm_now_us() < end) {
			s = unit_prop("WatchdogTimestampMonotonic");
			if (!first[0])
				snprintf(first, sizeof(first), "%s", s);
			if (s[0] && !streq(s, last)) {
				if (last[0])
					moves++;
				snprintf(last, sizeof(last), "%s", s);
			}
			if (!vm_daemon_alive())
				break;
			vm_sleep_ms(500);
		}
		if (unit_main_pid() != vm_unit_pid || !streq(unit_prop("NRestarts"), "0") ||
		    !streq(unit_prop("ActiveState"), "active")) {
			vm_fail("after 25 s the unit is %s, MainPID %d (was %d), NRestarts=%s",
			        unit_prop("ActiveState"), unit_main_pid(), (int)vm_unit_pid,
			        unit_prop("NRestarts"));
			goto out;
		}
#if HAVE_LIBSYSTEMD
		vm_note("watchdog: 25 s, same MainPID %d, NRestarts=0, WatchdogTimestamp moved %u "
		        "time(s) (%s -> %s us)",
		        (int)vm_unit_pid, moves, first, last);
		if (moves < 3) {
			vm_fail("WatchdogTimestamp moved %u time(s) in 25 s: want 4 or more pings "
			        "(every 5 s)",
			        moves);
			goto out;
		}
#endif

		/* reload: A->C.  The daemon sees the file change by itself
		 * (inotify); let that pass, then the reload must come from
		 * ExecReload='s SIGHUP: "configuration reloaded" with no
		 * "a configuration file changed" before it. */
		off = vm_file_size(vm_daemon_log);
		if (vm_write_file(uu_config, "[device kbd]\nmatch = 1209:0001\n\n[remap kbd]\n"
		                             "KEY_A = KEY_C\n") < 0)
			goto out;
		if (!vm_daemon_log_wait("configuration reloaded", off, 5000))
			vm_note("no reload on the file change (inotify) within 5 s");
		vm_sleep_ms(500);
		off = vm_file_size(vm_daemon_log);
		st = systemctl("reload", "hidmapd.service", out, sizeof(out));
		if (st != 0) {
			vm_fail("systemctl --user reload hidmapd exited %d: %s", st, vm_slurp(out));
			goto out;
		}
		if (!vm_daemon_log_wait("configuration reloaded", off, 5000) ||
		    vm_daemon_log_wait("a configuration file changed", off, 0)) {
			vm_fail("the unit's log does not show the reload by SIGHUP");
			goto out;
		}
		vm_sleep_ms(200);
		if (vm_reopen_outputs(kbd, o, &n) < 0 || vm_expect_a_as(kbd, o, "KEY_C") < 0)
			goto out;
		vm_note("systemctl --user reload: A now comes out as C, MainPID still %d",
		        unit_main_pid());
	}

	/* stop with A held */
	if (vm_reader_start(&rd, o[0].devnode) < 0)
		goto out;
	reading = true;
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0)
		goto out;
	press =
	    vm_reader_wait_event(&rd, EV_KEY, full && !deck ? KEY_C : KEY_B, 1, EVENT_TIMEOUT_MS);
	if (press < 0) {
		vm_fail("the held key's press did not arrive");
		vm_reader_print(&rd);
		goto out;
	}
	t0 = vm_now_us();
	st = systemctl("stop", "hidmapd.service", out, sizeof(out));
	t1 = vm_now_us();
	if (st != 0) {
		vm_fail("systemctl --user stop hidmapd exited %d: %s", st, vm_slurp(out));
		goto out;
	}
	if (!vm_reader_wait_end(&rd, STOP_TIMEOUT_MS)) {
		vm_fail("%s still exists after the stop", rd.devnode);
		goto out;
	}
	if (!vm_reader_saw_release(&rd, press, full && !deck ? KEY_C : KEY_B, &syn) || syn != 0) {
		vm_fail("the key held at the stop was not released by hidmapd (SYN_REPORT %d)",
		        syn);
		vm_reader_print(&rd);
		goto out;
	}
	vm_note("systemctl --user stop: returned after %.0f ms, the held key released by hidmapd "
	        "(%s)",
	        (double)(t1 - t0) / 1000.0,
	        unit_props_line((const char *const[]){"ActiveState", "Result", "ExecMainCode",
	                                              "ExecMainStatus", NULL}));
	if (!streq(unit_prop("ActiveState"), "inactive") ||
	    !streq(unit_prop("Result"), "success")) {
		vm_fail("after the stop the unit is %s (Result=%s), not inactive with success",
		        unit_prop("ActiveState"), unit_prop("Result"));
		goto out;
	}
	vm_unit_pid = -1;
	if (access(sock, F_OK) == 0 || errno != ENOENT) {
		vm_fail("%s is still there after the stop", sock);
		goto out;
	}
	r = 0;
out:
	if (reading)
		vm_reader_stop(&rd);
	vm_outputs_close(o, n);
	vm_evnodes_close(knodes, nknodes);
out_udevd:
	if (r < 0)
		print_unit_props("at the failure");
	udevd_stop(&u);
	return r;
}

int scenario_user_unit(void)
{
	return scenario_user_unit_run(true, false);
}

int scenario_user_unit_no_userns(void)
{
	return scenario_user_unit_run(false, false);
}

int scenario_user_unit_package(void)
{
	return scenario_user_unit_run(true, true);
}
