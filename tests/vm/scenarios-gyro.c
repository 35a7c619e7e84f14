/* SPDX-License-Identifier: MIT */
/*
 * VM scenario "gyro-mouse": the gyro mouse (GYRO = gyro-mouse) in the real
 * daemon on the real uinput.  A pad with motion sensors (a uhid device made
 * from tests/data/gyro/pad.hid, with the test ids) is decoded by the layout
 * of tests/data/gyro/pad.ini (a motion node with INPUT_PROP_ACCELEROMETER,
 * gyro resolution 16 units per °/s, no MSC_TIMESTAMP: the time between
 * reports is the time they arrive).  Checked, from hidmapd.ini(5), GYRO
 * MOUSE:
 *   - the daemon makes three devices: the pad, its motion node, and
 *     "Gyro Test Pad (hidmapd pointer)" with REL_X, REL_Y and the three
 *     main buttons;
 *   - turning left (yaw +90 °/s) with L1 up moves nothing; with L1 held,
 *     the pointer goes left (REL_X < 0 only, no REL_Y), and turning right it
 *     goes right; L1 let go, nothing again;
 *   - L1 itself still comes out on the pad's node (it has no mapping), and
 *     the motion node still reports the gyro (the gyro mouse does not
 *     consume it).
 * How far the pointer goes depends on when the emulated machine delivers
 * the reports, so only directions and presence are checked (the distances
 * are tests/data's replay-gyro-mouse and the unit tests').
 */
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define GYRO_PID 0x0005

/* pad.ini with the test ids */
static const char gyro_config[] = "[device pad]\n"
                                  "match = 1209:0005\n"
                                  "layout = gyropad\n"
                                  "\n"
                                  "[layout gyropad]\n"
                                  "name = Gyro Test Pad\n"
                                  "report = 0\n"
                                  "length = 7\n"
                                  "node.motion = Gyro Test Pad Motion Sensors, "
                                  "INPUT_PROP_ACCELEROMETER\n"
                                  "l1 = bit 0.0 -> BTN_TL\n"
                                  "pitch = s16le 1 -> ABS_RX node=motion res=16\n"
                                  "yaw = s16le 3 -> ABS_RY node=motion res=16\n"
                                  "roll = s16le 5 -> ABS_RZ node=motion res=16\n"
                                  "\n"
                                  "[remap pad]\n"
                                  "GYRO = gyro-mouse, sensitivity=10, hold=BTN_TL\n";

/* What the three outputs delivered so far, and its release. */
static void take3(struct vm_output *o, char **t)
{
	for (size_t i = 0; i < 3; i++)
		t[i] = vm_output_take(&o[i]);
}

static void free3(char **t)
{
	for (size_t i = 0; i < 3; i++)
		free(t[i]);
}

/* n reports, 10 ms apart */
static int send_reports(struct vm_tdev *t, const char *hex, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (vm_tdev_report(t, hex) < 0)
			return -1;
		vm_sleep_ms(10);
	}
	return 0;
}

/* The REL_X and REL_Y values in E: lines: how many of each sign. */
struct motion {
	unsigned left, right, vertical;
};

static struct motion motion_of(const char *events)
{
	struct motion m = {0};

	for (const char *p = events; p && (p = strstr(p, " EV_REL ")); p++) {
		int v;

		if (sscanf(p, " EV_REL REL_X %d", &v) == 1) {
			if (v < 0)
				m.left++;
			else if (v > 0)
				m.right++;
		} else if (startswith(p, " EV_REL REL_Y ")) {
			m.vertical++;
		}
	}
	return m;
}

int scenario_gyro_mouse(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *pad = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {3};
	char config[PATH_MAX], buf[PATH_MAX];
	struct vm_tdev *devs[1];
	const struct vm_output *pointer;
	unsigned frames[3];
	struct motion m;
	int r = 0;

	if (vm_tdev_new("pad", vm_kdata("../gyro/pad.hid", buf, sizeof(buf)), GYRO_PID, NULL,
	                &pad) < 0)
		return -1;
	if (vm_config_write("config", gyro_config, config, sizeof(config)) < 0)
		return -1;
	devs[0] = pad;
	if (vm_start_and_wait(config, devs, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (nouts[0] != 3) {
		r = vm_fail("pad: %zu uinput devices, want 3 (pad, motion, pointer)", nouts[0]);
		goto out;
	}
	pointer = &outs[0][2];
	if (!strstr(libevdev_get_name(pointer->evdev), " (hidmapd pointer)") ||
	    !libevdev_has_event_code(pointer->evdev, EV_REL, REL_X) ||
	    !libevdev_has_event_code(pointer->evdev, EV_REL, REL_Y) ||
	    !libevdev_has_event_code(pointer->evdev, EV_KEY, BTN_LEFT)) {
		r = vm_fail("pad: the third device is not the gyro's pointer: %s",
		            libevdev_get_name(pointer->evdev));
		goto out;
	}
	vm_note("pad: %s, %s, %s", libevdev_get_name(outs[0][0].evdev),
	        libevdev_get_name(outs[0][1].evdev), libevdev_get_name(pointer->evdev));
	for (size_t i = 0; i < 3; i++)
		free(vm_output_take(&outs[0][i]));

	/* turning left, L1 up: the motion node reports, the pointer stays */
	if (send_reports(pad, "00 00 00 a0 05 00 00", 5) < 0) {
		r = -1;
		goto out;
	}
	frames[0] = 0, frames[1] = 1, frames[2] = 0;
	vm_outputs_collect(outs[0], 3, frames, devs, 1);
	{
		char *t[3];

		take3(outs[0], t);

		if (!vm_contains(t[1], " EV_ABS ABS_RY 1440\n"))
			r = vm_fail("pad: the motion node did not report the yaw");
		if (t[2] && *t[2]) {
			r = vm_fail("pad: the pointer moved with L1 up");
			vm_print_indented("pointer", t[2]);
		}
		free3(t);
	}

	/* L1 held: left */
	if (send_reports(pad, "01 00 00 a0 05 00 00", 10) < 0) {
		r = -1;
		goto out;
	}
	frames[0] = 1, frames[1] = 0, frames[2] = 5;
	vm_outputs_collect(outs[0], 3, frames, devs, 1);
	{
		char *t[3];

		take3(outs[0], t);

		m = motion_of(t[2]);
		if (!vm_contains(t[0], " EV_KEY BTN_TL 1\n"))
			r = vm_fail("pad: L1 did not come out on the pad's node");
		if (!m.left || m.right || m.vertical) {
			r = vm_fail(
			    "pad: turning left with L1 held: %u left, %u right, %u vertical",
			    m.left, m.right, m.vertical);
			vm_print_indented("pointer", t[2]);
		} else {
			vm_note("pad: turning left with L1 held: %u frames left", m.left);
		}
		free3(t);
	}

	/* turning right */
	if (send_reports(pad, "01 00 00 60 fa 00 00", 10) < 0) {
		r = -1;
		goto out;
	}
	frames[0] = 0, frames[1] = 1, frames[2] = 5;
	vm_outputs_collect(outs[0], 3, frames, devs, 1);
	{
		char *t[3];

		take3(outs[0], t);

		m = motion_of(t[2]);
		if (!m.right || m.left || m.vertical) {
			r = vm_fail(
			    "pad: turning right with L1 held: %u left, %u right, %u vertical",
			    m.left, m.right, m.vertical);
			vm_print_indented("pointer", t[2]);
		} else {
			vm_note("pad: turning right with L1 held: %u frames right", m.right);
		}
		free3(t);
	}

	/* L1 let go: nothing more */
	if (send_reports(pad, "00 00 00 60 fa 00 00", 5) < 0) {
		r = -1;
		goto out;
	}
	frames[0] = 1, frames[1] = 0, frames[2] = 0;
	vm_outputs_collect(outs[0], 3, frames, devs, 1);
	{
		char *t[3];

		take3(outs[0], t);

		if (!vm_contains(t[0], " EV_KEY BTN_TL 0\n"))
			r = vm_fail("pad: the release of L1 did not come out");
		if (t[2] && *t[2]) {
			r = vm_fail("pad: the pointer moved after L1 was let go");
			vm_print_indented("pointer", t[2]);
		}
		free3(t);
	}
out:
	if (r < 0)
		vm_dump_daemon_log();
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}
