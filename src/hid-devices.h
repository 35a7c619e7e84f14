/* SPDX-License-Identifier: MIT */
/*
 * Finding HID devices: hid_enumerate() for the list, sysfs (libudev) for
 * what hidapi 0.13.1 does not give (the kernel's HID name, the report
 * descriptor when hid_get_report_descriptor() is missing, the version).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hid-descriptor.h"
#include "module.h"

struct hm_hid_entry {
	struct hm_device_info info;
	uint16_t usage_page; /* of the first top-level collection */
	uint16_t usage;
};

/* Every hidraw device, one entry per node, sorted by path. */
int hm_hid_enumerate(struct hm_hid_entry **ret, size_t *ret_n);

/* The info of one node ("/dev/hidraw3") from sysfs. */
int hm_hid_info_from_path(const char *path, struct hm_device_info *info);

/* The report descriptor of one node: buf must hold HID_RDESC_MAX_SIZE bytes. */
int hm_hid_read_descriptor(const char *path, uint8_t *buf, size_t size, size_t *ret_size);
