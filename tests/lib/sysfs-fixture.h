/* SPDX-License-Identifier: MIT */
/*
 * Fixture trees for the sysfs walk (hid-devices.c) and the doctor: a
 * temporary directory with ROOT/sys, ROOT/dev and ROOT/proc laid out as
 * the kernel does (symlinks absolute into the tree; the kernel resolves
 * "device/.." physically, and so does open(2) here).
 */
#pragma once

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hid-devices.h"

static char fx_root[PATH_MAX];

/* ROOT/rel, formatted; a static buffer per call site is not needed: a ring. */
static const char *fx_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *fx_path(const char *fmt, ...)
{
	static char ring[8][PATH_MAX];
	static unsigned next;
	char rel[PATH_MAX];
	char *p = ring[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	assert_true(snprintf(p, PATH_MAX, "%s/%s", fx_root, rel) < PATH_MAX);
	return p;
}

static inline void fx_mkdir_p(const char *rel)
{
	char p[PATH_MAX];

	assert_true(snprintf(p, sizeof(p), "%s/%s", fx_root, rel) < (int)sizeof(p));
	for (char *s = p + strlen(fx_root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

static inline void fx_write_len(const char *rel, const void *data, size_t len)
{
	char dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		fx_mkdir_p(dir);
	}
	f = fopen(fx_path("%s", rel), "we");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline void fx_write(const char *rel, const char *text)
{
	fx_write_len(rel, text, strlen(text));
}

/* ROOT/rel -> target; target is ROOT-relative unless it starts with '/' or '@'
 * ('@' + text: the literal target, for links pointing outside the tree). */
static inline void fx_link(const char *target, const char *rel)
{
	char dir[PATH_MAX], *slash;
	const char *t = target[0] == '@' ? target + 1 : fx_path("%s", target);

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		fx_mkdir_p(dir);
	}
	assert_int_equal(symlink(t, fx_path("%s", rel)), 0);
}

static inline int fx_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static inline void fx_create(void)
{
	snprintf(fx_root, sizeof(fx_root), "/tmp/hidmapd-fixture-XXXXXX");
	assert_non_null(mkdtemp(fx_root));
}

static inline void fx_destroy(void)
{
	nftw(fx_root, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A hidraw node as the kernel lays it out: the HID device directory at
 * sys/devices/PARENT/HIDNAME with uevent (when given), its driver link
 * (when given), the hidraw child and ROOT/sys/class/hidraw/NODE.
 */
static inline void fx_hidraw(const char *node, const char *parent, const char *hidname,
                             const char *uevent, const char *driver)
{
	char hid[PATH_MAX];

	snprintf(hid, sizeof(hid), "sys/devices/%s/%s", parent, hidname);
	fx_mkdir_p(hid);
	if (uevent)
		fx_write(fx_path("%s/uevent", hid) + strlen(fx_root) + 1, uevent);
	if (driver) {
		char drv[PATH_MAX];

		snprintf(drv, sizeof(drv), "sys/bus/hid/drivers/%s", driver);
		fx_mkdir_p(drv);
		fx_link(drv, fx_path("%s/driver", hid) + strlen(fx_root) + 1);
	}
	fx_mkdir_p(fx_path("%s/hidraw/%s", hid, node) + strlen(fx_root) + 1);
	fx_link(hid, fx_path("%s/hidraw/%s/device", hid, node) + strlen(fx_root) + 1);
	fx_link(fx_path("%s/hidraw/%s", hid, node) + strlen(fx_root) + 1,
	        fx_path("sys/class/hidraw/%s", node) + strlen(fx_root) + 1);
}

/* The USB receiver: hidraw3, interface 1, hid-generic, two evdev nodes. */
#define FX_USB_PARENT "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1"
#define FX_USB_HID    "0003:046D:C52B.0003"
static const unsigned char fx_usb_rdesc[] = {0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0xc0};

static inline void fx_usb_device(void)
{
	fx_write("sys/devices/" FX_USB_PARENT "/bInterfaceNumber", "01\n");
	fx_hidraw("hidraw3", FX_USB_PARENT, FX_USB_HID,
	          "DRIVER=hid-generic\n"
	          "HID_ID=0003:0000046D:0000C52B\n"
	          "HID_NAME=Logitech USB Receiver\n"
	          "HID_PHYS=usb-0000:00:14.0-2/input1\n"
	          "HID_UNIQ=\n"
	          "MODALIAS=hid:b0003g0001v0000046Dp0000C52B\n",
	          "hid-generic");
	fx_write_len("sys/devices/" FX_USB_PARENT "/" FX_USB_HID "/report_descriptor", fx_usb_rdesc,
	             sizeof(fx_usb_rdesc));
	fx_write("sys/devices/" FX_USB_PARENT "/" FX_USB_HID "/input/input7/id/version", "0111\n");
	fx_mkdir_p("sys/devices/" FX_USB_PARENT "/" FX_USB_HID "/input/input7/event12");
	fx_mkdir_p("sys/devices/" FX_USB_PARENT "/" FX_USB_HID "/input/input7/mouse0");
	fx_mkdir_p("sys/devices/" FX_USB_PARENT "/" FX_USB_HID "/input/input8/event5");
}

/* A Bluetooth gamepad: hidraw4 under an hci connection, bound to a special
 * driver, a serial, no report descriptor file, no input devices. */
#define FX_BT_PARENT "pci0000:00/0000:00:14.0/usb1/1-9/1-9:1.0/bluetooth/hci0/hci0:256"
#define FX_BT_HID    "0005:054C:09CC.0004"

static inline void fx_bt_device(void)
{
	fx_hidraw("hidraw4", FX_BT_PARENT, FX_BT_HID,
	          "DRIVER=playstation\n"
	          "HID_ID=0005:0000054C:000009CC\n"
	          "HID_NAME=Wireless Controller\n"
	          "HID_PHYS=a0:ab:51:00:00:02\n"
	          "HID_UNIQ=a0:ab:51:00:00:01\n",
	          "playstation");
}

/* cmocka group setup/teardown: both devices above, and hid-devices.c
 * pointed at them (needs hid-devices.h). */
static inline int fx_setup_devices(void **state)
{
	fx_create();
	fx_usb_device();
	fx_bt_device();
	hm_hid_set_sysfs_root(fx_path("sys"));
	return 0;
}

static inline int fx_teardown_devices(void **state)
{
	hm_hid_set_sysfs_root(NULL);
	fx_destroy();
	return 0;
}
