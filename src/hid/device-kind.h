/* SPDX-License-Identifier: MIT */
/*
 * What kind of device a HID device is, from the usages of its top-level
 * application collections (HID Usage Tables: Generic Desktop 0x01,
 * Consumer 0x0C, Digitizers 0x0D).  A device may be several kinds at once:
 * many keyboards are also a consumer control and a system control.
 * Used by `match-type =` in the configuration and by `hidmapd list`.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum hm_kind {
	HM_KIND_POINTER = 1u << 0,      /* Generic Desktop Pointer */
	HM_KIND_MOUSE = 1u << 1,        /* Generic Desktop Mouse */
	HM_KIND_JOYSTICK = 1u << 2,     /* Generic Desktop Joystick */
	HM_KIND_GAMEPAD = 1u << 3,      /* Generic Desktop Gamepad */
	HM_KIND_KEYBOARD = 1u << 4,     /* Generic Desktop Keyboard */
	HM_KIND_KEYPAD = 1u << 5,       /* Generic Desktop Keypad */
	HM_KIND_MULTI_AXIS = 1u << 6,   /* Generic Desktop Multi-axis Controller (3D mice) */
	HM_KIND_SYSTEM = 1u << 7,       /* Generic Desktop System Control */
	HM_KIND_CONSUMER = 1u << 8,     /* Consumer Control (media keys, jog dials) */
	HM_KIND_DIGITIZER = 1u << 9,    /* Digitizers: Digitizer, Pen */
	HM_KIND_TOUCHSCREEN = 1u << 10, /* Digitizers Touch Screen */
	HM_KIND_TOUCHPAD = 1u << 11,    /* Digitizers Touch Pad */
	HM_KIND_VENDOR = 1u << 12,      /* a vendor-defined usage page (0xFF00-0xFFFF) */
	HM_KIND_OTHER = 1u << 13,       /* any other application usage */
};

/* The kinds of the application usage u (page << 16 | id), 0 if none. */
unsigned hm_kind_of_application(uint32_t usage);

/* The kinds of a device from its report descriptor; 0 when it declares no
 * application collection or does not parse. */
unsigned hm_kinds_from_descriptor(const uint8_t *rdesc, size_t size);

/* The bit for a configuration name ("gamepad"), 0 if unknown. */
unsigned hm_kind_from_name(const char *name);

/* Writes the names of kinds, space-separated ("keyboard consumer"), or "-". */
const char *hm_kinds_format(unsigned kinds, char *buf, size_t size);

/* Every name, space-separated, for error messages. */
const char *hm_kind_names(void);
