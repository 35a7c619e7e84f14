/* SPDX-License-Identifier: MIT */
/*
 * Per-application profiles (issue 21) on the real uinput: a key held while
 * the focus changes (`hidmapd focus`, the control socket) is released as
 * the profile it was pressed in mapped it, once; it stays silent while
 * still held; pressed again it is the new profile's; nothing is left down
 * (EVIOCGKEY).  A profile() key overrides the rule until the focus moves
 * to another application.  The profiles map A to B, C and D and F1 to a
 * profile() each, so the virtual device's capabilities do not change and
 * it is kept across the switches.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario-list.h"
#include "vm-harness.h"

static int focus(const char *app, const char *title)
{
	const char *argv[] = {"hidmapd", "focus", app, title, NULL};
	char out[PATH_MAX], err[PATH_MAX];
	int st;

	snprintf(out, sizeof(out), "%s/%s-focus.out", vm_tmpdir, vm_scenario);
	snprintf(err, sizeof(err), "%s/%s-focus.err", vm_tmpdir, vm_scenario);
	st = vm_wait_child(vm_spawn(argv, out, err), 10000);
	if (st != 0)
		return vm_fail("hidmapd focus %s exited %d: %s", app, st, vm_slurp(err));
	return 0;
}

int scenario_focus_switch(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX + 64], rt[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
	_cleanup_free_ char *seen = NULL;
	const char *text;
	unsigned one = 1;
	long off;
	int r = 0, down;

	snprintf(rt, sizeof(rt), "%s/%s-runtime", vm_sockdir(), vm_scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return vm_fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	setenv("HIDMAPD_FOCUS_SOURCE", "none", 1); /* `hidmapd focus` only */
	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config",
	                    "[device kbd]\n"
	                    "match = 1209:0001\n"
	                    "focus = app:editor -> edit\n"
	                    "[remap kbd]\n"
	                    "KEY_A = KEY_B\n"
	                    "KEY_F1 = profile(alt)\n"
	                    "[remap edit]\n"
	                    "KEY_A = KEY_C\n"
	                    "KEY_F1 = profile(alt)\n"
	                    "[remap alt]\n"
	                    "KEY_A = KEY_D\n"
	                    "KEY_F1 = profile(kbd)\n",
	                    config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	vm_note("A -> B before any focus");

	/* hold A: B down under the section's own profile */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	vm_outputs_collect(outs[0], 1, &one, &kbd, 1);
	seen = vm_output_take(&outs[0][0]);
	if (!vm_contains(seen, "EV_KEY KEY_B 1")) {
		r = vm_fail("holding A did not press B");
		vm_print_indented("uinput", seen);
		goto out;
	}

	/* the focus moves to the editor mid-press */
	off = vm_file_size(vm_daemon_log);
	if (focus("editor", "notes.txt - Editor") < 0 ||
	    !vm_daemon_log_wait("focus: profile edit", off, 5000)) {
		r = vm_fail("the focus change did not switch to profile edit within 5 s");
		goto out;
	}
	vm_outputs_collect(outs[0], 1, &one, &kbd, 1);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	vm_print_indented("uinput at the switch", seen);
	if (outs[0][0].gone) {
		r = vm_fail("the virtual device was recreated (same capabilities expected)");
		goto out;
	}
	if (!vm_contains(seen, "EV_KEY KEY_B 0") || vm_mentions(seen, "KEY_C")) {
		r = vm_fail("the switch did not release B (as pressed) alone");
		goto out;
	}
	vm_note("the switch released B, as the old profile pressed it, and pressed nothing");

	/* A still down in the next report, then let go: nothing at all */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	vm_sleep_ms(300);
	(void)vm_output_drain(&outs[0][0], 0);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	if (vm_mentions(seen, "KEY_B") || vm_mentions(seen, "KEY_C")) {
		r = vm_fail("A held across the switch acted again (B released twice, or C)");
		vm_print_indented("uinput", seen);
		goto out;
	}
	down = vm_keys_down(&outs[0][0]);
	if (down != 0) {
		r = vm_fail("%d key(s) down after A was let go (EVIOCGKEY)", down);
		goto out;
	}
	vm_note("A let go: no event, no key down (EVIOCGKEY)");

	/* pressed again: the new profile's */
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_C") < 0) {
		r = -1;
		goto out;
	}
	vm_note("A -> C under the editor's profile");

	/* status names the rule */
	if (vm_run_client("status", out, err, sizeof(out)) != 0) {
		r = vm_fail("hidmapd status failed: %s", vm_slurp(err));
		goto out;
	}
	text = vm_slurp(out);
	snprintf(buf, sizeof(buf), "  profile edit (focus rule at %s:3)\n", config);
	if (!strstr(text, buf) ||
	    !strstr(text, "focus window app \"editor\" instance \"\" class \"\" title "
	                  "\"notes.txt - Editor\" (from control)")) {
		r = vm_fail("status does not show the focus and the rule's profile");
		vm_print_indented("status", text);
		goto out;
	}
	vm_note("status: \"profile edit (focus rule at ...:3)\"");

	/* a profile() key overrides the rule: a new title of the same
	 * application keeps it, another application ends it */
	off = vm_file_size(vm_daemon_log);
	if (vm_tdev_report(kbd, "00 00 3a 00 00 00 00 00") < 0 ||
	    vm_tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0 ||
	    !vm_daemon_log_wait("switched to profile alt", off, 5000)) {
		r = vm_fail("F1 did not switch to profile alt");
		goto out;
	}
	vm_sleep_ms(200);
	(void)vm_output_drain(&outs[0][0], 0);
	free(vm_output_take(&outs[0][0]));
	if (focus("editor", "other.txt - Editor") < 0) {
		r = -1;
		goto out;
	}
	vm_sleep_ms(300);
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_D") < 0) {
		r = vm_fail("a new title of the same application undid the profile() key");
		goto out;
	}
	vm_note("profile() key: A -> D, kept when only the title changes");

	/* another application: the section's own profile again */
	off = vm_file_size(vm_daemon_log);
	if (focus("shell", "") < 0 || !vm_daemon_log_wait("focus: profile kbd", off, 5000)) {
		r = vm_fail("focus on another app did not go back to profile kbd");
		goto out;
	}
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	vm_note("another application: A -> B again");
	/* nothing held, another application without a rule: the same profile
	 * is picked, so the device is not touched (no switch logged, nothing
	 * on uinput, the virtual device kept) */
	(void)vm_output_drain(&outs[0][0], 0);
	free(vm_output_take(&outs[0][0]));
	off = vm_file_size(vm_daemon_log);
	if (focus("terminal", "~") < 0) {
		r = -1;
		goto out;
	}
	vm_sleep_ms(300);
	(void)vm_output_drain(&outs[0][0], 0);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	if (vm_daemon_log_wait("focus: profile", off, 300) || (seen && *seen) || outs[0][0].gone) {
		r = vm_fail("a focus change picking the same profile touched the device");
		vm_print_indented("uinput", seen);
		goto out;
	}
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	vm_note("same profile picked: no switch, no event, A -> B");
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}
