/* SPDX-License-Identifier: MIT */
/*
 * The daemon's life with its devices: enumeration, start, grab, hotplug,
 * unplug and replug, and how it ends (SIGTERM, SIGKILL).
 *
 *   bus       which uhid bus types hidapi's hid_enumerate() lists
 *   start     devices present at start: opened and mirrored within the
 *             start limit; D:/C: lines and every report's E: lines equal
 *             what `hidmapd replay` prints for the same recording
 *   grab      the kernel's own evdev node is silent while hidmapd drives
 *             the device, and delivers again after SIGTERM
 *   unplug    a device plugged in after the start (hotplug), then
 *             UHID_DESTROY with a key held: the release comes out before
 *             the uinput device goes; no CPU spin and no fd leak after;
 *             then the same again (replug)
 *   sigterm   keys held at SIGTERM are released before the devices go
 *   sigkill   a key held at SIGKILL is released by the kernel when it
 *             destroys the uinput device
 *   replug    replug-grace 1s: a device that goes with a key held has the
 *             key released at once on its still-existing uinput device;
 *             back within the grace period it gets the same uinput device
 *             (same open fd keeps working, same sysfs input), back after
 *             it a new one
 */
#include <pthread.h>
#include <sys/wait.h>

#include <hidapi/hidapi.h>

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

int scenario_start(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL, *mouse = NULL;
	struct vm_output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2];
	struct vm_replay rp;
	char config[PATH_MAX], buf[PATH_MAX];
	int r = 0;

	if (vm_tdev_new("keyboard",
	                vm_kdata("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0 ||
	    vm_tdev_new("mouse", vm_kdata("synthetic/hidtools-wheelmouse.hid", buf, sizeof(buf)),
	                MOUSE_PID, NULL, &mouse) < 0)
		return -1;
	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0)
		return -1;
	/* how many uinput devices to wait for: as many as replay creates */
	if (vm_replay_run(config, kbd->recpath, &rp) < 0)
		return -1;
	want[0] = rp.ndevices;
	vm_replay_free(&rp);
	if (vm_replay_run(config, mouse->recpath, &rp) < 0)
		return -1;
	want[1] = rp.ndevices;
	vm_replay_free(&rp);

	vm_warm_up();
	{
		struct vm_tdev *devs[] = {kbd, mouse};

		/* a slow start fails, but the devices are still checked */
		r = vm_start_and_wait(config, devs, 2, outs, nouts, want, vm_start_limit_ms());
		if (nouts[0] == want[0] && nouts[1] == want[1]) {
			if (vm_check_against_replay(kbd, config, outs[0], nouts[0], devs, 2) < 0)
				r = -1;
			if (vm_check_against_replay(mouse, config, outs[1], nouts[1], devs, 2) < 0)
				r = -1;
		}
	}
	vm_outputs_close(outs[0], nouts[0]);
	vm_outputs_close(outs[1], nouts[1]);
	return r;
}

int scenario_grab(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	struct vm_evnode knodes[MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1}, nk = 0, pending;
	char config[PATH_MAX], buf[PATH_MAX];
	unsigned two = 2;
	_cleanup_free_ char *seen = NULL;
	int r = 0, status;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    vm_open_kernel_nodes(kbd, knodes, &nk) < 0) {
		r = -1;
		goto out;
	}
	(void)vm_kernel_nodes_pending(knodes, nk, false);

	/* while hidmapd drives it: the output gets the key, the kernel's node nothing */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	pending = vm_kernel_nodes_pending(knodes, nk, true);
	vm_outputs_collect(outs[0], 1, &two, &kbd, 1);
	seen = vm_output_take(&outs[0][0]);
	if (!vm_contains(seen, "EV_KEY KEY_A 1")) {
		r = vm_fail("the uinput device did not deliver KEY_A");
		vm_print_indented("uinput", seen);
		goto out;
	}
	pending += vm_kernel_nodes_pending(knodes, nk, true);
	if (pending) {
		r = vm_fail("the kernel's evdev node delivered %zu event(s) while hidmapd drives "
		            "the device (not grabbed)",
		            pending);
		goto out;
	}
	vm_note("while driven: KEY_A on %s, nothing on the kernel's %s", outs[0][0].devnode,
	        knodes[0].devnode);

	/* after SIGTERM the kernel's node is ours again */
	vm_outputs_close(outs[0], nouts[0]);
	nouts[0] = 0;
	vm_daemon_signal(SIGTERM);
	status = vm_daemon_wait_exit(STOP_TIMEOUT_MS);
	if (status < 0) {
		r = vm_fail("hidmapd did not exit within %d ms of SIGTERM", STOP_TIMEOUT_MS);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		r = vm_fail("hidmapd exited with status 0x%x after SIGTERM", status);
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	pending = vm_kernel_nodes_pending(knodes, nk, vm_verbose);
	if (pending == 0) {
		r = vm_fail("after SIGTERM the kernel's evdev node still delivers nothing (still "
		            "grabbed?)");
		goto out;
	}
	vm_note("after SIGTERM: the kernel's %s delivered %zu event(s)", knodes[0].devnode,
	        pending);
out:
	vm_evnodes_close(knodes, nk);
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}

/* One plug, hold A, unplug cycle of the `unplug` scenario. */
static int unplug_cycle(unsigned cycle, int fds_before)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[MAX_OUTPUTS];
	char buf[PATH_MAX];
	struct vm_reader rd;
	int fds_driven, fds_after, syn, r = 0;
	uint64_t t0;
	long c0, c1, press, off;
	size_t n;

	off = vm_file_size(vm_daemon_log);
	if (vm_tdev_new(cycle ? "keyboard-replugged" : "keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	t0 = vm_now_us();
	n = vm_wait_outputs(&kbd, 1, kbd, 1, outs, 5000);
	if (n < 1)
		return vm_fail("hidmapd did not pick up /dev/%s (hotplug) within 5 s", kbd->hidraw);
	vm_note("%s: hotplug -> uinput device %s in %.1f ms", cycle ? "replug" : "plug",
	        outs[0].devnode, (double)(vm_now_us() - t0) / 1000.0);
	if (vm_reader_start(&rd, outs[0].devnode) < 0)
		return -1;
	fds_driven = vm_count_fds(vm_daemon_pid, vm_verbose);

	/* hold A, then unplug */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	press = vm_reader_wait_event(&rd, EV_KEY, KEY_A, 1, EVENT_TIMEOUT_MS);
	if (press < 0) {
		r = vm_fail("KEY_A press did not arrive on %s", outs[0].devnode);
		vm_reader_print(&rd);
		goto out;
	}
	vm_uhid_destroy(kbd->uhid);
	if (!vm_reader_wait_end(&rd, STOP_TIMEOUT_MS)) {
		r = vm_fail("%s still exists %d ms after UHID_DESTROY", outs[0].devnode,
		            STOP_TIMEOUT_MS);
		vm_reader_print(&rd);
		goto out;
	}
	if (!vm_reader_saw_release(&rd, press, KEY_A, &syn)) {
		r = vm_fail("no KEY_A release on %s before it disappeared (%s)", outs[0].devnode,
		            strerror(rd.err));
		vm_reader_print(&rd);
		goto out;
	}
	vm_note("KEY_A released before %s disappeared (frame ends SYN_REPORT %d), then %s",
	        outs[0].devnode, syn, strerror(rd.err));
	if (syn != 0)
		r = vm_fail("the release came from the kernel's unregistration (SYN_REPORT 1), not "
		            "from hidmapd");
	/* "device gone" (the reader's read failed) or "device removed" (hotplug) */
	if (!vm_daemon_log_wait(": device ", off, STOP_TIMEOUT_MS)) {
		r = vm_fail("hidmapd did not log that the device went");
		goto out;
	}

	/* no spin: a dead hidraw fd left in the loop would burn a CPU */
	c0 = vm_cpu_ticks(vm_daemon_pid);
	vm_sleep_ms(1000);
	c1 = vm_cpu_ticks(vm_daemon_pid);
	if (c0 < 0 || c1 < 0) {
		r = vm_fail("cannot read /proc/%d/stat", (int)vm_daemon_pid);
		goto out;
	}
	vm_note("CPU after unplug: %ld tick(s) in 1 s (%ld ticks/s)", c1 - c0,
	        sysconf(_SC_CLK_TCK));
	if (c1 - c0 > 5)
		r = vm_fail(
		    "hidmapd used %ld clock ticks in the second after the unplug (spinning?)",
		    c1 - c0);

	fds_after = vm_stable_fd_count(vm_daemon_pid);
	vm_note("fds: %d before the device, %d while driven, %d after it is gone", fds_before,
	        fds_driven, fds_after);
	if (fds_after != fds_before) {
		r = vm_fail("fd leak: %d fds before the device existed, %d after it is gone",
		            fds_before, fds_after);
		vm_count_fds(vm_daemon_pid, true);
	}
	if (!vm_daemon_alive())
		r = vm_fail("hidmapd died after the unplug");
out:
	vm_reader_stop(&rd);
	return r;
}

int scenario_unplug(void)
{
	char config[PATH_MAX];
	int fds_before;

	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	if (!vm_daemon_log_wait("running", 0, 10000))
		return vm_fail("hidmapd did not say \"running\" within 10 s");
	fds_before = vm_stable_fd_count(vm_daemon_pid);
	if (fds_before < 0)
		return vm_fail("the daemon's fd count does not settle");
	vm_note("fds before the device exists: %d", fds_before);
	if (vm_verbose)
		vm_count_fds(vm_daemon_pid, true);

	/* the device appears after the start (hotplug), goes with A held, and
	 * comes back: the second round is the replug */
	for (unsigned cycle = 0; cycle < 2; cycle++)
		if (unplug_cycle(cycle, fds_before) < 0)
			return -1;
	return 0;
}

static int sigterm_or_sigkill(bool sigkill)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL, *mouse = NULL;
	struct vm_output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX];
	struct vm_reader rd[2];
	size_t nreaders = 0;
	struct vm_tdev *devs[2];
	struct {
		unsigned dev, code;
		long press;
	} held[] = {{0, KEY_LEFTSHIFT, -1}, {0, KEY_A, -1}, {1, BTN_LEFT, -1}};
	size_t nheld = ARRAY_SIZE(held);
	int r = 0, status;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0 ||
	    vm_tdev_new("mouse", vm_corpus("synthetic/hidtools-wheelmouse.hid", buf, sizeof(buf)),
	                MOUSE_PID, NULL, &mouse) < 0)
		return -1;
	devs[0] = kbd, devs[1] = mouse;
	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	for (; nreaders < 2; nreaders++)
		if (vm_reader_start(&rd[nreaders], outs[nreaders][0].devnode) < 0) {
			r = -1;
			goto out;
		}

	/* hold Shift+A and the left button */
	if (vm_tdev_report(kbd, vm_kbd_press_a[2]) < 0 ||
	    vm_tdev_report(mouse, vm_mouse_click_left[0]) < 0) {
		r = -1;
		goto out;
	}
	for (size_t i = 0; i < nheld; i++) {
		held[i].press = vm_reader_wait_event(&rd[held[i].dev], EV_KEY, held[i].code, 1,
		                                     EVENT_TIMEOUT_MS);
		if (held[i].press < 0) {
			r = vm_fail("%s press did not arrive",
			            libevdev_event_code_get_name(EV_KEY, held[i].code));
			vm_reader_print(&rd[held[i].dev]);
			goto out;
		}
	}

	vm_daemon_signal(sigkill ? SIGKILL : SIGTERM);
	for (size_t i = 0; i < nreaders; i++)
		if (!vm_reader_wait_end(&rd[i], STOP_TIMEOUT_MS)) {
			r = vm_fail("%s still exists %d ms after %s", rd[i].devnode,
			            STOP_TIMEOUT_MS, sigkill ? "SIGKILL" : "SIGTERM");
			vm_reader_print(&rd[i]);
			goto out;
		}
	for (size_t i = 0; i < nheld; i++) {
		const char *name = libevdev_event_code_get_name(EV_KEY, held[i].code);
		struct vm_reader *x = &rd[held[i].dev];
		int syn;

		if (!vm_reader_saw_release(x, held[i].press, held[i].code, &syn)) {
			r = vm_fail("%s held at %s: no release on %s before it disappeared", name,
			            sigkill ? "SIGKILL" : "SIGTERM", x->devnode);
			vm_reader_print(x);
			continue;
		}
		vm_note("%s released on %s before it went (frame ends SYN_REPORT %d: %s), then %s",
		        name, x->devnode, syn,
		        syn == 1 ? "the kernel's release at unregistration" : "hidmapd's release",
		        strerror(x->err));
		if (!sigkill && syn != 0)
			r = vm_fail("%s was released by the kernel, not by hidmapd, at SIGTERM",
			            name);
	}
	status = vm_daemon_wait_exit(STOP_TIMEOUT_MS);
	if (status < 0)
		r = vm_fail("hidmapd did not exit within %d ms", STOP_TIMEOUT_MS);
	else if (!sigkill && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = vm_fail("hidmapd exited with status 0x%x after SIGTERM", status);
	else
		vm_note("hidmapd ended: %s %d", WIFEXITED(status) ? "exit" : "signal",
		        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	for (size_t i = 0; i < nreaders; i++)
		vm_reader_stop(&rd[i]);
	vm_outputs_close(outs[0], nouts[0]);
	vm_outputs_close(outs[1], nouts[1]);
	return r;
}

/* Which bus types hidapi 0.13.1's hid_enumerate() lists for uhid devices:
 * for BUS_USB it looks for a USB parent, which uhid devices do not have. */
int scenario_bus(void)
{
	static const unsigned buses[] = {0x03, 0x05, 0x18};
	static const char *const labels[] = {"bus03", "bus05", "bus18"};
	struct vm_tdev *devs[ARRAY_SIZE(buses)] = {0};
	char buf[PATH_MAX];
	bool listed[ARRAY_SIZE(buses)] = {0};
	struct hid_device_info *list;
	unsigned saved = vm_test_bus;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(buses); i++) {
		vm_test_bus = buses[i];
		if (vm_tdev_new(labels[i],
		                vm_corpus("synthetic/hidtools-plainkeyboard.hid", buf, sizeof(buf)),
		                (uint16_t)(0x10 + i), NULL, &devs[i]) < 0) {
			r = -1;
			goto out;
		}
	}
	vm_test_bus = saved;
	if (hid_init() != 0) {
		r = vm_fail("hid_init failed");
		goto out;
	}
	list = hid_enumerate(0, 0);
	for (struct hid_device_info *d = list; d; d = d->next) {
		vm_note("hid_enumerate: %s %04x:%04x bus_type %d", d->path, d->vendor_id,
		        d->product_id, (int)d->bus_type);
		for (size_t i = 0; i < ARRAY_SIZE(buses); i++) {
			char node[64];

			snprintf(node, sizeof(node), "/dev/%s", devs[i]->hidraw);
			if (streq_ptr(d->path, node))
				listed[i] = true;
		}
	}
	hid_free_enumeration(list);
	hid_exit();
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		vm_note("uhid bus 0x%02x: %s by hid_enumerate()", buses[i],
		        listed[i] ? "listed" : "NOT listed");
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		if (buses[i] == vm_test_bus && !listed[i])
			r = vm_fail("the scenarios use bus 0x%02x, which hid_enumerate() does not "
			            "list: hidmapd run would never see the test devices",
			            vm_test_bus);
out:
	vm_test_bus = saved;
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		vm_tdev_free(devs[i]);
	return r;
}

/* ---- replug grace -------------------------------------------------------- */

/* Plugs the test keyboard in and waits for its uinput keyboard. */
static int plug_keyboard(const char *label, struct vm_tdev **ret, struct vm_output *o)
{
	char buf[PATH_MAX];
	size_t n;

	if (vm_tdev_new(label, vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, ret) < 0)
		return -1;
	n = vm_wait_outputs(ret, 1, *ret, 1, o, 5000);
	if (n < 1)
		return vm_fail("hidmapd did not pick up /dev/%s within 5 s", (*ret)->hidraw);
	return 0;
}

/* Holds A on kbd, unplugs it, and checks the release came out on rd at
 * once, from hidmapd (SYN_REPORT 0), while the uinput device still exists. */
static int unplug_holding_a(struct vm_tdev **kbd, struct vm_reader *rd, long from)
{
	long press, rel;
	int syn;

	if (vm_tdev_report(*kbd, vm_kbd_press_a[0]) < 0)
		return -1;
	press = vm_reader_find(rd, (size_t)from, EV_KEY, KEY_A, 1);
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u; press < 0 && vm_now_us() < end;
	     vm_sleep_ms(2))
		press = vm_reader_find(rd, (size_t)from, EV_KEY, KEY_A, 1);
	if (press < 0) {
		vm_reader_print(rd);
		return vm_fail("KEY_A press did not arrive on %s", rd->devnode);
	}
	vm_tdev_free(steal(kbd)); /* UHID_DESTROY by closing /dev/uhid */
	rel = -1;
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u; rel < 0 && vm_now_us() < end;
	     vm_sleep_ms(2))
		rel = vm_reader_find(rd, (size_t)press + 1, EV_KEY, KEY_A, 0);
	if (rel < 0) {
		vm_reader_print(rd);
		return vm_fail("no KEY_A release on %s within %d ms of the unplug", rd->devnode,
		               EVENT_TIMEOUT_MS);
	}
	if (!vm_reader_saw_release(rd, press, KEY_A, &syn) || syn != 0)
		return vm_fail("the release's frame ends with SYN_REPORT %d, not hidmapd's 0", syn);
	if (vm_reader_done(rd))
		return vm_fail("%s went at the unplug: the grace period should keep it",
		               rd->devnode);
	return 0;
}

int scenario_replug(void)
{
	static const char *config_body = "[hidmapd]\n"
	                                 "replug-grace = 1s\n"
	                                 "\n"
	                                 "[device kbd]\n"
	                                 "match = 1209:0001\n";
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output o1[MAX_OUTPUTS], o2[MAX_OUTPUTS];
	char config[PATH_MAX], input1[64], input2[64], node1[64];
	struct vm_reader rd;
	long off, mark;
	uint64_t t0;
	int r = 0;

	if (vm_config_write("config", config_body, config, sizeof(config)) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	if (!vm_daemon_log_wait("running", 0, 10000))
		return vm_fail("hidmapd did not say \"running\" within 10 s");

	/* (a) plugged after the start, gone with A held */
	if (plug_keyboard("keyboard", &kbd, o1) < 0)
		return -1;
	snprintf(node1, sizeof(node1), "%s", o1[0].devnode);
	vm_input_of(node1, input1, sizeof(input1));
	vm_note("plugged: uinput keyboard %s (%s)", node1, input1);
	if (vm_reader_start(&rd, node1) < 0)
		return -1;
	off = vm_file_size(vm_daemon_log);
	if (unplug_holding_a(&kbd, &rd, 0) < 0) {
		r = -1;
		goto out;
	}
	vm_note("unplugged with A held: released on %s, which stays", node1);
	if (!vm_daemon_log_wait("keeping its virtual devices", off, STOP_TIMEOUT_MS)) {
		r = vm_fail("hidmapd did not log that it keeps the virtual devices");
		goto out;
	}

	/* (b) back within the grace period: the same uinput device */
	off = vm_file_size(vm_daemon_log);
	t0 = vm_now_us();
	if (vm_tdev_new("keyboard-back",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", config, sizeof(config)),
	                KEYBOARD_PID, NULL, &kbd) < 0) {
		r = -1;
		goto out;
	}
	if (!vm_daemon_log_wait("came back after", off, 5000)) {
		r = vm_fail("hidmapd did not take /dev/%s back within the grace period",
		            kbd->hidraw);
		goto out;
	}
	vm_note("replugged as /dev/%s after %.0f ms", kbd->hidraw,
	        (double)(vm_now_us() - t0) / 1000.0);
	vm_input_of(node1, input2, sizeof(input2));
	if (vm_reader_done(&rd) || !streq(input1, input2)) {
		r = vm_fail("%s is not the same device after the replug (%s, was %s)", node1,
		            input2[0] ? input2 : "gone", input1);
		goto out;
	}
	/* The fd opened before the unplug sees the replugged device's keys.
	 * The device's first report presses A, which the module had down
	 * before the unplug: it is a press only because the module started
	 * afresh (hm_device_restart). */
	pthread_mutex_lock(&rd.lock);
	mark = (long)rd.n;
	pthread_mutex_unlock(&rd.lock);
	if (unplug_holding_a(&kbd, &rd, mark) < 0) {
		r = -1;
		goto out;
	}
	vm_note("same %s (%s) after the replug: A pressed on the new device arrives on the fd "
	        "opened before, released at the second unplug",
	        node1, input1);

	/* gone for longer than the grace period: the uinput device goes */
	t0 = vm_now_us();
	if (!vm_reader_wait_end(&rd, 1000 + STOP_TIMEOUT_MS)) {
		r = vm_fail("%s still exists %d ms after the grace period", node1, STOP_TIMEOUT_MS);
		goto out;
	}
	vm_note("%s removed %.0f ms after the unplug (grace 1 s)", node1,
	        (double)(vm_now_us() - t0) / 1000.0);
	if (!vm_daemon_log_wait("did not come back", off, 1000)) {
		r = vm_fail("hidmapd did not log the end of the grace period");
		goto out;
	}

	/* back after it: a new uinput device */
	if (plug_keyboard("keyboard-late", &kbd, o2) < 0) {
		r = -1;
		goto out;
	}
	vm_input_of(o2[0].devnode, input2, sizeof(input2));
	vm_note("plugged after the grace period: %s (%s)", o2[0].devnode, input2);
	if (streq(input1, input2))
		r = vm_fail("the device that came back late got the old input device %s", input1);
out:
	vm_reader_stop(&rd);
	return r;
}

int scenario_sigterm(void)
{
	return sigterm_or_sigkill(false);
}

int scenario_sigkill(void)
{
	return sigterm_or_sigkill(true);
}
