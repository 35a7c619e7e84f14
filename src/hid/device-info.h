/* SPDX-License-Identifier: MIT */
/*
 * Who a HID device is: its ids, names and what its descriptor says it is.
 * Filled by enumeration (hid-devices.h) or from a recording, matched by the
 * config's [device] sections and the modules' id tables.  It depends on
 * nothing else of hidmapd, so that enumeration, the config and the CLI can
 * name a device without the module interface (module.h); device-info.c
 * reads the descriptor with hid-descriptor.h, of the same layer.  The id
 * tables that match devices are of this layer too: modules and layouts
 * both list their devices in them.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Bus types as in linux/input.h (BUS_USB 0x03, BUS_BLUETOOTH 0x05, ...). */
#define HM_BUS_ANY 0

struct hm_device_info {
	uint16_t bus;
	uint16_t vendor;
	uint16_t product;
	uint16_t version;
	char name[128];  /* the kernel's HID name (uevent HID_NAME) */
	char serial[64]; /* HID_UNIQ, may be empty */
	char path[64];   /* "/dev/hidrawN", or a recording's file name */
	int interface;   /* USB interface number, -1 if unknown */
	unsigned kinds;  /* enum hm_kind bits from the report descriptor, 0 if unknown */
	/* the first top-level collection's usage page and usage, 0 if unknown
	 * (the device core fills them from the descriptor) */
	uint16_t usage_page;
	uint16_t usage;
};

/* What an id entry asks beyond bus/vendor/product (match_flags bits), as
 * SDL's IsSupportedDevice looks at the interface and usage page. */
#define HM_MATCH_INTERFACE  (1u << 0) /* info.interface == interface */
#define HM_MATCH_USAGE_PAGE (1u << 1) /* usage page of the first top-level collection */
#define HM_MATCH_USAGE      (1u << 2) /* its usage (within the page) */

/* An entry of an id table (a module's, a layout's match ids), as the
 * kernel's struct hid_device_id. */
struct hm_device_id {
	uint16_t bus; /* HM_BUS_ANY matches every bus */
	uint16_t vendor;
	uint16_t product;
	uint8_t match_flags; /* HM_MATCH_* predicates, 0: vendor/product alone */
	uint8_t interface;   /* with HM_MATCH_INTERFACE: USB bInterfaceNumber */
	uint16_t usage_page; /* with HM_MATCH_USAGE_PAGE */
	uint16_t usage;      /* with HM_MATCH_USAGE */
	/* Model flags or data for the module, as the kernel's
	 * hid_device_id.driver_data: probe reads it from dev->id. */
	uintptr_t driver_data;
};
/* The start of an id entry, as the kernel's HID_DEVICE():
 * {HM_DEVICE(HM_BUS_ANY, 0x0b33, 0x0020), .driver_data = ...} */
#define HM_DEVICE(b, v, p) .bus = (b), .vendor = (v), .product = (p)

/* Sets info's usage_page and usage from the first top-level collection of
 * the report descriptor (left 0 when it does not parse or has none). */
void hm_device_info_set_usage(struct hm_device_info *info, const uint8_t *rdesc, size_t size);
