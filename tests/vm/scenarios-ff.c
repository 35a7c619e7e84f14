/* SPDX-License-Identifier: MIT */
/*
 * VM scenario "ff": force feedback end to end in the real daemon.  A uhid
 * keyboard is driven by the diagnostic module rumble-test (a config selects
 * it: it claims no device by itself), whose output has rumble motors.  As
 * any force-feedback client would, the scenario uploads an FF_RUMBLE effect
 * on hidmapd's uinput node (EVIOCSFF), plays it (EV_FF, value 1), and reads
 * on the uhid side the module's output reports (devices/rumble-test.c:
 * 00 'F' 'F' strong16le weak16le): the magnitudes uploaded (gain 0xffff:
 * ff-memless's magnitude * 0xffff / 0xffff), then the motors off once
 * replay.length has passed with no word from the client.  The kernel's
 * uinput is what takes the upload and the play here, so slot numbers,
 * bounds and the request handshake are the kernel's.  `hidmapd status`
 * then counts the upload and the play.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define FF_LENGTH_MS 300
#define FF_SLOTS     16 /* rumble-test's, as ff-memless's */

/* Waits for a rumble-test report with these motor levels after report
 * number `from`; its arrival time in *ret_us. */
static int expect_motors(struct vm_tdev *t, unsigned from, unsigned strong, unsigned weak,
                         unsigned timeout_ms, uint64_t *ret_us, unsigned *ret_index)
{
	uint64_t deadline = vm_now_us() + timeout_ms * 1000u;

	for (;;) {
		for (unsigned i = from; i < t->nout; i++) {
			const uint8_t *o = t->out[i];

			if (t->out_size[i] != 7 || o[0] != 0 || o[1] != 'F' || o[2] != 'F')
				continue;
			if ((unsigned)(o[3] | o[4] << 8) == strong &&
			    (unsigned)(o[5] | o[6] << 8) == weak) {
				*ret_us = vm_now_us();
				*ret_index = i;
				return 0;
			}
			return vm_fail("motors strong %04x weak %04x, expected %04x %04x",
			               (unsigned)(o[3] | o[4] << 8), (unsigned)(o[5] | o[6] << 8),
			               strong, weak);
		}
		if (vm_now_us() >= deadline)
			return vm_fail("no rumble report strong %04x weak %04x within %u ms",
			               strong, weak, timeout_ms);
		vm_sleep_ms(2);
		(void)vm_tdev_service(t);
	}
}

int scenario_ff(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX], rt[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
	struct ff_effect effect = {.type = FF_RUMBLE, .id = -1};
	struct ff_effect extra = {.type = FF_RUMBLE};
	int fd = -1, r = 0, ids[FF_SLOTS], st;
	uint64_t t_play, t_on, t_off;
	unsigned first, idx;
	const char *text;

	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config",
	                    "[device pad]\n"
	                    "match = 1209:0001\n"
	                    "module = rumble-test\n",
	                    config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (!libevdev_has_event_code(outs[0][0].evdev, EV_FF, FF_RUMBLE) ||
	    !libevdev_has_event_code(outs[0][0].evdev, EV_FF, FF_GAIN)) {
		r = vm_fail("%s has no FF_RUMBLE/FF_GAIN", outs[0][0].devnode);
		goto out;
	}
	fd = open(outs[0][0].devnode, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = vm_fail("%s: %s", outs[0][0].devnode, strerror(errno));
		goto out;
	}

	effect.u.rumble.strong_magnitude = 0xc000;
	effect.u.rumble.weak_magnitude = 0x3000;
	effect.replay.length = FF_LENGTH_MS;
	/* The evdev node can be opened before UI_DEV_CREATE has returned,
	 * and uinput refuses requests with ENODEV until it has (it marks the
	 * device created once input_register_device() is done).  The daemon
	 * creates it on the uinput sink's thread, so the node showing up says
	 * nothing of the daemon's state: a client racing a new node retries,
	 * as this one does (for EVENT_TIMEOUT_MS at most). */
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u, tries = 1;; tries++) {
		if (ioctl(fd, EVIOCSFF, &effect) == 0) {
			if (tries > 1)
				vm_note(
				    "EVIOCSFF: ENODEV %llu time(s) before the device was created",
				    (unsigned long long)tries - 1);
			break;
		}
		if (errno != ENODEV || vm_now_us() >= end) {
			r = vm_fail("EVIOCSFF: %s", strerror(errno));
			goto out;
		}
		vm_sleep_ms(2);
	}
	vm_note("uploaded FF_RUMBLE as effect %d", effect.id);

	vm_sleep_ms(100);
	(void)vm_tdev_service(kbd);
	first = kbd->nout; /* the console's LED reports came before */
	{
		struct input_event play[2] = {
		    {.type = EV_FF, .code = (uint16_t)effect.id, .value = 1},
		    {.type = EV_SYN, .code = SYN_REPORT},
		};

		t_play = vm_now_us();
		if (write(fd, play, sizeof(play)) != (ssize_t)sizeof(play)) {
			r = vm_fail("writing EV_FF: %s", strerror(errno));
			goto out;
		}
	}
	if (expect_motors(kbd, first, 0xc000, 0x3000, EVENT_TIMEOUT_MS, &t_on, &idx) < 0) {
		r = -1;
		goto out;
	}
	vm_note("motors on after %llu ms", (unsigned long long)(t_on - t_play) / 1000);
	/* the stop comes from the daemon's own timer: the client says nothing */
	if (expect_motors(kbd, idx + 1, 0, 0, FF_LENGTH_MS + EVENT_TIMEOUT_MS, &t_off, &idx) < 0) {
		r = -1;
		goto out;
	}
	vm_note("motors off %llu ms after the play (replay.length %d ms)",
	        (unsigned long long)(t_off - t_play) / 1000, FF_LENGTH_MS);
	if (t_off - t_play < FF_LENGTH_MS * 1000u) {
		r = vm_fail("the motors stopped before replay.length");
		goto out;
	}

	/* FF_CONSTANT (rumble-test asks for it): |level| * gain / 0x7fff on
	 * both motors, our approximation after ff-memless's FF_PERIODIC */
	{
		struct ff_effect cf = {.type = FF_CONSTANT, .id = -1};
		struct input_event play[2] = {
		    {.type = EV_FF, .value = 1},
		    {.type = EV_SYN, .code = SYN_REPORT},
		};
		unsigned level = 0x2000u * 0xffff / 0x7fff;

		cf.u.constant.level = -0x2000;
		cf.replay.length = 100;
		if (ioctl(fd, EVIOCSFF, &cf) < 0) {
			r = vm_fail("EVIOCSFF FF_CONSTANT: %s", strerror(errno));
			goto out;
		}
		play[0].code = (uint16_t)cf.id;
		if (write(fd, play, sizeof(play)) != (ssize_t)sizeof(play)) {
			r = vm_fail("writing EV_FF: %s", strerror(errno));
			goto out;
		}
		if (expect_motors(kbd, idx + 1, level, level, EVENT_TIMEOUT_MS, &t_on, &idx) < 0 ||
		    expect_motors(kbd, idx + 1, 0, 0, 100 + EVENT_TIMEOUT_MS, &t_off, &idx) < 0) {
			r = -1;
			goto out;
		}
		vm_note("FF_CONSTANT level -0x2000 as effect %d: motors %04x, then off", cf.id,
		        level);
		ids[FF_SLOTS - 1] = cf.id;
	}

	/* rumble-test declares 16 slots: the upload past them is refused */
	for (int i = 0; i < FF_SLOTS - 2; i++) {
		extra.id = -1;
		if (ioctl(fd, EVIOCSFF, &extra) < 0) {
			r = vm_fail("EVIOCSFF (slot %d of %d): %s", i + 3, FF_SLOTS,
			            strerror(errno));
			goto out;
		}
		ids[i] = extra.id;
	}
	extra.id = -1;
	if (ioctl(fd, EVIOCSFF, &extra) == 0) {
		r = vm_fail("effect %d was taken past the module's %d", extra.id, FF_SLOTS);
		goto out;
	}
	vm_note("effects %d %d, %d .. %d taken, one more refused (%s)", effect.id,
	        ids[FF_SLOTS - 1], ids[0], ids[FF_SLOTS - 3], strerror(errno));

	st = vm_run_client("status", out, err, sizeof(out));
	text = vm_slurp(out);
	printf("---- hidmapd status ----\n%s---- end ----\n", text);
	if (st != 0)
		r = vm_fail("hidmapd status exited %d: %s", st, vm_slurp(err));
	else if (!strstr(text, "    force-feedback uploaded 16 played 2\n"))
		r = vm_fail("status does not count 16 uploads and 2 plays");
out:
	if (fd >= 0)
		close(fd);
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}
