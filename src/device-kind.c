/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "device-kind.h"
#include "hid-descriptor.h"
#include "util-strings.h"

#define PAGE_GENERIC_DESKTOP 0x01
#define PAGE_CONSUMER        0x0c
#define PAGE_DIGITIZERS      0x0d
#define PAGE_VENDOR_MIN      0xff00

#define U(page, id) ((uint32_t)(page) << 16 | (id))

/* The configuration vocabulary: one name per kind, in bit order. */
static const char *const kind_names[] = {
    "pointer", "mouse",    "joystick",  "gamepad",     "keyboard", "keypad", "multi-axis",
    "system",  "consumer", "digitizer", "touchscreen", "touchpad", "vendor", "other",
};

unsigned hm_kind_of_application(uint32_t usage)
{
	uint16_t page = HID_USAGE_PAGE(usage);

	switch (usage) {
	case U(PAGE_GENERIC_DESKTOP, 0x01):
		return HM_KIND_POINTER;
	case U(PAGE_GENERIC_DESKTOP, 0x02):
		return HM_KIND_MOUSE;
	case U(PAGE_GENERIC_DESKTOP, 0x04):
		return HM_KIND_JOYSTICK;
	case U(PAGE_GENERIC_DESKTOP, 0x05):
		return HM_KIND_GAMEPAD;
	case U(PAGE_GENERIC_DESKTOP, 0x06):
		return HM_KIND_KEYBOARD;
	case U(PAGE_GENERIC_DESKTOP, 0x07):
		return HM_KIND_KEYPAD;
	case U(PAGE_GENERIC_DESKTOP, 0x08):
		return HM_KIND_MULTI_AXIS;
	case U(PAGE_GENERIC_DESKTOP, 0x80):
		return HM_KIND_SYSTEM;
	case U(PAGE_CONSUMER, 0x01):
		return HM_KIND_CONSUMER;
	case U(PAGE_DIGITIZERS, 0x01):
	case U(PAGE_DIGITIZERS, 0x02):
		return HM_KIND_DIGITIZER;
	case U(PAGE_DIGITIZERS, 0x04):
		return HM_KIND_TOUCHSCREEN;
	case U(PAGE_DIGITIZERS, 0x05):
		return HM_KIND_TOUCHPAD;
	}
	if (page >= PAGE_VENDOR_MIN)
		return HM_KIND_VENDOR;
	return usage ? HM_KIND_OTHER : 0;
}

unsigned hm_kinds_from_descriptor(const uint8_t *rdesc, size_t size)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = NULL;
	unsigned kinds = 0;

	if (!rdesc || !size || hid_descriptor_parse(rdesc, size, &d, NULL) < 0)
		return 0;
	for (unsigned i = 0; i < d->ncollections; i++) {
		const struct hid_collection *c = &d->collections[i];

		if (c->level == 0 && c->type == HID_COLLECTION_APPLICATION)
			kinds |= hm_kind_of_application(c->usage);
	}
	return kinds;
}

unsigned hm_kind_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (streq(kind_names[i], name))
			return 1u << i;
	return 0;
}

const char *hm_kinds_format(unsigned kinds, char *buf, size_t size)
{
	size_t len = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++) {
		int n;

		if (!(kinds & (1u << i)))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? " " : "", kind_names[i]);
		if (n < 0 || (size_t)n >= size - len) {
			buf[len] = '\0'; /* whole names only */
			break;
		}
		len += (size_t)n;
	}
	if (!len)
		snprintf(buf, size, "-");
	return buf;
}

const char *hm_kind_names(void)
{
	static char names[256];

	if (!names[0])
		hm_kinds_format((1u << ARRAY_SIZE(kind_names)) - 1, names, sizeof(names));
	return names;
}
