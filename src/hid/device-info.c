/* SPDX-License-Identifier: MIT */
/* What the report descriptor says a device is. */
#include "device-info.h"
#include "hid-descriptor.h"

void hm_device_info_set_usage(struct hm_device_info *info, const uint8_t *rdesc, size_t size)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;

	if (!rdesc || size == 0 || hid_descriptor_parse(rdesc, size, &desc, NULL) < 0)
		return;
	for (unsigned i = 0; i < desc->ncollections; i++) {
		const struct hid_collection *col = &desc->collections[i];

		if (col->level != 0)
			continue;
		info->usage_page = (uint16_t)(col->usage >> 16);
		info->usage = (uint16_t)(col->usage & 0xffff);
		return;
	}
}
