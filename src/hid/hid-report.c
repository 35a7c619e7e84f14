/* SPDX-License-Identifier: MIT */
/* The report-field layer (hid-report.h): the parts that are not inline. */
#include "hid-report.h"

_Thread_local uint8_t hid_array_in_old[HID_MAX_USAGES / 8], hid_array_in_new[HID_MAX_USAGES / 8];

uint32_t hid_s32ton(int32_t value, unsigned n)
{
	int32_t a;

	if (n >= 32)
		return (uint32_t)value;
	if (n == 0)
		return 0; /* a Report Size 0 field holds nothing */
	a = value >> (n - 1);
	if (a && a != -1)
		return value < 0 ? 1u << (n - 1) : (1u << (n - 1)) - 1;
	return (uint32_t)value & ((1u << n) - 1);
}

int32_t hid_snto32(uint32_t value, unsigned n)
{
	if (!value || !n)
		return 0;
	if (n >= 32)
		return (int32_t)value;
	return (int32_t)(value & (1u << (n - 1)) ? value | (~0u << n) : value);
}

void hid_field_put(const struct hid_field *f, uint8_t *payload, size_t size, const int32_t *values)
{
	for (unsigned k = 0; k < f->report_count; k++) {
		uint32_t v = f->logical_minimum < 0 ? hid_s32ton(values[k], f->report_size)
		                                    : (uint32_t)values[k];
		uint64_t offset = (uint64_t)f->bit_offset + (uint64_t)k * f->report_size;

		/* implement() masks what does not fit */
		hid_put_bits(payload, size, (uint32_t)offset, f->report_size, v);
	}
}
