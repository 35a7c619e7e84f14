/* SPDX-License-Identifier: MIT */
/*
 * Configuration reloads: SIGHUP, and config files changed on disk (inotify).
 *
 *   reload    SIGHUP with a broken config keeps the old mapping and names
 *             file:line; a fixed config applies with no key left down
 *   reload-inotify  no signal: a config file written in place, then
 *             replaced by rename (as editors save), reloads within the
 *             debounce; a broken one is rejected with file:line and the old
 *             mapping stays.  The device is selected by match-type.
 */
#include <sys/wait.h>

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

/* A broken config was written (log offset off): rejected whole, and the
 * log names config:line. */
static int wait_rejected(long off, const char *config, unsigned line)
{
	char where[PATH_MAX + 16];

	if (!vm_daemon_log_wait("not reloaded", off, 5000))
		return vm_fail("hidmapd did not reject the broken config within 5 s");
	snprintf(where, sizeof(where), "%s:%u:", config, line);
	/* waited for too: the "not reloaded" above may be an earlier reload's
	 * (the config watch reloads on the write as well as the SIGHUP) */
	if (!vm_daemon_log_wait(where, off, 5000))
		return vm_fail("hidmapd's log does not name %s for the broken line", where);
	vm_note("broken config rejected, the log names %s", where);
	return 0;
}

int scenario_reload(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];
	_cleanup_free_ char *seen = NULL;
	unsigned one = 1;
	long off;
	int r = 0, down;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config",
	                    "[device kbd]\n"
	                    "match = 1209:0001\n"
	                    "[remap kbd]\n"
	                    "KEY_A = KEY_B\n",
	                    config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	vm_note("A -> B under the first config");

	/* a broken config: rejected whole, file:line named, old mapping stays */
	off = vm_file_size(vm_daemon_log);
	if (vm_write_file(config, "[device kbd]\n"
	                          "match = 1209:0001\n"
	                          "[remap kbd]\n"
	                          "KEY_A = KEY_C\n"
	                          "KEY_NO_SUCH_KEY = KEY_D\n") < 0) {
		r = -1;
		goto out;
	}
	vm_daemon_signal(SIGHUP);
	if (wait_rejected(off, config, 5) < 0) {
		r = -1;
		goto out;
	}
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = vm_fail("the old mapping stopped working after a rejected reload");
		goto out;
	}
	vm_note("A -> B still, after the rejected reload");

	/* an unknown module = (checked by module selection, not the parser):
	 * rejected whole the same way */
	off = vm_file_size(vm_daemon_log);
	if (vm_write_file(config, "[device kbd]\n"
	                          "match = 1209:0001\n"
	                          "module = nosuch\n"
	                          "[remap kbd]\n"
	                          "KEY_A = KEY_C\n") < 0) {
		r = -1;
		goto out;
	}
	vm_daemon_signal(SIGHUP);
	if (wait_rejected(off, config, 3) < 0) {
		r = -1;
		goto out;
	}
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = vm_fail(
		    "the old mapping stopped working after a reload naming an unknown module");
		goto out;
	}
	vm_note("A -> B still, after the reload naming an unknown module");

	/* hold A (B down under the old mapping), fix the config, reload, release */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	vm_outputs_collect(outs[0], 1, &one, &kbd, 1);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	if (!vm_contains(seen, "EV_KEY KEY_B 1")) {
		r = vm_fail("holding A did not press B");
		vm_print_indented("uinput", seen);
		goto out;
	}
	off = vm_file_size(vm_daemon_log);
	if (vm_write_file(config, "[device kbd]\n"
	                          "match = 1209:0001\n"
	                          "[remap kbd]\n"
	                          "KEY_A = KEY_C\n") < 0) {
		r = -1;
		goto out;
	}
	vm_daemon_signal(SIGHUP);
	if (!vm_daemon_log_wait("configuration reloaded", off, 5000)) {
		r = vm_fail("hidmapd did not reload the fixed config within 5 s");
		goto out;
	}
	vm_outputs_collect(outs[0], 1, &one, &kbd, 1);
	free(seen);
	seen = vm_output_take(&outs[0][0]);
	if (!outs[0][0].gone && !vm_contains(seen, "EV_KEY KEY_B 0")) {
		r = vm_fail("the reload did not release B, held under the old mapping");
		vm_print_indented("uinput", seen);
	} else if (!outs[0][0].gone) {
		vm_note("the reload released B (held under the old mapping) on %s",
		        outs[0][0].devnode);
	}
	if (vm_reopen_outputs(kbd, outs[0], &nouts[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	vm_sleep_ms(200);
	down = 0;
	for (size_t i = 0; i < nouts[0]; i++) {
		int k;

		(void)vm_output_drain(&outs[0][i], (unsigned)i);
		k = vm_keys_down(&outs[0][i]);
		if (k < 0) {
			r = vm_fail("%s: EVIOCGKEY: %s", outs[0][i].devnode, strerror(-k));
			goto out;
		}
		down += k;
	}
	if (down) {
		r = vm_fail("%d key(s) stuck down after the reload and the release of A", down);
		goto out;
	}
	vm_note("after reload and release: no key down on any output (EVIOCGKEY)");
	free(vm_output_take(&outs[0][0]));
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_C") < 0) {
		r = vm_fail("the fixed config's mapping does not apply");
		goto out;
	}
	vm_note("A -> C under the fixed config");
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}

/* Rewrites config as head + "KEY_A = to" (in place, or a new file renamed
 * over it) and checks the daemon reloads it by itself and A becomes to. */
static int remap_a_by_file(struct vm_tdev *kbd, struct vm_output *outs, size_t *nouts,
                           const char *config, const char *head, const char *to, bool rename_over)
{
	char body[256], tmp[PATH_MAX + 8];
	const char *how = rename_over ? "replaced by rename" : "written in place";
	long off = vm_file_size(vm_daemon_log);

	snprintf(body, sizeof(body), "%sKEY_A = %s\n", head, to);
	snprintf(tmp, sizeof(tmp), "%s.new~", config);
	if (vm_write_file(rename_over ? tmp : config, body) < 0)
		return -1;
	if (rename_over && rename(tmp, config) < 0)
		return vm_fail("rename %s: %s", tmp, strerror(errno));
	if (vm_wait_file_reload(off, how) < 0 || vm_reopen_outputs(kbd, outs, nouts) < 0 ||
	    vm_expect_a_as(kbd, &outs[0], to) < 0)
		return -1;
	vm_note("A -> %s", to);
	return 0;
}

int scenario_reload_inotify(void)
{
	static const char *head = "[device keyboards]\n"
	                          "match-type = keyboard\n"
	                          "[remap keyboards]\n";
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX], body[256];
	long off;
	int r = 0;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	snprintf(body, sizeof(body), "%sKEY_A = KEY_B\n", head);
	if (vm_config_write("config", body, config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    vm_expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	vm_note("match-type = keyboard selected /dev/%s: A -> B", kbd->hidraw);

	/* written in place, then saved as editors do: a new file renamed over */
	if (remap_a_by_file(kbd, outs[0], &nouts[0], config, head, "KEY_C", false) < 0 ||
	    remap_a_by_file(kbd, outs[0], &nouts[0], config, head, "KEY_D", true) < 0) {
		r = -1;
		goto out;
	}

	/* broken: rejected whole, file:line in the log, the old mapping stays */
	off = vm_file_size(vm_daemon_log);
	snprintf(body, sizeof(body), "%sKEY_A = KEY_E\nKEY_NO_SUCH_KEY = KEY_F\n", head);
	if (vm_write_file(config, body) < 0) {
		r = -1;
		goto out;
	}
	if (wait_rejected(off, config, 5) < 0) {
		r = -1;
		goto out;
	}
	if (vm_expect_a_as(kbd, &outs[0][0], "KEY_D") < 0) {
		r = vm_fail("the old mapping stopped working after a rejected reload");
		goto out;
	}
	vm_note("A -> D still");
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}
