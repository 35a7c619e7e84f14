/* SPDX-License-Identifier: MIT */
/*
 * VM scenario "layout": layout-decoded devices in the real daemon.  A Stream
 * Deck XL and an X-keys XK-12 Jog-Shuttle (uhid devices made from the
 * recordings of tests/data/layouts, with the test ids) are driven by the
 * shipped layouts (devices/layouts, through HIDMAPD_LAYOUT_DIR) that a
 * config names; every report must come out of uinput as `hidmapd replay
 * --config` prints it, the kernel's own node being grabbed.  Before, `hidmapd
 * layout` reads the X-keys panel's hidraw node for a starter layout.
 * Included by scenarios.c (it uses that file's helpers).
 */

/* `hidmapd layout /dev/hidrawN` on a real hidraw node while the reports come:
 * a starter layout that check accepts, its guesses from those reports. */
static int starter_layout(struct tdev *t)
{
	char node[64], out[PATH_MAX], err[PATH_MAX], chk[PATH_MAX];
	const char *argv[] = {"hidmapd", "layout", node, NULL};
	const char *check_argv[] = {"hidmapd", "check", out, NULL};
	const char *text; /* slurp()'s static buffer */
	uint64_t deadline;
	pid_t pid;
	int rc;

	snprintf(node, sizeof(node), "/dev/%s", t->hidraw);
	snprintf(out, sizeof(out), "%s/%s-starter.ini", tmpdir, scenario);
	snprintf(err, sizeof(err), "%s/%s-starter.log", tmpdir, scenario);
	snprintf(chk, sizeof(chk), "%s/%s-starter-check.log", tmpdir, scenario);
	pid = spawn(argv, out, err);
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	deadline = vm_now_us() + 5000000u;
	while (count_node_fds(pid, t->hidraw) < 1 && vm_now_us() < deadline)
		sleep_ms(5);
	if (count_node_fds(pid, t->hidraw) < 1) {
		kill(pid, SIGKILL);
		wait_child(pid, 1000);
		return fail("hidmapd layout did not open %s", node);
	}
	for (size_t i = 0; i < t->rec->nevents; i++)
		if (vm_uhid_input(t->uhid, t->rec->events[i].data, t->rec->events[i].size) < 0)
			return fail("UHID_INPUT2: %s", strerror(errno));
	sleep_ms(300);
	kill(pid, SIGINT);
	rc = wait_child(pid, STOP_TIMEOUT_MS);
	if (rc != 0)
		return fail("hidmapd layout %s exited with %d on SIGINT", node, rc);
	rc = wait_child(spawn(check_argv, NULL, chk), STOP_TIMEOUT_MS);
	text = slurp(out);
	if (rc != 0 || !text) {
		print_indented("starter", text);
		return fail("hidmapd check rejects the starter layout of %s (%d)", node, rc);
	}
	/* column 1 of the panel is byte 2: its row bits toggled */
	if (!strstr(text, "= bit 2.0 -> ")) {
		print_indented("starter", text);
		return fail("the starter layout of %s has no button at byte 2 bit 0", node);
	}
	note("%s: hidmapd layout %s wrote a starter layout that check accepts", t->label, node);
	return 0;
}

static int scenario_layout(void)
{
	_cleanup_(tdev_freep) struct tdev *deck = NULL, *xk = NULL;
	struct output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX], layouts[PATH_MAX];
	struct tdev *devs[2];
	int r = 0;

	/* kdata_dir is tests/data/kernel */
	snprintf(layouts, sizeof(layouts), "%s/../../../devices/layouts", kdata_dir);
	if (setenv("HIDMAPD_LAYOUT_DIR", layouts, 1) < 0)
		return fail("setenv: %s", strerror(errno));
	if (tdev_new("deck", kdata("../layouts/streamdeck-xl.hid", buf, sizeof(buf)), 0x0003, NULL,
	             &deck) < 0 ||
	    tdev_new("xkeys", kdata("../layouts/xkeys-xk12-jog.hid", buf, sizeof(buf)), 0x0004,
	             NULL, &xk) < 0)
		return -1;
	if (config_write("config",
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
	if (start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (check_against_replay(deck, config, outs[0], nouts[0], devs, 2) < 0)
		r = -1;
	if (check_against_replay(xk, config, outs[1], nouts[1], devs, 2) < 0)
		r = -1;
out:
	outputs_close(outs[0], nouts[0]);
	outputs_close(outs[1], nouts[1]);
	return r;
}
