/* SPDX-License-Identifier: MIT */
/*
 * VM scenario "layout": layout-decoded devices in the real daemon.  A Stream
 * Deck XL and an X-keys XK-12 Jog-Shuttle (uhid devices made from the
 * recordings of tests/data/layouts, with the test ids) are driven by the
 * shipped layouts (devices/layouts, through HIDMAPD_LAYOUT_DIR) that a
 * config names; every report must come out of uinput as `hidmapd replay
 * --config` prints it, the kernel's own node being grabbed.  Before, `hidmapd
 * layout` reads the X-keys panel's hidraw node for a starter layout.
 * It uses the helpers of vm-harness.h.
 */
#include <sys/wait.h>

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

/* `hidmapd layout /dev/hidrawN` on a real hidraw node while the reports come:
 * a starter layout that check accepts, its guesses from those reports. */
static int starter_layout(struct vm_tdev *t)
{
	char node[64], out[PATH_MAX], err[PATH_MAX], chk[PATH_MAX];
	const char *argv[] = {"hidmapd", "layout", node, NULL};
	const char *check_argv[] = {"hidmapd", "check", out, NULL};
	const char *text; /* vm_slurp()'s static buffer */
	uint64_t deadline;
	pid_t pid;
	int rc;

	snprintf(node, sizeof(node), "/dev/%s", t->hidraw);
	snprintf(out, sizeof(out), "%s/%s-starter.ini", vm_tmpdir, vm_scenario);
	snprintf(err, sizeof(err), "%s/%s-starter.log", vm_tmpdir, vm_scenario);
	snprintf(chk, sizeof(chk), "%s/%s-starter-check.log", vm_tmpdir, vm_scenario);
	pid = vm_spawn(argv, out, err);
	if (pid < 0)
		return vm_fail("fork: %s", strerror(errno));
	deadline = vm_now_us() + 5000000u;
	while (vm_count_node_fds(pid, t->hidraw) < 1 && vm_now_us() < deadline)
		vm_sleep_ms(5);
	if (vm_count_node_fds(pid, t->hidraw) < 1) {
		kill(pid, SIGKILL);
		vm_wait_child(pid, 1000);
		return vm_fail("hidmapd layout did not open %s", node);
	}
	for (size_t i = 0; i < t->rec->nevents; i++)
		if (vm_uhid_input(t->uhid, t->rec->events[i].data, t->rec->events[i].size) < 0)
			return vm_fail("UHID_INPUT2: %s", strerror(errno));
	vm_sleep_ms(300);
	kill(pid, SIGINT);
	rc = vm_wait_child(pid, STOP_TIMEOUT_MS);
	if (rc != 0)
		return vm_fail("hidmapd layout %s exited with %d on SIGINT", node, rc);
	rc = vm_wait_child(vm_spawn(check_argv, NULL, chk), STOP_TIMEOUT_MS);
	text = vm_slurp(out);
	if (rc != 0 || !text) {
		vm_print_indented("starter", text);
		return vm_fail("hidmapd check rejects the starter layout of %s (%d)", node, rc);
	}
	/* column 1 of the panel is byte 2: its row bits toggled */
	if (!strstr(text, "= bit 2.0 -> ")) {
		vm_print_indented("starter", text);
		return vm_fail("the starter layout of %s has no button at byte 2 bit 0", node);
	}
	vm_note("%s: hidmapd layout %s wrote a starter layout that check accepts", t->label, node);
	return 0;
}

int scenario_layout(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *deck = NULL, *xk = NULL;
	struct vm_output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX], layouts[PATH_MAX];
	struct vm_tdev *devs[2];
	int r = 0;

	/* kdata_dir is tests/data/kernel */
	snprintf(layouts, sizeof(layouts), "%s/../../../devices/layouts", vm_kdata_dir);
	if (setenv("HIDMAPD_LAYOUT_DIR", layouts, 1) < 0)
		return vm_fail("setenv: %s", strerror(errno));
	if (vm_tdev_new("deck", vm_kdata("../layouts/streamdeck-xl.hid", buf, sizeof(buf)), 0x0003,
	                NULL, &deck) < 0 ||
	    vm_tdev_new("xkeys", vm_kdata("../layouts/xkeys-xk12-jog.hid", buf, sizeof(buf)),
	                0x0004, NULL, &xk) < 0)
		return -1;
	if (vm_config_write("config",
	                    "[device deck]\n"
	                    "match = 1209:0003\n"
	                    "layout = streamdeck-xl\n"
	                    "\n"
	                    "[device xkeys]\n"
	                    "match = 1209:0004\n"
	                    "layout = xkeys-xk12-jog\n",
	                    config, sizeof(config)) < 0)
		return -1;
	if (starter_layout(xk) < 0)
		return -1;
	devs[0] = deck, devs[1] = xk;
	if (vm_start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (vm_check_against_replay(deck, config, outs[0], nouts[0], devs, 2) < 0)
		r = -1;
	if (vm_check_against_replay(xk, config, outs[1], nouts[1], devs, 2) < 0)
		r = -1;
out:
	vm_outputs_close(outs[0], nouts[0]);
	vm_outputs_close(outs[1], nouts[1]);
	return r;
}
