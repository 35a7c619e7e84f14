/* SPDX-License-Identifier: MIT */
/*
 * The sysfs walk of hid-devices.c on fixture trees laid out as the kernel
 * does (tests/lib/sysfs-fixture.h): a USB receiver with an interface
 * number and two evdev nodes, a Bluetooth gamepad on a special driver,
 * and broken entries, which must give a clear error and never a crash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "device-kind.h"
#include "hid-devices.h"
#include "sysfs-fixture.h"

static void test_root(void **state)
{
	assert_string_equal(hm_hid_sysfs_root(), fx_path("sys"));
	hm_hid_set_sysfs_root(NULL);
	assert_string_equal(hm_hid_sysfs_root(), "/sys");
	hm_hid_set_sysfs_root(fx_path("sys"));
}

static void test_usb(void **state)
{
	struct hm_device_info info;
	char phys[64], driver[64];

	assert_int_equal(hm_hid_info_from_path("/dev/hidraw3", &info), 0);
	assert_int_equal(info.bus, 0x0003);
	assert_int_equal(info.vendor, 0x046d);
	assert_int_equal(info.product, 0xc52b);
	assert_int_equal(info.version, 0x0111);
	assert_int_equal(info.interface, 1);
	assert_string_equal(info.name, "Logitech USB Receiver");
	assert_string_equal(info.serial, ""); /* HID_UNIQ= empty */
	assert_string_equal(info.path, "/dev/hidraw3");
	/* its descriptor declares a Generic Desktop Mouse application */
	assert_int_equal(info.kinds, HM_KIND_MOUSE);

	assert_int_equal(hm_hid_phys("/dev/hidraw3", phys, sizeof(phys)), 0);
	assert_string_equal(phys, "usb-0000:00:14.0-2/input1");
	assert_int_equal(hm_hid_driver("/dev/hidraw3", driver, sizeof(driver)), 0);
	assert_string_equal(driver, "hid-generic");
}

static void test_bluetooth(void **state)
{
	struct hm_device_info info;
	char driver[64];

	assert_int_equal(hm_hid_info_from_path("/dev/hidraw4", &info), 0);
	assert_int_equal(info.bus, 0x0005);
	assert_int_equal(info.vendor, 0x054c);
	assert_int_equal(info.product, 0x09cc);
	assert_int_equal(info.version, 0); /* no input device to take it from */
	assert_int_equal(info.interface, -1);
	assert_string_equal(info.name, "Wireless Controller");
	assert_string_equal(info.serial, "a0:ab:51:00:00:01");
	assert_int_equal(info.kinds, 0); /* no descriptor in the fixture */
	assert_int_equal(hm_hid_driver("/dev/hidraw4", driver, sizeof(driver)), 0);
	assert_string_equal(driver, "playstation");
}

static void test_descriptor(void **state)
{
	uint8_t buf[HID_RDESC_MAX_SIZE];
	size_t n = 12345;

	assert_int_equal(hm_hid_read_descriptor("/dev/hidraw3", buf, sizeof(buf), &n), 0);
	assert_int_equal(n, sizeof(fx_usb_rdesc));
	assert_memory_equal(buf, fx_usb_rdesc, n);

	/* the Bluetooth fixture has none: an error, *ret_size untouched */
	n = 12345;
	assert_int_equal(hm_hid_read_descriptor("/dev/hidraw4", buf, sizeof(buf), &n), -ENOENT);
	assert_int_equal(n, 12345);
	assert_int_equal(hm_hid_read_descriptor("/dev/hidraw99", buf, sizeof(buf), &n), -ENOENT);
}

static void test_evdev_nodes(void **state)
{
	struct hm_hid_evdev_nodes nodes;

	assert_int_equal(hm_hid_evdev_nodes("/dev/hidraw3", &nodes), 0);
	assert_int_equal(nodes.n, 2);
	/* version order, not glob's: event5 before event12; mouse0 is no evdev node */
	assert_string_equal(nodes.node[0], "/dev/input/event5");
	assert_string_equal(nodes.node[1], "/dev/input/event12");
	assert_false(nodes.truncated);

	assert_int_equal(hm_hid_evdev_nodes("/dev/hidraw4", &nodes), 0);
	assert_int_equal(nodes.n, 0);
	assert_int_equal(hm_hid_evdev_nodes("/dev/hidraw99", &nodes), -ENODEV);
}

static void test_evdev_nodes_many(void **state)
{
	struct hm_hid_evdev_nodes nodes;

	fx_hidraw("hidraw20", "virtual/misc/uhid", "0003:1209:0001.0020",
	          "HID_ID=0003:00001209:00000001\nHID_NAME=Many\n", "hid-multitouch");
	for (unsigned i = 0; i < HM_HID_MAX_EVDEV + 3; i++)
		fx_mkdir_p(fx_path("sys/devices/virtual/misc/uhid/0003:1209:0001.0020/input/"
		                   "input%u/event%u",
		                   40 + i, 40 + i) +
		           strlen(fx_root) + 1);
	assert_int_equal(hm_hid_evdev_nodes("/dev/hidraw20", &nodes), 0);
	assert_int_equal(nodes.n, HM_HID_MAX_EVDEV);
	assert_true(nodes.truncated);
	assert_string_equal(nodes.node[0], "/dev/input/event40");
	assert_string_equal(nodes.node[HM_HID_MAX_EVDEV - 1], "/dev/input/event55");
}

static void test_odd_name(void **state)
{
	struct hm_device_info info;
	char uevent[512], longname[300];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	fx_hidraw("hidraw21", "virtual/misc/uhid", "0003:1209:0002.0021",
	          "HID_ID=0003:00001209:00000002\n"
	          "HID_NAME=  Pico \"Macro\" Pad; a=b \xc3\xa9t\xc3\xa9 \\n*?  \n"
	          "HID_UNIQ=E6614103E7\n",
	          NULL);
	assert_int_equal(hm_hid_info_from_path("/dev/hidraw21", &info), 0);
	assert_string_equal(info.name, "Pico \"Macro\" Pad; a=b \xc3\xa9t\xc3\xa9 \\n*?");
	assert_string_equal(info.serial, "E6614103E7");

	/* longer than the field: cut, still terminated, the next key still found */
	snprintf(uevent, sizeof(uevent), "HID_NAME=%s\nHID_ID=0003:00001209:00000003\n", longname);
	fx_hidraw("hidraw22", "virtual/misc/uhid", "0003:1209:0003.0022", uevent, NULL);
	assert_int_equal(hm_hid_info_from_path("/dev/hidraw22", &info), 0);
	assert_int_equal(strlen(info.name), sizeof(info.name) - 1);
	assert_int_equal(info.product, 3);
}

static void test_unbound(void **state)
{
	char driver[64] = "unchanged";

	/* hidraw21 was made without a driver link */
	assert_int_equal(hm_hid_driver("/dev/hidraw21", driver, sizeof(driver)), -ENOENT);
	assert_string_equal(driver, "unchanged");
}

static void test_broken(void **state)
{
	static const struct {
		const char *uevent; /* NULL: no uevent file */
		int error;
	} cases[] = {
	    {NULL, -ENOENT},
	    {"", -ENOENT},
	    {"HID_NAME=no id\n", -ENOENT},
	    {"HID_ID=garbage\n", -EINVAL},
	    {"HID_ID=0003:zz:0001\n", -EINVAL},
	    {"HID_ID=0003:0000046D\n", -EINVAL},
	    {"HID_ID=0003:0000046D:0000C52B:0001\n", -EINVAL},
	    {"HID_ID=0003:00010000:00000001\n", -EINVAL}, /* vendor past 16 bits */
	    {"HID_ID=0003::00000001\n", -EINVAL},
	    {"HID_ID=0003:+046D:0001\n", -EINVAL},
	    {"HID_ID=0x03:0000046D:0001\n", -EINVAL},
	    {"HID_ID\n", -ENOENT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hm_device_info info = {.vendor = 0x4242};
		char node[32], hid[64];

		snprintf(node, sizeof(node), "hidraw%zu", 30 + i);
		snprintf(hid, sizeof(hid), "0003:0000:0000.%04zX", 0x30 + i);
		fx_hidraw(node, "virtual/misc/uhid", hid, cases[i].uevent, NULL);
		snprintf(node, sizeof(node), "/dev/hidraw%zu", 30 + i);
		if (hm_hid_info_from_path(node, &info) != cases[i].error)
			fail_msg("case %zu (%s): expected %d", i,
			         cases[i].uevent ? cases[i].uevent : "no uevent", cases[i].error);
		assert_int_equal(info.vendor, 0x4242); /* untouched on error */
	}

	/* a binary uevent (a NUL inside) is not text */
	fx_hidraw("hidraw50", "virtual/misc/uhid", "0003:0000:0000.0050", NULL, NULL);
	fx_write_len("sys/devices/virtual/misc/uhid/0003:0000:0000.0050/uevent",
	             "HID_ID=0003:\0:1\n", 16);
	{
		struct hm_device_info info;

		assert_int_equal(hm_hid_info_from_path("/dev/hidraw50", &info), -EINVAL);
	}
}

static void test_bad_paths(void **state)
{
	struct hm_device_info info;
	struct hm_hid_evdev_nodes nodes;
	char buf[64];

	assert_int_equal(hm_hid_info_from_path("/dev/hidraw99", &info), -ENODEV);
	assert_int_equal(hm_hid_info_from_path("/dev/sda", &info), -EINVAL);
	assert_int_equal(hm_hid_info_from_path("/dev/hidraw", &info), -EINVAL);
	assert_int_equal(hm_hid_info_from_path("/dev/hidraw3x", &info), -EINVAL);
	assert_int_equal(hm_hid_info_from_path("hidraw..", &info), -EINVAL);
	assert_int_equal(hm_hid_info_from_path("", &info), -EINVAL);
	assert_int_equal(hm_hid_driver("/dev/input/event3", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(hm_hid_evdev_nodes("/dev/hidraw", &nodes), -EINVAL);
	assert_int_equal(hm_hid_phys("/dev/hidraw99", buf, sizeof(buf)), -ENOENT);
}

static void test_enumerate_sysfs(void **state)
{
	struct hm_hid_entry *entries = NULL;
	size_t n = 0;

	assert_int_equal(hm_hid_enumerate_sysfs(&entries, &n), 0);
	/* the good ones from the tests before, sorted by number; broken ones skipped */
	assert_true(n >= 2);
	assert_string_equal(entries[0].info.path, "/dev/hidraw3");
	assert_int_equal(entries[0].info.interface, 1);
	assert_string_equal(entries[1].info.path, "/dev/hidraw4");
	for (size_t i = 1; i < n; i++)
		assert_true(strverscmp(entries[i - 1].info.path, entries[i].info.path) < 0);
	for (size_t i = 0; i < n; i++)
		assert_true(entries[i].info.vendor != 0 || entries[i].info.product != 0);
	free(entries);

	/* no hidraw class at all: an empty list, not an error */
	hm_hid_set_sysfs_root(fx_path("nothing-here"));
	assert_int_equal(hm_hid_enumerate_sysfs(&entries, &n), 0);
	assert_int_equal(n, 0);
	free(entries);
	hm_hid_set_sysfs_root(fx_path("sys"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root),
	    cmocka_unit_test(test_usb),
	    cmocka_unit_test(test_bluetooth),
	    cmocka_unit_test(test_descriptor),
	    cmocka_unit_test(test_evdev_nodes),
	    cmocka_unit_test(test_evdev_nodes_many),
	    cmocka_unit_test(test_odd_name),
	    cmocka_unit_test(test_unbound),
	    cmocka_unit_test(test_broken),
	    cmocka_unit_test(test_bad_paths),
	    cmocka_unit_test(test_enumerate_sysfs),
	};

	return cmocka_run_group_tests(tests, fx_setup_devices, fx_teardown_devices);
}
