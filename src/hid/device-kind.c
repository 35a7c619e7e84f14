/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "device-kind.h"
#include "hid-constants.h"
#include "hid-descriptor.h"
#include "util-strings.h"

/* The configuration vocabulary, in bit order (enum hm_kind), with the
 * application usages (HID Usage Tables) each name stands for. */
static const struct {
	const char *name;
	uint32_t usages[2]; /* 0: unused */
} kind_table[] = {
    {"pointer", {HID_GD_POINTER}},
    {"mouse", {HID_GD_MOUSE}},
    {"joystick", {HID_GD_JOYSTICK}},
    {"gamepad", {HID_GD_GAMEPAD}},
    {"keyboard", {HID_GD_KEYBOARD}},
    {"keypad", {HID_GD_KEYPAD}},
    {"multi-axis", {HID_GD_MULTIAXIS}},
    {"system", {HID_GD_SYSTEM_CONTROL}},
    {"consumer", {HID_CP_CONSUMER_CONTROL}},
    {"digitizer", {HID_DG_DIGITIZER, HID_DG_PEN}},
    {"touchscreen", {HID_DG_TOUCHSCREEN}},
    {"touchpad", {HID_DG_TOUCHPAD}},
    {"vendor", {0}}, /* by page, below */
    {"other", {0}},
};

unsigned hm_kind_of_application(uint32_t usage)
{
	if (!usage)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(kind_table); i++)
		for (size_t j = 0; j < ARRAY_SIZE(kind_table[i].usages); j++)
			if (kind_table[i].usages[j] == usage)
				return 1u << i;
	if (HID_USAGE_PAGE(usage) >= HID_PAGE_VENDOR_FIRST)
		return HM_KIND_VENDOR;
	return HM_KIND_OTHER;
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
	for (size_t i = 0; i < ARRAY_SIZE(kind_table); i++)
		if (streq(kind_table[i].name, name))
			return 1u << i;
	return 0;
}

const char *hm_kinds_format(unsigned kinds, char *buf, size_t size)
{
	size_t len = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(kind_table); i++) {
		int n;

		if (!(kinds & (1u << i)))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? " " : "", kind_table[i].name);
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
		hm_kinds_format((1u << ARRAY_SIZE(kind_table)) - 1, names, sizeof(names));
	return names;
}
