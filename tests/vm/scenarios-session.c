/* SPDX-License-Identifier: MIT */
/*
 * The `session` scenario: fast user switching (src/io/session-watch.h).
 *
 * It uses the helpers of vm-harness.h (test devices, the daemon, its
 * outputs, readers).
 *
 * systemd-logind does not run in the VM.  A stand-in plays it the way
 * sd-login sees it: logind's state files in /run/systemd/sessions, users
 * and seats, each written whole and renamed into place as logind does
 * (sd_login_monitor watches for the rename), on a tmpfs of our own in a
 * mount namespace of our own that the daemon inherits.  So the daemon runs
 * its real sd-login code; nothing in hidmapd knows it is a test.  Two
 * users share seat0: root (uid 0, the daemon's user) in session c1 and
 * uid 1000 in session c2.
 *
 *   session   hidmapd started while c2 has the seat opens nothing; c1
 *             takes the seat: hidmapd drives a uhid keyboard (A mapped to
 *             B), A held.
 *             c2 takes the seat: B is released on the uinput keyboard (by
 *             hidmapd: SYN_REPORT 0) and the uinput device goes, the
 *             daemon has no fd left on the hidraw node, /dev/uinput or the
 *             kernel's evdev node, which delivers the keys again (not
 *             grabbed); a `hidmapd monitor` connected now shows nothing;
 *             `hidmapd status` says the session is inactive and the
 *             devices released; a keyboard plugged in meanwhile is not
 *             opened.  c1 takes the seat back: both keyboards are driven
 *             again, A comes out as B, the kernel's node is silent, the
 *             monitor shows A again.  Then logouts: see logout_phases().
 *             Built without libsystemd, hidmapd drives the keyboard
 *             whoever has the seat, and status says so.
 */
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "build-config.h"
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define LOGIND_DIR "/run/systemd"

/* One logind state file, written as logind does: a temporary file renamed
 * over the old one (sd_login_monitor sees IN_MOVED_TO). */
static int logind_write(const char *dir, const char *name, const char *body)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	snprintf(path, sizeof(path), LOGIND_DIR "/%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), LOGIND_DIR "/%s/.#%s", dir, name);
	if (vm_write_file(tmp, body) < 0)
		return -1;
	if (rename(tmp, path) < 0)
		return vm_fail("rename %s: %s", path, strerror(errno));
	return 0;
}

/* Seat0 in front of `front` (c1: root, c2: uid 1000), with the fields
 * sd-login reads (sd-login.c: SESSIONS/ONLINE_SESSIONS/ACTIVE_SESSIONS of
 * the user, SEAT and ACTIVE of the session), in logind's order for a
 * switch (seat_set_active(): seat, new session, its user, old session,
 * its user). */
static int logind_seat0(const char *front)
{
	bool c1 = streq(front, "c1");
	char seat[256], s1[256], s2[256], u0[256], u1000[256];

	snprintf(seat, sizeof(seat),
	         "IS_SEAT0=1\nCAN_MULTI_SESSION=1\nACTIVE=%s\nACTIVE_UID=%s\n"
	         "SESSIONS=c1 c2\nUIDS=0 1000\n",
	         front, c1 ? "0" : "1000");
	snprintf(s1, sizeof(s1),
	         "UID=0\nUSER=root\nACTIVE=%d\nSTATE=%s\nREMOTE=0\nTYPE=x11\n"
	         "CLASS=user\nSEAT=seat0\nVTNR=1\n",
	         c1, c1 ? "active" : "online");
	snprintf(s2, sizeof(s2),
	         "UID=1000\nUSER=b\nACTIVE=%d\nSTATE=%s\nREMOTE=0\nTYPE=x11\n"
	         "CLASS=user\nSEAT=seat0\nVTNR=2\n",
	         !c1, c1 ? "online" : "active");
	snprintf(u0, sizeof(u0),
	         "NAME=root\nSTATE=%s\nSESSIONS=c1\nSEATS=seat0\n"
	         "ACTIVE_SESSIONS=%s\nONLINE_SESSIONS=c1\nACTIVE_SEATS=%s\nONLINE_SEATS=seat0\n",
	         c1 ? "active" : "online", c1 ? "c1" : "", c1 ? "seat0" : "");
	snprintf(u1000, sizeof(u1000),
	         "NAME=b\nSTATE=%s\nSESSIONS=c2\nSEATS=seat0\n"
	         "ACTIVE_SESSIONS=%s\nONLINE_SESSIONS=c2\nACTIVE_SEATS=%s\nONLINE_SEATS=seat0\n",
	         c1 ? "online" : "active", c1 ? "" : "c2", c1 ? "" : "seat0");
	if (logind_write("seats", "seat0", seat) < 0)
		return -1;
	if (c1)
		return logind_write("sessions", "c1", s1) < 0 ||
		               logind_write("users", "0", u0) < 0 ||
		               logind_write("sessions", "c2", s2) < 0 ||
		               logind_write("users", "1000", u1000) < 0
		           ? -1
		           : 0;
	return logind_write("sessions", "c2", s2) < 0 || logind_write("users", "1000", u1000) < 0 ||
	               logind_write("sessions", "c1", s1) < 0 || logind_write("users", "0", u0) < 0
	           ? -1
	           : 0;
}

/* A private /run/systemd with logind's directories, for us and the daemon
 * we start: nothing of it outlives the scenario. */
static int logind_standin(void)
{
	static const char *const dirs[] = {"sessions", "users", "seats"};

	if (unshare(CLONE_NEWNS) < 0)
		return vm_fail("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return vm_fail("making / private: %s", strerror(errno));
	if (mkdir(LOGIND_DIR, 0755) < 0 && errno != EEXIST)
		return vm_fail(LOGIND_DIR ": %s", strerror(errno));
	if (mount("tmpfs", LOGIND_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return vm_fail("mounting a tmpfs on " LOGIND_DIR ": %s", strerror(errno));
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), LOGIND_DIR "/%s", dirs[i]);
		if (mkdir(path, 0755) < 0)
			return vm_fail("%s: %s", path, strerror(errno));
	}
	return logind_seat0("c2");
}

/* Waits until the daemon has n fds on /dev/<node>. */
static bool wait_node_fds(const char *node, int n, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	while (vm_count_node_fds(vm_daemon_pid, node) != n) {
		if (vm_now_us() >= deadline)
			return false;
		vm_sleep_ms(5);
	}
	return true;
}

static int status_says(const char *what, const char *const *want, size_t nwant)
{
	char out[PATH_MAX], err[PATH_MAX];
	const char *text;
	int st, r = 0;

	st = vm_run_client("status", out, err, sizeof(out));
	text = vm_slurp(out);
	printf("---- hidmapd status (%s) ----\n%s---- end ----\n", what, text);
	if (st != 0)
		return vm_fail("hidmapd status exited %d: %s", st, vm_slurp(err));
	for (size_t i = 0; i < nwant; i++)
		if (!strstr(text, want[i]))
			r = vm_fail("%s: status does not say \"%s\"", what, want[i]);
	return r;
}

static int logind_remove(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), LOGIND_DIR "/%s/%s", dir, name);
	if (unlink(path) < 0)
		return vm_fail("unlink %s: %s", path, strerror(errno));
	return 0;
}

/* Waits until both keyboards have an fd in the daemon (driven), or
 * neither has (released); false at the deadline. */
static bool wait_driven(struct vm_tdev *a, struct vm_tdev *b, bool driven, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		bool da = vm_count_node_fds(vm_daemon_pid, a->hidraw) > 0;
		bool db = vm_count_node_fds(vm_daemon_pid, b->hidraw) > 0;

		if (da == driven && db == driven)
			return true;
		if (vm_now_us() >= deadline)
			return false;
		(void)vm_tdev_service(a);
		(void)vm_tdev_service(b);
		vm_sleep_ms(5);
	}
}

/*
 * With c2 in front, root logs out of seat0 and keeps an ssh session: the
 * devices stay released (another user is in front).  Then c2 logs out
 * too, nobody is in front of a seat, root has only ssh: no-seat, both
 * keyboards are driven again, as without logind.
 */
static int logout_phases(struct vm_tdev *kbd, struct vm_tdev *kbd2)
{
	const char *const w_other[] = {
	    " devices 0\n",
	    "session inactive (another user's c2 is in front on seat0): devices released\n"};
	const char *const w_noseat[] = {" devices 2\n", "session no-seat (no session on a seat)\n"};

	if (logind_seat0("c2") < 0)
		return -1;
	if (!wait_driven(kbd, kbd2, false, 2000))
		return vm_fail("hidmapd still holds a keyboard 2 s after c2 took the seat again");
	/* root: the ssh session 5 first, then c1 ends (as logind: session, user) */
	if (logind_write("sessions", "5",
	                 "UID=0\nUSER=root\nACTIVE=1\nSTATE=active\nREMOTE=1\nTYPE=tty\n"
	                 "CLASS=user\nSERVICE=sshd\n") < 0 ||
	    logind_write("users", "0",
	                 "NAME=root\nSTATE=active\nSESSIONS=5 c1\nACTIVE_SESSIONS=5\n"
	                 "ONLINE_SESSIONS=5 c1\nSEATS=seat0\nONLINE_SEATS=seat0\n") < 0 ||
	    logind_remove("sessions", "c1") < 0 ||
	    logind_write("users", "0",
	                 "NAME=root\nSTATE=active\nSESSIONS=5\nACTIVE_SESSIONS=5\n"
	                 "ONLINE_SESSIONS=5\n") < 0 ||
	    logind_write("seats", "seat0",
	                 "IS_SEAT0=1\nCAN_MULTI_SESSION=1\nACTIVE=c2\nACTIVE_UID=1000\n"
	                 "SESSIONS=c2\nUIDS=1000\n") < 0)
		return -1;
	vm_sleep_ms(300);
	if (!wait_driven(kbd, kbd2, false, 0))
		return vm_fail(
		    "root logged out of seat0 with c2 in front: hidmapd took a keyboard");
	if (status_says("ssh only, c2 in front", w_other, ARRAY_SIZE(w_other)) < 0)
		return -1;
	vm_note("root with ssh only, c2 in front of seat0: still released");

	/* c2 logs out: seat0 has nobody in front */
	if (logind_write("seats", "seat0", "IS_SEAT0=1\nCAN_MULTI_SESSION=1\n") < 0 ||
	    logind_remove("sessions", "c2") < 0 || logind_remove("users", "1000") < 0)
		return -1;
	if (!wait_driven(kbd, kbd2, true, 5000))
		return vm_fail(
		    "nobody in front of a seat, root has ssh only: hidmapd does not drive "
		    "both keyboards within 5 s");
	if (status_says("nobody in front", w_noseat, ARRAY_SIZE(w_noseat)) < 0)
		return -1;
	vm_note("nobody in front of a seat, root with ssh only: both keyboards driven (no-seat)");
	return 0;
}

/* Built without libsystemd: the session is not followed, as documented.
 * c2 has the seat, and hidmapd drives the keyboard all the same. */
static int not_followed(struct vm_tdev *kbd)
{
	const char *const w[] = {" devices 1\n",
	                         "session not-followed (built without libsystemd)\n"};
	struct vm_output o[MAX_OUTPUTS];

	if (vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000) < 1)
		return vm_fail("hidmapd built without libsystemd did not drive /dev/%s",
		               kbd->hidraw);
	if (!vm_daemon_log_wait("running", 0, 5000))
		return vm_fail("hidmapd did not say \"running\"");
	vm_note("built without libsystemd: /dev/%s driven while c2 has the seat", kbd->hidraw);
	return status_says("not followed", w, ARRAY_SIZE(w));
}

int scenario_session(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL, *kbd2 = NULL;
	struct vm_output o[MAX_OUTPUTS], o2[MAX_OUTPUTS];
	struct vm_evnode knodes[MAX_OUTPUTS];
	size_t no = 0, no2 = 0, nk = 0, pending;
	char config[PATH_MAX], buf[PATH_MAX], rt[PATH_MAX], want[160], node[64];
	struct vm_reader rd = {.fd = -1};
	bool reading = false;
	long press, off;
	uint64_t t0;
	int r = 0, syn;
	const char *mon_argv[] = {"hidmapd", "monitor", NULL};
	char mon_out[PATH_MAX], mon_err[PATH_MAX];
	pid_t mon = -1;

	/* a runtime dir of our own for the control socket (as `control` does) */
	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (logind_standin() < 0)
		return -1;
	vm_note("logind stand-in: c1 (uid 0) and c2 (uid 1000) on seat0, c2 in front");

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	/* a log left by an earlier run (-o DIR) must not answer the waits below
	 * before the daemon has truncated it */
	snprintf(buf, sizeof(buf), "%s/%s.hidmapd.log", vm_tmpdir, vm_scenario);
	(void)unlink(buf);
	if (vm_config_write("config",
	                    "[device kbd]\n"
	                    "match = 1209:0001\n"
	                    "[remap kbd]\n"
	                    "KEY_A = KEY_B\n",
	                    config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	if (!HAVE_LIBSYSTEMD)
		return not_followed(kbd);
	/* started while c2 has the seat: nothing is opened */
	if (!vm_daemon_log_wait("running", 0, 10000))
		return vm_fail("hidmapd did not say \"running\"");
	if (vm_count_node_fds(vm_daemon_pid, kbd->hidraw) != 0 ||
	    vm_find_outputs(kbd, o, MAX_OUTPUTS, &no) < 0 || no != 0)
		return vm_fail(
		    "hidmapd started while c2 has the seat drives /dev/%s (%d fd(s), %zu "
		    "uinput device(s))",
		    kbd->hidraw, vm_count_node_fds(vm_daemon_pid, kbd->hidraw), no);
	if (!vm_daemon_log_wait("session inactive: not driving devices", 0, 100))
		r = vm_fail("hidmapd did not log that it starts inactive");
	vm_note("started while c2 is in front: /dev/%s not opened, no uinput device", kbd->hidraw);

	/* c1 takes the seat */
	t0 = vm_now_us();
	if (logind_seat0("c1") < 0)
		return -1;
	no = vm_wait_outputs(&kbd, 1, kbd, 1, o, 5000);
	if (no < 1)
		return vm_fail("hidmapd did not drive /dev/%s within 5 s of c1 taking the seat",
		               kbd->hidraw);
	vm_note("c1 in front: %s created %.1f ms after the switch", o[0].devnode,
	        (double)(vm_now_us() - t0) / 1000.0);
	if (!vm_daemon_log_wait("login session: active (c1 on seat0)", 0, 1000))
		r = vm_fail("hidmapd did not log that its session c1 is active");
	if (vm_open_kernel_nodes(kbd, knodes, &nk) < 0) {
		r = -1;
		goto out;
	}
	(void)vm_kernel_nodes_pending(knodes, nk, false);
	if (vm_reader_start(&rd, o[0].devnode) < 0) {
		r = -1;
		goto out;
	}
	reading = true;
	snprintf(node, sizeof(node), "input/%s", strrchr(knodes[0].devnode, '/') + 1);

	/* A held: B down on the uinput keyboard, nothing on the kernel's node */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	press = vm_reader_wait_event(&rd, EV_KEY, KEY_B, 1, EVENT_TIMEOUT_MS);
	if (press < 0) {
		vm_reader_print(&rd);
		r = vm_fail("A held did not come out as B on %s", o[0].devnode);
		goto out;
	}
	pending = vm_kernel_nodes_pending(knodes, nk, true);
	if (pending) {
		r = vm_fail("the kernel's %s delivered %zu event(s) while driven (not grabbed)",
		            knodes[0].devnode, pending);
		goto out;
	}
	vm_note("c1 in front: A held is B down on %s; /dev/%s has %d fd(s) in hidmapd, %s %d",
	        o[0].devnode, kbd->hidraw, vm_count_node_fds(vm_daemon_pid, kbd->hidraw), node,
	        vm_count_node_fds(vm_daemon_pid, node));

	/* c2 takes the seat */
	off = vm_file_size(vm_daemon_log);
	t0 = vm_now_us();
	if (logind_seat0("c2") < 0) {
		r = -1;
		goto out;
	}
	for (uint64_t end = t0 + EVENT_TIMEOUT_MS * 1000u;
	     !vm_reader_saw_release(&rd, press, KEY_B, &syn) && vm_now_us() < end;)
		vm_sleep_ms(2);
	if (!vm_reader_saw_release(&rd, press, KEY_B, &syn)) {
		vm_reader_print(&rd);
		r = vm_fail("B still down on %s %d ms after c2 took the seat", o[0].devnode,
		            EVENT_TIMEOUT_MS);
		goto out;
	}
	vm_note("c2 in front: B released on %s after %.1f ms (SYN_REPORT %d)", o[0].devnode,
	        (double)(vm_now_us() - t0) / 1000.0, syn);
	if (syn != 0) {
		r = vm_fail("the release's frame ends with SYN_REPORT %d, not hidmapd's 0", syn);
		goto out;
	}
	if (!vm_reader_wait_end(&rd, STOP_TIMEOUT_MS)) {
		r = vm_fail("the uinput keyboard %s still exists %d ms after c2 took the seat",
		            o[0].devnode, STOP_TIMEOUT_MS);
		goto out;
	}
	vm_note("%s removed %.1f ms after the switch (%s)", o[0].devnode,
	        (double)(vm_now_us() - t0) / 1000.0, strerror(rd.err));
	if (!wait_node_fds(kbd->hidraw, 0, 2000) || !wait_node_fds("uinput", 0, 2000) ||
	    !wait_node_fds(node, 0, 2000)) {
		(void)vm_count_fds(vm_daemon_pid, true);
		r = vm_fail("hidmapd still holds /dev/%s (%d), /dev/uinput (%d) or /dev/%s (%d)",
		            kbd->hidraw, vm_count_node_fds(vm_daemon_pid, kbd->hidraw),
		            vm_count_node_fds(vm_daemon_pid, "uinput"), node,
		            vm_count_node_fds(vm_daemon_pid, node));
		goto out;
	}
	vm_note("no fd left on /dev/%s, /dev/uinput, /dev/%s", kbd->hidraw, node);
	if (!vm_daemon_log_wait("session inactive: released 1 device", off, 2000)) {
		r = vm_fail("hidmapd did not log that it released its device");
		goto out;
	}
	/* a monitor connected now sees nothing of what is typed */
	snprintf(mon_out, sizeof(mon_out), "%s/%s-monitor.out", vm_tmpdir, vm_scenario);
	snprintf(mon_err, sizeof(mon_err), "%s/%s-monitor.err", vm_tmpdir, vm_scenario);
	mon = vm_spawn(mon_argv, mon_out, mon_err);
	vm_sleep_ms(300);
	/* the kernel's own node delivers again: nobody grabs it */
	if (vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	pending = vm_kernel_nodes_pending(knodes, nk, vm_verbose);
	if (pending == 0) {
		r = vm_fail("the kernel's %s delivers nothing while the session is inactive (still "
		            "grabbed?)",
		            knodes[0].devnode);
		goto out;
	}
	vm_note("the kernel's %s delivered %zu event(s): not grabbed", knodes[0].devnode, pending);
	vm_sleep_ms(100);
	snprintf(want, sizeof(want), "%s ", kbd->hidraw);
	if (strstr(vm_slurp(mon_out), want)) {
		r = vm_fail("hidmapd monitor shows events while the session is inactive:\n%s",
		            vm_slurp(mon_out));
		goto out;
	}
	vm_note("hidmapd monitor, connected while inactive, shows nothing of the keys typed");
	{
		const char *const w[] = {
		    "daemon uptime ",
		    " devices 0\n",
		    "session inactive (c1 on seat0 is in the background): devices released\n",
		};

		if (status_says("inactive", w, ARRAY_SIZE(w)) < 0)
			r = -1;
	}
	/* a keyboard plugged in now is not opened */
	if (vm_tdev_new("keyboard-2",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd2) < 0) {
		r = -1;
		goto out;
	}
	vm_sleep_ms(500);
	if (vm_count_node_fds(vm_daemon_pid, kbd2->hidraw) != 0) {
		r = vm_fail("hidmapd opened /dev/%s, plugged in while the session is inactive",
		            kbd2->hidraw);
		goto out;
	}
	vm_note("/dev/%s plugged in while inactive: not opened", kbd2->hidraw);

	/* c1 takes the seat back */
	off = vm_file_size(vm_daemon_log);
	t0 = vm_now_us();
	if (logind_seat0("c1") < 0) {
		r = -1;
		goto out;
	}
	/* its own node (phys hidmapd/hidrawN/): keyboard-2 is the same model,
	 * opened at the same time, and vm_find_outputs() takes a virtual
	 * device of the same ids when none of the node's own is there yet */
	snprintf(want, sizeof(want), "hidmapd/%s/", kbd->hidraw);
	for (uint64_t end = vm_now_us() + 5000000u;;) {
		no = vm_wait_outputs(&kbd, 1, kbd, 1, o2, 5000);
		if ((no >= 1 && startswith(o2[0].phys, want)) || vm_now_us() >= end)
			break;
		vm_sleep_ms(10);
	}
	if (no < 1 || !startswith(o2[0].phys, want)) {
		r = vm_fail("hidmapd did not drive /dev/%s again within 5 s of c1 taking the seat",
		            kbd->hidraw);
		goto out;
	}
	vm_note("c1 in front again: %s created %.1f ms after the switch", o2[0].devnode,
	        (double)(vm_now_us() - t0) / 1000.0);
	no2 = 1;
	if (vm_output_open(&o2[0], O_RDWR | O_NONBLOCK) < 0) {
		r = -1;
		goto out;
	}
	if (vm_wait_outputs(&kbd2, 1, kbd2, 1, o, 5000) < 1) {
		r = vm_fail("hidmapd did not drive /dev/%s, plugged in while inactive, once active",
		            kbd2->hidraw);
		goto out;
	}
	if (!vm_daemon_log_wait("session active: taking the devices again", off, 2000)) {
		r = vm_fail("hidmapd did not log that it takes the devices again");
		goto out;
	}
	(void)vm_kernel_nodes_pending(knodes, nk, false);
	if (vm_expect_a_as(kbd, &o2[0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	pending = vm_kernel_nodes_pending(knodes, nk, true);
	if (pending) {
		r = vm_fail(
		    "the kernel's %s delivered %zu event(s) after c1 came back (not grabbed "
		    "again)",
		    knodes[0].devnode, pending);
		goto out;
	}
	vm_note("A -> B on %s again, the kernel's %s silent", o2[0].devnode, knodes[0].devnode);
	/* the monitor connected while inactive sees the devices taken again */
	snprintf(want, sizeof(want), "%s in  EV_KEY KEY_A 1\n", kbd->hidraw);
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	     !strstr(vm_slurp(mon_out), want) && vm_now_us() < end;)
		vm_sleep_ms(10);
	if (!strstr(vm_slurp(mon_out), want)) {
		r = vm_fail("hidmapd monitor, connected while inactive, does not show \"%s\" once "
		            "active:\n%s",
		            want, vm_slurp(mon_out));
		goto out;
	}
	vm_note("the same hidmapd monitor shows A again once active");
	snprintf(want, sizeof(want), "device /dev/%s 1209:0001 ", kbd->hidraw);
	{
		const char *const w[] = {" devices 2\n", "session active (c1 on seat0)\n", want};

		if (status_says("active again", w, ARRAY_SIZE(w)) < 0)
			r = -1;
	}
	if (r == 0)
		r = logout_phases(kbd, kbd2);
out:
	if (mon > 0) {
		kill(mon, SIGINT);
		(void)vm_wait_child(mon, 5000);
	}
	if (reading)
		vm_reader_stop(&rd);
	vm_evnodes_close(knodes, nk);
	vm_outputs_close(o2, no2);
	return r;
}
