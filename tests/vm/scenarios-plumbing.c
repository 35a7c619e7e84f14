/* SPDX-License-Identifier: MIT */
/*
 * The core plumbing that vendor modules build on, in the real kernel:
 *
 *   uinput-setup     an output named with exactly UINPUT_MAX_NAME_SIZE (80)
 *                    characters keeps all of them (EVIOCGNAME and sysfs
 *                    name; libevdev's helper cut them to 79), and an output
 *                    with rumble motors offers the module's 16 effects
 *                    (EVIOCGEFFECTS; the helper always said 10), as
 *                    ff-memless does for a kernel driver's pad; and it has
 *                    no uniq (EVIOCGUNIQ: ENOENT), which uinput cannot set
 *   device-settings  lightbar/player-leds/mic-led of the [device] section
 *                    reach the module's configure hook at start and on a
 *                    SIGHUP reload that changes only them; that reload
 *                    releases nothing (a key held through it stays down, an
 *                    uploaded effect stays playable on the same node) and
 *                    recreates no output; and the battery the module
 *                    reports shows in `hidmapd status`, and nothing before
 *
 * The module is the diagnostic rumble-test (devices/rumble-test.c), which
 * turns its configure hook into an output report read here on the uhid
 * side: 00 'H' 'W' lightbar_set r g b player_leds mic_led (0xff: not set).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define PAD_PID 0x0002

/* A uhid device from the LED keyboard's descriptor under another name. */
static int tdev_named(const char *label, const char *name, uint16_t pid, struct vm_tdev **ret)
{
	_cleanup_(hm_recording_freep) struct hm_recording *src = NULL;
	char buf[PATH_MAX], path[PATH_MAX];
	FILE *f;

	if (hm_recording_load(vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                      &src) < 0)
		return vm_fail("cannot load %s", buf);
	snprintf(path, sizeof(path), "%s/%s-%s-src.hid", vm_tmpdir, vm_scenario, label);
	f = fopen(path, "we");
	if (!f)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	hm_recording_write_header(f, name, src->bus, src->vendor, src->product, src->rdesc,
	                          src->rdesc_size);
	if (fclose(f) != 0)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	return vm_tdev_new(label, path, pid, NULL, ret);
}

int scenario_uinput_setup(void)
{
	/* 73 characters: the module's output is "<name> Rumble", 80 as the
	 * DualSense Edge's "... Wireless Controller Motion Sensors" */
	static const char hid_name[] =
	    "Sony Interactive Entertainment DualSense Edge Wireless Controller (80 ch)";
	_cleanup_(vm_tdev_freep) struct vm_tdev *pad = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], expected[128], name[256] = "", input[64], path[PATH_MAX],
	                                      sysname[256];
	int effects = -1, r = 0;

	snprintf(expected, sizeof(expected), "%s Rumble", hid_name);
	if (strlen(expected) != 80)
		return vm_fail("the test name has %zu characters, not 80", strlen(expected));
	if (tdev_named("pad", hid_name, PAD_PID, &pad) < 0)
		return -1;
	if (vm_config_write("config",
	                    "[device pad]\n"
	                    "match = 1209:0002\n"
	                    "module = rumble-test\n",
	                    config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &pad, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (ioctl(outs[0][0].fd, EVIOCGNAME(sizeof(name) - 1), name) < 0) {
		r = vm_fail("EVIOCGNAME: %s", strerror(errno));
		goto out;
	}
	vm_input_of(outs[0][0].devnode, input, sizeof(input));
	snprintf(path, sizeof(path), "/sys/class/input/%s/name", input);
	vm_read_attr(path, sysname, sizeof(sysname));
	vm_note("%s: EVIOCGNAME \"%s\" (%zu characters), sysfs \"%s\"", outs[0][0].devnode, name,
	        strlen(name), sysname);
	if (!streq(name, expected) || !streq(sysname, expected)) {
		r = vm_fail("the output's name is not the module's 80 characters \"%s\"", expected);
		goto out;
	}
	if (ioctl(outs[0][0].fd, EVIOCGEFFECTS, &effects) < 0) {
		r = vm_fail("EVIOCGEFFECTS: %s", strerror(errno));
		goto out;
	}
	vm_note("%s: EVIOCGEFFECTS %d", outs[0][0].devnode, effects);
	if (effects != 16)
		r = vm_fail("the output offers %d effects, the module declared 16", effects);
	/* uinput has no way to set uniq: the kernel answers EVIOCGUNIQ with
	 * ENOENT for a device without one (evdev.c str_to_user()), which is
	 * what SDL's evdev backend meets when it pairs a pad with its motion
	 * sensors by uniq (README, "Virtual devices and uniq") */
	errno = 0;
	if (ioctl(outs[0][0].fd, EVIOCGUNIQ(sizeof(name) - 1), name) >= 0 || errno != ENOENT)
		r = vm_fail("EVIOCGUNIQ on %s: \"%s\" (%s), expected ENOENT: README is wrong",
		            outs[0][0].devnode, errno ? "" : name, strerror(errno));
	else
		vm_note("%s: EVIOCGUNIQ: %s (uinput sets no uniq)", outs[0][0].devnode,
		        strerror(errno));
	if (!startswith(outs[0][0].phys, "hidmapd/"))
		r = vm_fail("the output's phys is \"%s\", not hidmapd/...", outs[0][0].phys);
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}

/* Waits for rumble-test's settings report equal to want (9 bytes) after
 * report number from; its index in *ret_index. */
static int expect_settings(struct vm_tdev *t, unsigned from, const uint8_t *want,
                           unsigned *ret_index)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;

	for (;;) {
		for (unsigned i = from; i < t->nout; i++) {
			const uint8_t *o = t->out[i];

			if (t->out_size[i] != 9 || o[0] != 0 || o[1] != 'H' || o[2] != 'W')
				continue;
			vm_note("settings report %02x %02x%02x%02x %02x %02x", o[3], o[4], o[5],
			        o[6], o[7], o[8]);
			if (memcmp(o, want, 9) != 0)
				return vm_fail(
				    "settings %02x %02x%02x%02x %02x %02x, expected %02x "
				    "%02x%02x%02x %02x %02x",
				    o[3], o[4], o[5], o[6], o[7], o[8], want[3], want[4], want[5],
				    want[6], want[7], want[8]);
			*ret_index = i;
			return 0;
		}
		if (vm_now_us() >= deadline)
			return vm_fail("no settings report within %u ms", EVENT_TIMEOUT_MS);
		vm_sleep_ms(2);
		(void)vm_tdev_service(t);
	}
}

/* Rewrites the config with these pad settings and SIGHUPs the daemon;
 * waits for the reload. */
static int reload_with(const char *config, const char *pad_settings, long *ret_off)
{
	char body[512];

	*ret_off = vm_file_size(vm_daemon_log);
	snprintf(body, sizeof(body),
	         "[device kbd]\n"
	         "match = 1209:0001\n"
	         "lightbar = #203040\n"
	         "[remap kbd]\n"
	         "KEY_A = KEY_B\n"
	         "[device pad]\n"
	         "match = 1209:0002\n"
	         "module = rumble-test\n"
	         "%s",
	         pad_settings);
	if (vm_write_file(config, body) < 0)
		return -1;
	vm_daemon_signal(SIGHUP);
	if (!vm_daemon_log_wait("configuration reloaded", *ret_off, 5000))
		return vm_fail("hidmapd did not reload within 5 s");
	return 0;
}

/* Sends the pad's input report hex (NULL: none), then asks `hidmapd
 * status` until the rumble-test device's block has the line want ("": no
 * battery line at all). */
static int expect_battery(struct vm_tdev *pad, const char *hex, const char *want)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	char out[PATH_MAX], err[PATH_MAX], line[64];
	const char *text, *block;
	int st;

	snprintf(line, sizeof(line), "\n  %s\n", want);
	if (hex && vm_tdev_report(pad, hex) < 0)
		return -1;
	for (;;) {
		st = vm_run_client("status", out, err, sizeof(out));
		text = vm_slurp(out);
		if (st != 0)
			return vm_fail("hidmapd status exited %d: %s", st, vm_slurp(err));
		block = strstr(text, "module rumble-test");
		if (block && (want[0] ? !!strstr(block, line) : !strstr(text, "  battery")))
			break;
		if (vm_now_us() >= deadline) {
			printf("---- hidmapd status ----\n%s---- end ----\n", text);
			return vm_fail("status: expected %s", want[0] ? want : "no battery line");
		}
		vm_sleep_ms(50);
	}
	vm_note("status: %s", want[0] ? want : "no battery line before the module reports one");
	return 0;
}

int scenario_device_settings(void)
{
	static const uint8_t at_start[9] = {0, 'H', 'W', 1, 0xff, 0x80, 0x00, 2, 1};
	static const uint8_t reloaded[9] = {0, 'H', 'W', 1, 0x00, 0x00, 0xff, 4, 0};
	static const uint8_t none[9] = {0, 'H', 'W', 0, 0, 0, 0, 0xff, 0xff};
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL, *pad = NULL;
	struct vm_tdev *devs[2];
	struct vm_output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX], rt[PATH_MAX];
	_cleanup_free_ char *seen = NULL;
	struct ff_effect effect = {.type = FF_RUMBLE, .id = -1};
	struct input_event play[2] = {
	    {.type = EV_FF, .value = 1},
	    {.type = EV_SYN, .code = SYN_REPORT},
	};
	unsigned one[2] = {1, 0}, idx, before;
	char node_before[64];
	long off;
	int r = 0;

	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0 ||
	    tdev_named("pad", "hidmapd settings pad", PAD_PID, &pad) < 0)
		return -1;
	devs[0] = kbd;
	devs[1] = pad;
	if (vm_config_write("config",
	                    "[device kbd]\n"
	                    "match = 1209:0001\n"
	                    "lightbar = #102030\n"
	                    "[remap kbd]\n"
	                    "KEY_A = KEY_B\n"
	                    "[device pad]\n"
	                    "match = 1209:0002\n"
	                    "module = rumble-test\n"
	                    "lightbar = #ff8000\n"
	                    "player-leds = 2\n"
	                    "mic-led = on\n",
	                    config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (expect_settings(pad, 0, at_start, &idx) < 0) {
		r = -1;
		goto out;
	}
	vm_note("at start: lightbar #ff8000, player-leds 2, mic-led on reached the module");

	/* the battery: no line until the module reports one (rumble-test:
	 * ba PERCENT STATUS, 2 charging, 3 full), then its words */
	if (expect_battery(pad, NULL, "") < 0 ||
	    expect_battery(pad, "ba 2a 02 00 00 00 00 00", "battery 42% charging") < 0 ||
	    expect_battery(pad, "ba ff 03 00 00 00 00 00", "battery full") < 0) {
		r = -1;
		goto out;
	}

	/* what a reload must leave alone: an effect uploaded on the pad's
	 * node, B held on the keyboard's */
	effect.u.rumble.strong_magnitude = 0x4000;
	effect.replay.length = 100;
	if (ioctl(outs[1][0].fd, EVIOCSFF, &effect) < 0) {
		r = vm_fail("EVIOCSFF: %s", strerror(errno));
		goto out;
	}
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	vm_outputs_collect(outs[0], 1, one, devs, 2);
	seen = vm_output_take(&outs[0][0]);
	if (!vm_contains(seen, "EV_KEY KEY_B 1")) {
		r = vm_fail("holding A did not press B");
		vm_print_indented("uinput", seen);
		goto out;
	}
	snprintf(node_before, sizeof(node_before), "%s", outs[1][0].devnode);

	/* only the settings change */
	before = pad->nout;
	if (reload_with(config,
	                "lightbar = #0000FF\n"
	                "player-leds = 4\n"
	                "mic-led = off\n",
	                &off) < 0 ||
	    expect_settings(pad, before, reloaded, &idx) < 0) {
		r = -1;
		goto out;
	}
	vm_note("SIGHUP: lightbar #0000ff, player-leds 4, mic-led off reached the module");
	if (!vm_daemon_log_wait("device settings changed, applied", off, 0) ||
	    vm_daemon_log_wait("mapping changed", off, 0) ||
	    vm_daemon_log_wait("letting go", off, 0)) {
		r = vm_fail("the daemon's log does not show a settings-only reload");
		goto out;
	}
	/* nothing released: no event on the keyboard's output, B still down */
	one[0] = 0;
	vm_outputs_collect(outs[0], 1, one, devs, 2);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	if (outs[0][0].gone || (seen && seen[0]) || vm_key_down(&outs[0][0], KEY_B) != 1) {
		r = vm_fail("the settings-only reload touched the keyboard's output");
		vm_print_indented("uinput", seen);
		goto out;
	}
	vm_note("B stays down through the reload, no event on %s", outs[0][0].devnode);
	if (vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	one[0] = 1;
	vm_outputs_collect(outs[0], 1, one, devs, 2);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	if (!vm_contains(seen, "EV_KEY KEY_B 0")) {
		r = vm_fail("releasing A did not release B after the reload");
		vm_print_indented("uinput", seen);
		goto out;
	}
	/* the pad's node is the one from before, with its effect */
	before = pad->nout;
	play[0].code = (uint16_t)effect.id;
	if (write(outs[1][0].fd, play, sizeof(play)) != (ssize_t)sizeof(play)) {
		r = vm_fail("playing effect %d on %s after the reload: %s", effect.id, node_before,
		            strerror(errno));
		goto out;
	}
	{
		uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
		bool motors = false;

		while (!motors && vm_now_us() < deadline) {
			vm_sleep_ms(2);
			(void)vm_tdev_service(pad);
			for (unsigned i = before; i < pad->nout; i++)
				if (pad->out_size[i] == 7 && pad->out[i][1] == 'F' &&
				    (pad->out[i][3] | pad->out[i][4] << 8) == 0x4000)
					motors = true;
		}
		if (!motors) {
			r = vm_fail("the effect uploaded before the reload does not play after it");
			goto out;
		}
	}
	vm_note("effect %d, uploaded before the reload, plays on the same node %s", effect.id,
	        node_before);

	/* the settings removed: the module hears that none is set */
	before = pad->nout;
	if (reload_with(config, "", &off) < 0 || expect_settings(pad, before, none, &idx) < 0) {
		r = -1;
		goto out;
	}
	vm_note("SIGHUP without the settings: the module hears none is set");
out:
	vm_outputs_close(outs[0], nouts[0]);
	vm_outputs_close(outs[1], nouts[1]);
	return r;
}
