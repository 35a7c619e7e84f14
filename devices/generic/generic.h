/* SPDX-License-Identifier: MIT */
/*
 * The generic module's internals, exposed for its unit tests.
 *
 * The module reproduces what Linux 6.1.y (Debian 12) does with a HID
 * device bound to hid-generic: hid-input's usage mapping (drivers/hid/hid-input.c,
 * hidinput_configure_usage()), the split into one input device per
 * application (hidinput_connect(), HID_QUIRK_INPUT_PER_APP), and
 * hid-core's report processing (hid_process_report() and friends) feeding
 * hidinput_hid_event().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hid-descriptor.h"

struct hm_device;

/* What hid-input's usage switch makes of one usage, before the per-device
 * state (duplicates, D-pad, touch emulation) is considered. */
enum hm_generic_map_flags {
	/* map_*_clear(): the code is cleared before the duplicate check, so
	 * several usages may share it (e.g. Keyboard \ and Non-US #). */
	HM_GENERIC_MAP_CLEAR = 1 << 0,
	/* set_bit(EV_REP): keyboard-like page, even when the usage is ignored */
	HM_GENERIC_MAP_REP = 1 << 1,
	/* Digitizer page usage in a Digitizer application: INPUT_PROP_POINTER */
	HM_GENERIC_MAP_PROP_POINTER = 1 << 2,
	/* Digitizer page usage in a Pen application: INPUT_PROP_DIRECT */
	HM_GENERIC_MAP_PROP_DIRECT = 1 << 3,
	/* Tip Pressure: emulates BTN_TOUCH unless the device has a touch usage */
	HM_GENERIC_MAP_TIP_PRESSURE = 1 << 4,
	/* Touch / Tip Switch: the device reports touch itself */
	HM_GENERIC_MAP_TOUCH = 1 << 5,
	/* Hat Switch: value decoded into ABS_HAT0X/Y through the hat table */
	HM_GENERIC_MAP_HAT = 1 << 6,
	/* Wireless Radio Controls button: the field is treated as relative
	 * (press and release in one report) */
	HM_GENERIC_MAP_FORCE_RELATIVE = 1 << 7,
	/* Battery strength: the kernel feeds a power_supply, no input event */
	HM_GENERIC_MAP_BATTERY = 1 << 8,
	/* GD Up/Down/Right/Left: hat_dir is set; only the first one of a field
	 * is kept (the kernel's field->dpad) */
	HM_GENERIC_MAP_DPAD = 1 << 9,
	/* Eraser: brings BTN_TOOL_RUBBER along; without an Invert usage the
	 * eraser sets and releases the tool itself (HID_QUIRK_NOINVERT) */
	HM_GENERIC_MAP_ERASER = 1 << 10,
	/* Invert: the device has Invert, the eraser does not drive the tool */
	HM_GENERIC_MAP_INVERT = 1 << 11,
};

struct hm_generic_map {
	uint16_t type; /* EV_KEY, EV_REL, EV_ABS, EV_LED, EV_MSC; 0: ignored */
	uint16_t code;
	uint32_t flags;     /* enum hm_generic_map_flags */
	uint8_t hat_dir;    /* D-pad direction, 1 (up) .. 8 clockwise, index of the hat table */
	const char *reason; /* why: which rule of hid-input gave this result (static string,
	                       for `hidmapd describe`; decoding never reads it) */
};

/*
 * The kernel's mapping of usage (page << 16 | id) found in field f, as
 * hidinput_configure_usage() computes it for hid-generic.  collection is
 * the collection of the field's first usage (for the Consumer
 * Programmable Buttons named array), or NULL.  Covers the field-level
 * checks too (constant fields, output fields other than LEDs).  The
 * result's type is 0 when the kernel ignores the usage.
 */
void hm_generic_map_usage(const struct hid_field *f, uint32_t usage,
                          const struct hid_collection *collection, struct hm_generic_map *ret);

/* Keyboard/Keypad page usage ID -> key code as the kernel's hid_keyboard[];
 * 0 when the kernel ignores it, KEY_UNKNOWN for IDs it has no key for. */
unsigned hm_generic_keyboard_code(uint16_t id);

/* hidinput_calc_abs_res(): the resolution of an absolute axis in units per
 * mm (X/Y/Z) or per radian (RX/RY/RZ, wheel, tilt), 0 when unknown. */
int32_t hm_generic_calc_abs_res(const struct hid_field *f, unsigned code);

/*
 * The hat switch decoding of hidinput_hid_event(): value of a hat whose
 * logical range is min..max to the ABS_HAT0X/ABS_HAT0Y pair, (0, 0) for a
 * value outside the 8 directions.
 */
void hm_generic_hat_to_axes(int32_t value, int32_t min, int32_t max, int *ret_x, int *ret_y);

/*
 * For `hidmapd describe`: the input devices the module creates for this
 * descriptor (named after name, the device's HID name), then every field
 * and usage with the evdev code it maps to and the hid-input rule that
 * decided it (or why it is ignored: padding, duplicate, vendor page...).
 * Runs probe's own mapping, without a device; writes to f.
 */
void hm_generic_describe(const char *name, const uint8_t *rdesc, size_t size, FILE *f);

/*
 * Quirk modules: the generic module plus the hooks of struct hm_module
 * (report_fixup, input_mapping, raw_event), as a kernel driver that
 * leaves the rest to hid-generic/hid-input.  A quirk module is written as
 *
 *	const struct hm_module hm_module_foo = {
 *	    HM_GENERIC_QUIRK("foo", "what it fixes"),
 *	    .id_table = foo_ids,
 *	    .report_fixup = foo_report_fixup,
 *	};
 *
 * and reuses the generic probe, decode, output and remove; the generic
 * code runs the hooks of the module that drives the device.
 */
int hm_generic_probe(struct hm_device *dev);
int hm_generic_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us);
int hm_generic_output(struct hm_device *dev, unsigned output, unsigned type, unsigned code,
                      int value);
void hm_generic_remove(struct hm_device *dev);
/* The generic module's state fits in this (checked where it is defined). */
#define HM_GENERIC_PRIV_SIZE 256u
#define HM_GENERIC_QUIRK(n, d)                                                                     \
	.name = (n), .description = (d), .priv_size = HM_GENERIC_PRIV_SIZE,                        \
	.probe = hm_generic_probe, .decode = hm_generic_decode, .output = hm_generic_output,       \
	.remove = hm_generic_remove
