/* SPDX-License-Identifier: MIT */
/*
 * The doctor's checks: probes on fixture trees (sysfs, /dev, /proc under a
 * temporary root, tests/lib/sysfs-fixture.h), and the decisions given
 * results a root-run test cannot produce (permission denied).  Each
 * problem must name what is wrong and the command that fixes it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert-text.h"
#include "config.h"
#include "build-config.h"
#include "doctor.h"
#include "sysfs-fixture.h"
#include "udev-rules.h"

struct run {
	struct hm_doctor d;
	char *buf;
	size_t size;
};

static void run_begin(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->d.out = open_memstream(&r->buf, &r->size);
	assert_non_null(r->d.out);
	r->d.dev_root = fx_path("root");
	r->d.proc_root = fx_path("proc");
	r->d.self = 1;
}

static char *run_end(struct run *r)
{
	assert_int_equal(fclose(r->d.out), 0);
	return r->buf;
}

/* Device and process names come from elsewhere: a line never carries their
 * control characters (ESC [ 2 J erases the display, BEL) raw. */
static void test_line_escapes(void **state)
{
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_line(&r.d, HM_CHECK_OK, "/dev/hidraw9", "stop it", "\"%s\" (%s)",
	               "Evil\x1b[2JPad", "comm\x07");
	text = run_end(&r);
	assert_string_equal(text,
	                    "OK   /dev/hidraw9: \"Evil\\x1b[2JPad\" (comm\\x07); fix: stop it\n");
	free(text);
}

static void test_uinput(void **state)
{
	struct run r;
	char *text;

	/* missing: the module */
	run_begin(&r);
	hm_doctor_uinput(&r.d);
	text = run_end(&r);
	assert_contains(text, "FAIL /dev/uinput: ");
	assert_contains(text, "not loaded; fix: sudo modprobe uinput");
	assert_contains(text, "/etc/modules-load.d/");
	assert_int_equal(hm_doctor_exit_status(&r.d), 1);
	free(text);

	/* present and openable */
	fx_write("root/dev/uinput", "");
	run_begin(&r);
	hm_doctor_uinput(&r.d);
	text = run_end(&r);
	assert_string_equal(text, "OK   /dev/uinput: readable and writable\n");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);

	/* denied: the udev rules, and a word on uaccess */
	run_begin(&r);
	hm_doctor_uinput_result(&r.d, -EACCES);
	text = run_end(&r);
	assert_contains(text, "FAIL /dev/uinput: cannot open it read-write: Permission denied; "
	                      "fix: " HM_UDEV_INSTALL_COMMAND);
	assert_contains(text, "active local session");
	free(text);
}

/* The shipped layouts: found, or a warning naming the folder with the fix
 * that fits where its name came from. */
static void test_layouts(void **state)
{
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_layouts_result(&r.d, "/usr/share/hidmapd/layouts", 0, 11, HM_LAYOUTS_INSTALLED);
	text = run_end(&r);
	assert_string_equal(text,
	                    "OK   layouts: 11 shipped layouts in /usr/share/hidmapd/layouts\n");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);

	run_begin(&r);
	hm_doctor_layouts_result(&r.d, "/usr/share/hidmapd/layouts", -ENOENT, 0,
	                         HM_LAYOUTS_INSTALLED);
	text = run_end(&r);
	assert_contains(text,
	                "WARN layouts: /usr/share/hidmapd/layouts: missing, or holds no layout");
	assert_contains(text, "generic module");
	assert_contains(text, "fix: reinstall hidmapd");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0); /* a warning: the rest still works */
	free(text);

	run_begin(&r);
	hm_doctor_layouts_result(&r.d, "/src/devices/layouts", -EACCES, 0, HM_LAYOUTS_BUILD_TREE);
	text = run_end(&r);
	assert_contains(text, "WARN layouts: /src/devices/layouts: Permission denied");
	assert_contains(text, "fix: git checkout -- devices/layouts");
	free(text);

	run_begin(&r);
	hm_doctor_layouts_result(&r.d, "/tmp/x", -ENOENT, 0, HM_LAYOUTS_ENV);
	text = run_end(&r);
	assert_contains(text, "fix: unset HIDMAPD_LAYOUT_DIR");
	free(text);
}

/* Another program's EVIOCGRAB on a kernel node: named, with the fix. */
static void test_grab(void **state)
{
	const struct hm_proc_holder keyd[] = {{.pid = 77, .comm = "keyd"}},
	                            self[] = {{.pid = 12, .comm = "hidmapd"}};
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_grab_result(&r.d, "/dev/input/event5", 0, NULL, 0); /* free: nothing said */
	hm_doctor_grab_result(&r.d, "/dev/input/event5", -EBUSY, keyd, 1);
	text = run_end(&r);
	assert_contains(text, "WARN /dev/input/event5 grab: another program holds its EVIOCGRAB, "
	                      "likely pid 77 (keyd): ");
	assert_contains(text, "fix: stop that program");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);

	run_begin(&r);
	hm_doctor_grab_result(&r.d, "/dev/input/event5", -EBUSY, self, 1);
	text = run_end(&r);
	assert_string_equal(text, "OK   /dev/input/event5 grab: grabbed by hidmapd (pid 12)\n");
	free(text);
}

static void test_hidraw(void **state)
{
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_hidraw_result(&r.d, "/dev/hidraw3", 0);
	hm_doctor_hidraw_result(&r.d, "/dev/hidraw3", -EACCES);
	hm_doctor_hidraw_result(&r.d, "/dev/hidraw3", -ENOENT);
	text = run_end(&r);
	assert_contains(text, "OK   /dev/hidraw3: readable and writable\n");
	assert_contains(text, "FAIL /dev/hidraw3: cannot open it read-write: Permission denied; "
	                      "fix: " HM_UDEV_INSTALL_COMMAND);
	assert_contains(text, "FAIL /dev/hidraw3: sysfs lists it but the node is missing");
	assert_contains(text, "fix: sudo udevadm trigger --subsystem-match=hidraw\n");
	assert_int_equal(r.d.counts[HM_CHECK_FAIL], 2);
	free(text);
}

static void test_driver(void **state)
{
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_driver_result(&r.d, "/dev/hidraw3", 0, "hid-generic");
	hm_doctor_driver_result(&r.d, "/dev/hidraw4", 0, "playstation");
	hm_doctor_driver_result(&r.d, "/dev/hidraw5", -ENOENT, "");
	text = run_end(&r);
	assert_contains(text, "OK   /dev/hidraw3 driver: hid-generic: ");
	assert_contains(text, "OK   /dev/hidraw4 driver: playstation, a special kernel driver: "
	                      "hidmapd grabs the evdev nodes it makes");
	assert_contains(text, "OK   /dev/hidraw5 driver: no kernel driver is bound");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);
}

static void test_holders(void **state)
{
	struct run r;
	char *text;

	/* nobody */
	fx_mkdir_p("proc/1/fd");
	fx_write("proc/1/comm", "hidmapd\n"); /* self: skipped */
	fx_link("@/dev/hidraw3", "proc/1/fd/3");
	run_begin(&r);
	hm_doctor_holders(&r.d, "/dev/hidraw3");
	text = run_end(&r);
	assert_string_equal(text, "OK   /dev/hidraw3 users: no other process has it open\n");
	free(text);

	/* the daemon, another program, and a process of another user */
	fx_write("proc/200/comm", "hidmapd\n");
	fx_link("@/dev/hidraw3", "proc/200/fd/7");
	fx_write("proc/4321/comm", "steam\n");
	fx_link("@/dev/null", "proc/4321/fd/0");
	fx_link("@/dev/hidraw3", "proc/4321/fd/12");
	fx_link("@/dev/hidraw30", "proc/4322/fd/1"); /* another node: not a holder */
	fx_write("proc/4322/comm", "other\n");
	fx_write("proc/self", "not a pid\n");
	run_begin(&r);
	hm_doctor_holders(&r.d, "/dev/hidraw3");
	text = run_end(&r);
	assert_contains(text, "WARN /dev/hidraw3 users: also open in pid 4321 (steam): ");
	assert_contains(text, "see every input twice");
	assert_contains(text, "hidmapd has it open too; fix: SDL_JOYSTICK_HIDAPI=0");
	assert_contains(text, "Steam Input off");
	assert_contains(text, "enabled = no");
	assert_contains(text, "else kill 4321\n");
	assert_null(strstr(text, "4322"));
	assert_int_equal(hm_doctor_exit_status(&r.d), 0); /* a warning */
	free(text);

	/* only the daemon */
	assert_int_equal(remove(fx_path("proc/4321/fd/12")), 0);
	run_begin(&r);
	hm_doctor_holders(&r.d, "/dev/hidraw3");
	text = run_end(&r);
	assert_string_equal(text, "OK   /dev/hidraw3 users: open in hidmapd only (pid 200)\n");
	free(text);
}

static void test_evdev(void **state)
{
	struct hm_device_info info = {.vendor = 0x046d, .product = 0xc52b, .path = "/dev/hidraw3"};
	struct hm_hid_evdev_nodes nodes = {.n = 2,
	                                   .node = {"/dev/input/event5", "/dev/input/event12"}};
	struct hm_hid_evdev_nodes none = {0};
	const int ok[2] = {0, 0}, denied[2] = {0, -EACCES};
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_evdev_result(&r.d, &info, 0, &nodes, ok, true);
	hm_doctor_evdev_result(&r.d, &info, 0, &none, ok, true);
	text = run_end(&r);
	assert_contains(text, "OK   /dev/hidraw3 evdev: /dev/input/event5 /dev/input/event12: "
	                      "grabbed while hidmapd drives it\n");
	assert_contains(text, "OK   /dev/hidraw3 evdev: the kernel made no evdev node of it");
	free(text);

	run_begin(&r);
	hm_doctor_evdev_result(&r.d, &info, 0, &nodes, denied, true);
	hm_doctor_evdev_result(&r.d, &info, 0, &nodes, ok, false);
	text = run_end(&r);
	assert_contains(text, "WARN /dev/hidraw3 evdev: /dev/input/event5 /dev/input/event12: "
	                      "cannot open /dev/input/event12 to grab it (Permission denied)");
	/* the rules that give the hidraw node give its evdev nodes too */
	assert_contains(text, "(Permission denied): while hidmapd drives the device every input "
	                      "from there arrives twice; fix: " HM_UDEV_INSTALL_COMMAND);
	assert_contains(text, "not grabbed (grab = no), so every input arrives twice; fix: "
	                      "remove 'grab = no'");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);
}

static struct hm_config *load_text(const char *text)
{
	struct hm_config *config = NULL;
	const char *paths[] = {fx_path("config.ini")};

	fx_write("config.ini", text);
	assert_int_equal(hm_config_load(paths, 1, NULL, NULL, &config), 0);
	return config;
}

static void test_config(void **state)
{
	struct hm_config *config = NULL;
	const char *paths[] = {fx_path("bad.ini")};
	struct run r;
	char *text;

	fx_write("bad.ini", "[device x]\nmatch = zz:yy\n");
	run_begin(&r);
	hm_doctor_config(&r.d, paths, 1, &config);
	text = run_end(&r);
	assert_non_null(config); /* empty, so the devices are still checked */
	assert_int_equal(config->ndevices, 0);
	assert_contains(text, "FAIL config ");
	assert_contains(text, "bad.ini:2: ");
	assert_contains(text, "; fix: correct it, then run: hidmapd check\n");
	assert_int_equal(hm_doctor_exit_status(&r.d), 1);
	free(text);
	hm_config_free(config);

	fx_write("good.ini", "[device x]\nmatch = 1209:0001\n");
	paths[0] = fx_path("good.ini");
	run_begin(&r);
	hm_doctor_config(&r.d, paths, 1, &config);
	text = run_end(&r);
	assert_string_equal(text, "OK   config: 1 file valid, 1 [device] section\n");
	free(text);
	hm_config_free(config);
}

static void test_unit_and_control(void **state)
{
	struct run r;
	char *text;

	run_begin(&r);
	hm_doctor_unit_result(&r.d, false, "", "");
	hm_doctor_unit_result(&r.d, true, "", "");
	hm_doctor_unit_result(&r.d, true, "disabled", "inactive");
	hm_doctor_unit_result(&r.d, true, "enabled", "inactive");
	hm_doctor_unit_result(&r.d, true, "enabled", "active");
	text = run_end(&r);
	assert_contains(text, "WARN hidmapd.service: no user service manager");
	assert_contains(text, "WARN hidmapd.service: the user unit is not installed; fix: ");
	assert_contains(text, "WARN hidmapd.service: disabled, inactive; fix: systemctl --user "
	                      "enable --now hidmapd\n");
	assert_contains(text, "WARN hidmapd.service: enabled but inactive; fix: systemctl --user "
	                      "start hidmapd\n");
	assert_contains(text, "OK   hidmapd.service: enabled and active\n");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);

	run_begin(&r);
	hm_doctor_unit_result(&r.d, true, "enabled", "failed");
	hm_doctor_control_result(&r.d, 0, "daemon uptime 1.000s devices 1", "", true);
	hm_doctor_control_result(&r.d, -ECONNREFUSED, "", "hidmapd is not running (no socket)",
	                         false);
	hm_doctor_control_result(&r.d, -ETIMEDOUT, "", "no answer within 3 s", true);
	text = run_end(&r);
	assert_contains(text, "FAIL hidmapd.service: enabled but failed; fix: journalctl --user -u "
	                      "hidmapd -b");
	assert_contains(text, "OK   control socket: the daemon answers: daemon uptime 1.000s "
	                      "devices 1\n");
	assert_contains(text, "WARN control socket: hidmapd is not running (no socket); fix: "
	                      "systemctl --user enable --now hidmapd");
	assert_contains(text, "FAIL control socket: the service runs but does not answer: no "
	                      "answer within 3 s; fix: journalctl");
	assert_int_equal(r.d.counts[HM_CHECK_FAIL], 2);
	free(text);
}

static void test_devices(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *config =
	    load_text("[device gamepad]\nmatch = 054c:09cc\n");
	_cleanup_(hm_config_freep) struct hm_config *empty = hm_config_new_empty();
	struct run r;
	char *text;

	/* the receiver: nobody selects it; the gamepad: the config does */
	fx_write("root/dev/hidraw4", "");
	run_begin(&r);
	hm_doctor_devices(&r.d, config);
	text = run_end(&r);
	assert_null(strstr(text, "hidraw3"));
	assert_contains(text, "OK   /dev/hidraw4: 054c:09cc \"Wireless Controller\": hidmapd "
	                      "drives it (module dualshock4, [device gamepad] ");
	assert_contains(text, "config.ini:1)\n");
	assert_contains(text, "OK   /dev/hidraw4: readable and writable\n");
	assert_contains(text, "OK   /dev/hidraw4 driver: playstation, a special kernel driver");
	assert_contains(text, "OK   /dev/hidraw4 users: ");
	assert_contains(text, "OK   /dev/hidraw4 evdev: the kernel made no evdev node of it");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);

	/* nothing selected: the dualshock4 module claims the pad by its ids */
	run_begin(&r);
	hm_doctor_devices(&r.d, empty);
	text = run_end(&r);
	assert_contains(text, "drives it (module dualshock4 claims it)");
	free(text);

	/* selected but its node is missing under /dev */
	assert_int_equal(remove(fx_path("root/dev/hidraw4")), 0);
	run_begin(&r);
	hm_doctor_devices(&r.d, config);
	text = run_end(&r);
	assert_contains(text, "FAIL /dev/hidraw4: sysfs lists it but the node is missing");
	assert_int_equal(hm_doctor_exit_status(&r.d), 1);
	free(text);

	/* the pad gone, nothing selects the receiver: a warning that says how */
	assert_int_equal(unlink(fx_path("sys/class/hidraw/hidraw4")), 0);
	run_begin(&r);
	hm_doctor_devices(&r.d, empty);
	text = run_end(&r);
	assert_contains(text, "WARN HID devices: none present that hidmapd would drive (1 HID "
	                      "device in all)");
	assert_contains(text, "fix: plug the device in; ");
	free(text);
	/* back for the next tests */
	fx_link(fx_path("sys/devices/" FX_BT_PARENT "/" FX_BT_HID "/hidraw/hidraw4") +
	            strlen(fx_root) + 1,
	        "sys/class/hidraw/hidraw4");
}

/* The unit's sandbox needs unprivileged user namespaces: the sysctls that
 * take them away, read from a fixture /proc, and the drop-in that copes. */
static void test_userns(void **state)
{
	struct run r;
	char *text;

	/* a kernel without any of the sysctls (Debian's has only the last) */
	run_begin(&r);
	hm_doctor_userns(&r.d, NULL);
	text = run_end(&r);
	assert_contains(text, "OK   sandbox: unprivileged user namespaces are available");
	free(text);

	/* Ubuntu 24.04: AppArmor restricts them */
	fx_write("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
	fx_write("proc/sys/user/max_user_namespaces", "63437\n");
	run_begin(&r);
	hm_doctor_userns(&r.d, fx_path("no-such-dropin.conf"));
	text = run_end(&r);
	assert_contains(text, "WARN sandbox: AppArmor restricts unprivileged user namespaces "
	                      "(kernel.apparmor_restrict_unprivileged_userns = 1): the service "
	                      "manager cannot set up hidmapd.service's sandbox, so the unit fails "
	                      "to start; fix: mkdir -p ~/.config/systemd/user/hidmapd.service.d && "
	                      "cp " HIDMAPD_DATADIR "/no-userns.conf ");
	assert_int_equal(hm_doctor_exit_status(&r.d), 0);
	free(text);

	/* ...with the drop-in installed */
	fx_write("dropin.conf", "[Service]\nPrivateUsers=no\n");
	run_begin(&r);
	hm_doctor_userns(&r.d, fx_path("dropin.conf"));
	text = run_end(&r);
	assert_contains(text,
	                "OK   sandbox: AppArmor restricts unprivileged user namespaces "
	                "(kernel.apparmor_restrict_unprivileged_userns = 1); the no-userns.conf "
	                "drop-in is installed");
	free(text);

	/* off in the kernel, by either sysctl; garbage reads as absent */
	fx_write("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "x\n");
	fx_write("proc/sys/kernel/unprivileged_userns_clone", "0\n");
	run_begin(&r);
	hm_doctor_userns(&r.d, NULL);
	text = run_end(&r);
	assert_contains(text, "WARN sandbox: unprivileged user namespaces are off "
	                      "(kernel.unprivileged_userns_clone = 0)");
	free(text);
	fx_write("proc/sys/kernel/unprivileged_userns_clone", "1\n");
	fx_write("proc/sys/user/max_user_namespaces", "0\n");
	run_begin(&r);
	hm_doctor_userns(&r.d, NULL);
	text = run_end(&r);
	assert_contains(text,
	                "WARN sandbox: user namespaces are off (user.max_user_namespaces = 0)");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_escapes), cmocka_unit_test(test_uinput),
	    cmocka_unit_test(test_layouts),      cmocka_unit_test(test_grab),
	    cmocka_unit_test(test_hidraw),       cmocka_unit_test(test_driver),
	    cmocka_unit_test(test_holders),      cmocka_unit_test(test_evdev),
	    cmocka_unit_test(test_config),       cmocka_unit_test(test_unit_and_control),
	    cmocka_unit_test(test_devices),      cmocka_unit_test(test_userns),
	};

	return cmocka_run_group_tests(tests, fx_setup_devices, fx_teardown_devices);
}
