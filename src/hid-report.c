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
