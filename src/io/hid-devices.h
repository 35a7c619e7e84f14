/* SPDX-License-Identifier: MIT */
/*
 * Finding HID devices: hid_enumerate() for the list, sysfs for what hidapi
 * 0.13.1 does not give (the kernel's HID name, the report descriptor when
 * hid_get_report_descriptor() is missing, the version, the USB interface,
 * the bound kernel driver, the kernel's own evdev nodes).
 *
 * The sysfs part reads plain files under a root (default "/sys") so tests
 * run it on fixture trees:
 *   ROOT/class/hidraw/hidrawN/device             -> the HID device directory
 *   .../0003:046D:C52B.0003/uevent               HID_ID, HID_NAME, HID_UNIQ, HID_PHYS
 *   .../0003:046D:C52B.0003/report_descriptor
 *   .../0003:046D:C52B.0003/driver               -> .../drivers/hid-generic
 *   .../0003:046D:C52B.0003/input/inputN/eventM  the kernel's evdev nodes
 *   .../0003:046D:C52B.0003/../bInterfaceNumber  the parent USB interface's number
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hid-descriptor.h"
#include "device-info.h"

struct hm_hid_entry {
	struct hm_device_info info; /* kinds: every top-level collection's type */
};

/* Sets up hidapi (hid_init()) before the first enumeration or open, and
 * frees what it holds (hid_exit()).  hm_hid_init() returns 0 or -EIO. */
int hm_hid_init(void);
void hm_hid_exit(void);

/* hid_open_path(), one hidapi call touching its global state at a time
 * (any thread); NULL with errno set (0 when hidapi did not say). */
struct hid_device_;
struct hid_device_ *hm_hid_open_path(const char *path);

/* Points the sysfs functions at another sysfs mount point (a fixture tree);
 * NULL restores "/sys".  Not thread-safe: set it before anything reads. */
void hm_hid_set_sysfs_root(const char *root);
const char *hm_hid_sysfs_root(void);

/* Every hidraw device, one entry per node, sorted by path (hidapi). */
int hm_hid_enumerate(struct hm_hid_entry **ret, size_t *ret_n);

/* Every hidraw node sysfs lists, with its info, sorted
 * by path; a node whose sysfs entry is unreadable or garbled is skipped with
 * a warning.  Needs no access to the nodes themselves. */
int hm_hid_enumerate_sysfs(struct hm_hid_entry **ret, size_t *ret_n);

/* The info of one node ("/dev/hidraw3") from sysfs: ids, name, serial,
 * version, USB interface (-1 when not USB), kinds (from the descriptor).  -ENODEV: no such node in
 * sysfs; -ENOENT: no uevent or no HID_ID in it; -EINVAL: not a hidraw name, or a garbled HID_ID. */
int hm_hid_info_from_path(const char *path, struct hm_device_info *info);

/* HID_PHYS of one node ("usb-0000:00:14.0-2/input1"); "" when the kernel gives none. */
int hm_hid_phys(const char *path, char *buf, size_t size);

/* The kernel driver bound to the node's HID device ("hid-generic",
 * "playstation"); -ENOENT when none is bound. */
int hm_hid_driver(const char *path, char *buf, size_t size);

/* The report descriptor of one node: buf must hold HID_RDESC_MAX_SIZE bytes.
 * From sysfs (needs no access to the node); hidapi when sysfs has none and
 * it has hid_get_report_descriptor(). */
int hm_hid_read_descriptor(const char *path, uint8_t *buf, size_t size, size_t *ret_size);

#define HM_HID_MAX_EVDEV 16

/* The kernel's own evdev nodes of a hidraw node's HID device: what the
 * daemon grabs while it drives the device. */
struct hm_hid_evdev_nodes {
	size_t n;
	char node[HM_HID_MAX_EVDEV][32]; /* "/dev/input/event5", in version order */
	bool truncated;                  /* there were more than HM_HID_MAX_EVDEV */
};

/* Fills *ret (n may be 0: the kernel made no input device of it). */
int hm_hid_evdev_nodes(const char *path, struct hm_hid_evdev_nodes *ret);
