/* SPDX-License-Identifier: MIT */
/*
 * Remapping on the real uinput devices: a config remap checked against
 * `hidmapd replay --config`, tap-hold and macros (the daemon's timers), and
 * keyd's semantics through the input core.
 *
 *   remap     a config remap (KEY_A→KEY_B, BTN_LEFT→BTN_RIGHT) on the
 *             real output, again equal to `hidmapd replay --config`
 *   taphold-macro  a tap-hold key tapped (the tap key comes out) and held
 *             (the hold key, from the timeout on), and a macro typing
 *             text, on the real uinput keyboard: timers in the daemon
 *   remap-keyd  keyd's semantics through the input core: [ held, then
 *             Shift+[ gives a second [ press (released in a frame of its
 *             own first, as the core drops a press of a key that is down);
 *             a tap-hold-now onto an Alt layer tapped alone has its Alt
 *             release wrapped in a Ctrl tap (keyd's modifier guard)
 */

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

int scenario_remap(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL, *mouse = NULL;
	struct vm_output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX];
	struct vm_tdev *devs[2];
	int r = 0;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, vm_kbd_press_a, &kbd) < 0 ||
	    vm_tdev_new("mouse", vm_corpus("synthetic/hidtools-wheelmouse.hid", buf, sizeof(buf)),
	                MOUSE_PID, vm_mouse_click_left, &mouse) < 0)
		return -1;
	if (vm_config_write("config",
	                    "[device kbd]\n"
	                    "match = 1209:0001\n"
	                    "[remap kbd]\n"
	                    "KEY_A = KEY_B\n"
	                    "\n"
	                    "[device mouse]\n"
	                    "match = 1209:0002\n"
	                    "[remap mouse]\n"
	                    "BTN_LEFT = BTN_RIGHT\n",
	                    config, sizeof(config)) < 0)
		return -1;
	devs[0] = kbd, devs[1] = mouse;
	if (vm_start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}

	/* the mapping on the real output, stated directly... */
	for (size_t d = 0; d < 2 && r == 0; d++) {
		const char *from = d == 0 ? "KEY_A" : "BTN_LEFT";
		const char *to = d == 0 ? "KEY_B" : "BTN_RIGHT";
		_cleanup_free_ char *all = NULL;
		unsigned wanted = 1;

		if (vm_tdev_report(devs[d], d == 0 ? vm_kbd_press_a[0] : vm_mouse_click_left[0]) <
		        0 ||
		    vm_tdev_report(devs[d], d == 0 ? vm_kbd_press_a[1] : vm_mouse_click_left[2]) <
		        0) {
			r = -1;
			break;
		}
		wanted = 2;
		vm_outputs_collect(outs[d], 1, &wanted, devs, 2);
		all = vm_output_take(&outs[d][0]);
		if (!vm_mentions(all, to) || vm_mentions(all, from)) {
			r = vm_fail("%s: %s did not come out as %s", devs[d]->label, from, to);
			vm_print_indented("uinput", all);
		} else {
			char down[64];

			snprintf(down, sizeof(down), " EV_KEY %s 1\n", to);
			if (!vm_contains(all, down))
				r = vm_fail("%s: no %s press on the output", devs[d]->label, to);
			else
				vm_note("%s: %s came out as %s", devs[d]->label, from, to);
		}
	}
	/* ...and every report as `hidmapd replay --config` says */
	if (vm_check_against_replay(kbd, config, outs[0], nouts[0], devs, 2) < 0)
		r = -1;
	if (vm_check_against_replay(mouse, config, outs[1], nouts[1], devs, 2) < 0)
		r = -1;
out:
	vm_outputs_close(outs[0], nouts[0]);
	vm_outputs_close(outs[1], nouts[1]);
	return r;
}

/* The order in which needles appear in s: true if each comes after the last. */
static bool in_order(const char *s, const char *const *needles)
{
	const char *p = s;

	for (size_t i = 0; p && needles[i]; i++) {
		p = strstr(p, needles[i]);
		if (p)
			p += strlen(needles[i]);
	}
	return p != NULL;
}

/* The boot keyboard (test ids) under hidmapd with the config body, and
 * what came out at the start taken off its output: 0, or -1 (said). */
static int start_keyboard(const char *body, struct vm_tdev **kbd, struct vm_tdev **devs,
                          struct vm_output (*outs)[MAX_OUTPUTS], size_t *nouts)
{
	size_t want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, vm_kbd_press_a, kbd) < 0)
		return -1;
	if (vm_config_write("config", body, config, sizeof(config)) < 0)
		return -1;
	devs[0] = *kbd;
	if (vm_start_and_wait(config, devs, 1, outs, nouts, want, 0) < 0)
		return -1;
	(void)vm_output_take(&outs[0][0]); /* whatever came at the start */
	return 0;
}

/* Sends the reports (NULL-terminated), then takes the E: lines of the
 * first wanted frames on o (*ret: NULL if out of memory): 0, or -1 if a
 * report could not be sent (said). */
static int frames_of(struct vm_tdev *kbd, struct vm_output *o, const char *const *reports,
                     unsigned wanted, char **ret)
{
	for (size_t i = 0; reports[i]; i++)
		if (vm_tdev_report(kbd, reports[i]) < 0)
			return -1;
	vm_outputs_collect(o, 1, &wanted, &kbd, 1);
	*ret = vm_output_take(o);
	return 0;
}

int scenario_taphold_macro(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0};
	struct vm_tdev *devs[1];
	unsigned wanted;
	_cleanup_free_ char *tap = NULL, *hold = NULL, *macro = NULL;
	static const char *const tap_reports[] = {"00 00 04 00 00 00 00 00",
	                                          "00 00 00 00 00 00 00 00", NULL};
	static const char *const macro_reports[] = {"00 00 05 00 00 00 00 00",
	                                            "00 00 00 00 00 00 00 00", NULL};
	static const char *const tap_order[] = {" EV_KEY KEY_ESC 1\n", " EV_KEY KEY_ESC 0\n", NULL};
	static const char *const hold_order[] = {" EV_KEY KEY_LEFTCTRL 1\n",
	                                         " EV_KEY KEY_LEFTCTRL 0\n", NULL};
	/* "hi" and Return, each key pressed and released, in this order */
	static const char *const macro_order[] = {" EV_KEY KEY_H 1\n",
	                                          " EV_KEY KEY_H 0\n",
	                                          " EV_KEY KEY_I 1\n",
	                                          " EV_KEY KEY_I 0\n",
	                                          " EV_KEY KEY_ENTER 1\n",
	                                          " EV_KEY KEY_ENTER 0\n",
	                                          NULL};
	int r = 0;

	/* a timeout long enough that an emulated machine's scheduling cannot
	 * turn a tap into a hold */
	if (start_keyboard("[device kbd]\n"
	                   "match = 1209:0001\n"
	                   "[remap kbd]\n"
	                   "KEY_A = tap-hold(KEY_ESC, KEY_LEFTCTRL, 1s)\n"
	                   "KEY_B = macro(\"hi\", KEY_ENTER)\n",
	                   &kbd, devs, outs, nouts) < 0) {
		r = -1;
		goto out;
	}

	/* tap: down and up at once; the frames: the scan code alone, then
	 * Esc down, then Esc up */
	if (frames_of(kbd, &outs[0][0], tap_reports, 3, &tap) < 0) {
		r = -1;
		goto out;
	}
	if (!in_order(tap, tap_order) || vm_mentions(tap, "KEY_A") ||
	    vm_mentions(tap, "KEY_LEFTCTRL")) {
		r = vm_fail("taphold: a tap of A did not come out as Esc alone");
		vm_print_indented("uinput", tap);
	} else {
		vm_note("taphold: a tap of A came out as Esc");
	}

	/* hold: down, 1.5 s, up: Ctrl from the timeout to the release */
	if (vm_tdev_report(kbd, "00 00 04 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	usleep(1500000);
	if (vm_tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	wanted = 3;
	vm_outputs_collect(outs[0], 1, &wanted, devs, 1);
	hold = vm_output_take(&outs[0][0]);
	if (!in_order(hold, hold_order) || vm_mentions(hold, "KEY_ESC") ||
	    vm_mentions(hold, "KEY_A")) {
		r = vm_fail("taphold: A held for 1.5 s did not come out as Ctrl");
		vm_print_indented("uinput", hold);
	} else {
		vm_note("taphold: A held came out as Ctrl");
	}

	/* macro: B types h, i, Return, each press and release a frame */
	if (frames_of(kbd, &outs[0][0], macro_reports, 7, &macro) < 0) {
		r = -1;
		goto out;
	}
	if (!in_order(macro, macro_order) || vm_mentions(macro, "KEY_B")) {
		r = vm_fail("macro: B did not type h, i, Return");
		vm_print_indented("uinput", macro);
	} else {
		vm_note("macro: B typed h, i, Return on the uinput keyboard");
	}
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}

int scenario_remap_keyd(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0};
	struct vm_tdev *devs[1];
	_cleanup_free_ char *repress = NULL, *guard = NULL;
	static const char *const repress_reports[] = {
	    "00 00 04 00 00 00 00 00", "00 00 04 05 00 00 00 00", "00 00 04 00 00 00 00 00",
	    "00 00 00 00 00 00 00 00", NULL};
	static const char *const guard_reports[] = {"00 00 06 00 00 00 00 00",
	                                            "00 00 00 00 00 00 00 00", NULL};
	/* hidmapd.ini(5), "Keys held twice" */
	static const char *const repress_order[] = {" EV_KEY KEY_LEFTBRACE 1\n",
	                                            " EV_KEY KEY_LEFTBRACE 0\n",
	                                            " EV_KEY KEY_LEFTSHIFT 1\n",
	                                            " EV_KEY KEY_LEFTBRACE 1\n",
	                                            " EV_KEY KEY_LEFTSHIFT 0\n",
	                                            " EV_KEY KEY_LEFTBRACE 0\n",
	                                            NULL};
	/* hidmapd.ini(5), "Modifier guard", and tap-hold-now */
	static const char *const guard_order[] = {" EV_KEY KEY_LEFTALT 1\n",
	                                          " EV_KEY KEY_LEFTCTRL 1\n",
	                                          " EV_KEY KEY_LEFTALT 0\n",
	                                          " EV_KEY KEY_LEFTCTRL 0\n",
	                                          " EV_KEY KEY_ESC 1\n",
	                                          " EV_KEY KEY_ESC 0\n",
	                                          NULL};
	int r = 0;

	if (start_keyboard("[device kbd]\n"
	                   "match = 1209:0001\n"
	                   "[remap kbd]\n"
	                   "KEY_A = KEY_LEFTBRACE\n"
	                   "KEY_B = KEY_LEFTSHIFT+KEY_LEFTBRACE\n"
	                   "KEY_C = tap-hold-now(KEY_ESC, layer(alt))\n"
	                   "[remap kbd:alt:A]\n",
	                   &kbd, devs, outs, nouts) < 0) {
		r = -1;
		goto out;
	}

	/* A down, B down, B up, A up (boot keyboard reports) */
	if (frames_of(kbd, &outs[0][0], repress_reports, 5, &repress) < 0) {
		r = -1;
		goto out;
	}
	if (!in_order(repress, repress_order) || vm_mentions(repress, "KEY_A ") ||
	    vm_mentions(repress, "KEY_B ")) {
		r = vm_fail(
		    "repress: [ then Shift+[ did not give two [ presses through the input core");
		vm_print_indented("uinput", repress);
	} else {
		vm_note(
		    "repress: [ held, then Shift+[: [ up, Shift, [ down again, on the uinput keyboard");
	}

	/* C tapped alone */
	if (frames_of(kbd, &outs[0][0], guard_reports, 4, &guard) < 0) {
		r = -1;
		goto out;
	}
	if (!in_order(guard, guard_order)) {
		r = vm_fail(
		    "guard: a lone Alt of a layer was not wrapped in a Ctrl tap before Esc");
		vm_print_indented("uinput", guard);
	} else {
		vm_note("guard: Alt, Ctrl around its release, then Esc, on the uinput keyboard");
	}
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}
