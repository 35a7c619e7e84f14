/* SPDX-License-Identifier: MIT */
/*
 * VM scenario "layout": layout-decoded devices in the real daemon.  A Stream
 * Deck XL and an X-keys XK-12 Jog-Shuttle (uhid devices made from the
 * recordings of tests/data/layouts, with the test ids) are driven by the
 * shipped layouts (devices/layouts, through HIDMAPD_LAYOUT_DIR) that a
 * config names; every report must come out of uinput as `hidmapd replay
 * --config` prints it, the kernel's own node being grabbed.
 * Included by scenarios.c (it uses that file's helpers).
 */

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
