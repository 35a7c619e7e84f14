/* SPDX-License-Identifier: MIT */
/*
 * The report-field layer: what the kernel's hid-core does with a report
 * once the descriptor is parsed (drivers/hid/hid-core.c), for any module
 * that decodes from a report descriptor (the generic module, a quirk or
 * vendor module built on struct hid_descriptor):
 *
 *   hid_report_bytes()      a report's payload size (hid_compute_report_size())
 *   hid_report_index()      the report a received report is, by its ID
 *                           (hid_get_report())
 *   hid_field_fetch()       a field's values out of a payload
 *                           (hid_input_fetch_field()), reading the common
 *                           byte-aligned 8/16-bit and 1-bit layouts directly
 *   hid_array_diff()        which usages of an Array field were released and
 *                           pressed between two reports
 *                           (hid_input_array_field()), O(count)
 *   hid_field_put()         a field's values into an output or feature
 *                           report's payload (hid_output_field())
 *   hid_s32ton()/hid_snto32()  values into and out of n bits (output reports)
 *
 * Nothing here allocates: it runs for every report.  The per-report
 * functions are inline, as they sit on the decode path.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hid-constants.h"
#include "hid-descriptor.h"

/* hid_compute_report_size(): payload bytes of r, without the ID byte. */
static inline size_t hid_report_bytes(const struct hid_report *r)
{
	return r->size_bits ? ((r->size_bits - 1) >> 3) + 1 : 0;
}

/*
 * hid_get_report(): the index into d->reports of the report of type that
 * data (size > 0 bytes, as received) is; numbered: the device numbers its
 * reports of this type (data[0] is the ID).  -1: no such report (the
 * kernel's "undefined report_id").
 */
static inline int hid_report_index(const struct hid_descriptor *d, enum hid_report_type type,
                                   bool numbered, const uint8_t *data)
{
	return d->report_index[type][numbered ? data[0] : 0];
}

/* s32ton(): a signed value into n bits, saturated. */
uint32_t hid_s32ton(int32_t value, unsigned n);
/* snto32(): n bits as a signed value. */
int32_t hid_snto32(uint32_t value, unsigned n);

/*
 * hid_output_field(): f's report_count values into payload (size bytes,
 * without the ID byte, zeroed by the caller for a whole report), saturated
 * into the field's bits when the logical minimum is negative, masked to
 * them otherwise (implement()).
 */
void hid_field_put(const struct hid_field *f, uint8_t *payload, size_t size, const int32_t *values);

/* hid_array_value_is_valid(): value - logical minimum indexes f's usages. */
static inline bool hid_array_value_is_valid(const struct hid_field *f, int32_t value)
{
	return value >= f->logical_minimum && value <= f->logical_maximum &&
	       (uint32_t)value - (uint32_t)f->logical_minimum < f->maxusage;
}

/*
 * hid_input_fetch_field(): f's report_count values out of payload (size
 * bytes, without the ID byte) into values, sign-extended when the logical
 * minimum is negative.  Returns false when f is an Array field holding
 * ErrorRollOver (Keyboard page 0x01): the kernel then ignores the field in
 * this report, and values holds only those read up to it.
 */
static inline bool hid_field_fetch(const struct hid_field *f, const uint8_t *payload, size_t size,
                                   int32_t *values)
{
	/* the common layouts read directly when the whole field is in the
	 * payload: the same values as hid_field_get_value() */
	bool inside = (uint64_t)f->bit_offset + (uint64_t)f->report_count * f->report_size <=
	              (uint64_t)size * 8;
	bool aligned = inside && f->bit_offset % 8 == 0;
	bool sign = f->logical_minimum < 0;

	for (unsigned n = 0; n < f->report_count; n++) {
		int32_t v;

		if (aligned && f->report_size == 8) {
			uint8_t b = payload[f->bit_offset / 8 + n];

			v = sign ? (int8_t)b : b;
		} else if (inside && f->report_size == 1) {
			uint32_t bit = f->bit_offset + n;

			v = payload[bit / 8] >> (bit % 8) & 1;
			if (sign)
				v = -v;
		} else if (aligned && f->report_size == 16) {
			const uint8_t *p = payload + f->bit_offset / 8 + 2 * n;
			uint16_t w = (uint16_t)(p[0] | p[1] << 8);

			v = sign ? (int16_t)w : w;
		} else {
			v = hid_field_get_value(f, payload, size, n);
		}

		values[n] = v;
		if (!(f->flags & HID_MAIN_ITEM_VARIABLE) && hid_array_value_is_valid(f, v) &&
		    f->usage[(uint32_t)v - (uint32_t)f->logical_minimum].hid ==
		        HID_KEYBOARD_ERRORROLLOVER)
			return false;
	}
	return true;
}

/*
 * hid_input_array_field()'s comparison: for each slot n of the Array field
 * f, old[n]'s usage is released if no slot of now holds it, then now[n]'s
 * pressed if no slot of old held it: event(data, usage_index, 0 or 1), the
 * usage index being into f->usage.  Does nothing when old and now are the
 * same.  The caller then copies now into old.
 *
 * The kernel's search() makes this O(count^2): 12,288 one-bit slots cost
 * 73 ms a report.  Here "is usage u in the other array" is a bit in a map
 * indexed by usage (valid values index the usages, so the map is exact);
 * the bits set are cleared again on the way out, so the maps stay zero
 * between calls and each report costs O(count).  Small arrays (a
 * keyboard's 6 slots) keep the plain search, cheaper than the maps.
 */
#define HID_ARRAY_SEARCH_MAX 16
extern _Thread_local uint8_t hid_array_in_old[HID_MAX_USAGES / 8],
    hid_array_in_new[HID_MAX_USAGES / 8];

static inline bool hid_array_contains_(const int32_t *array, unsigned n, int32_t value)
{
	for (unsigned i = 0; i < n; i++)
		if (array[i] == value)
			return true;
	return false;
}

static inline void hid_array_diff(const struct hid_field *f, const int32_t *old, const int32_t *now,
                                  void (*event)(void *, unsigned, int32_t), void *data)
{
	unsigned count = f->report_count;
	bool maps = count > HID_ARRAY_SEARCH_MAX && f->maxusage <= HID_MAX_USAGES;
	uint32_t lmin = (uint32_t)f->logical_minimum;

	/* the same slots as the last report: no usage is gone or new */
	if (!memcmp(old, now, count * sizeof(*old)))
		return;
	if (maps) {
		for (unsigned n = 0; n < count; n++) {
			if (hid_array_value_is_valid(f, old[n])) {
				uint32_t u = (uint32_t)old[n] - lmin;

				hid_array_in_old[u / 8] |= (uint8_t)(1u << (u % 8));
			}
			if (hid_array_value_is_valid(f, now[n])) {
				uint32_t u = (uint32_t)now[n] - lmin;

				hid_array_in_new[u / 8] |= (uint8_t)(1u << (u % 8));
			}
		}
	}
	for (unsigned n = 0; n < count; n++) {
		int32_t o = old[n], v = now[n];

		if (hid_array_value_is_valid(f, o) &&
		    !(maps ? (hid_array_in_new[((uint32_t)o - lmin) / 8] >>
		              (((uint32_t)o - lmin) % 8)) &
		                 1
		           : hid_array_contains_(now, count, o)))
			event(data, (uint32_t)o - lmin, 0);
		if (hid_array_value_is_valid(f, v) &&
		    !(maps ? (hid_array_in_old[((uint32_t)v - lmin) / 8] >>
		              (((uint32_t)v - lmin) % 8)) &
		                 1
		           : hid_array_contains_(old, count, v)))
			event(data, (uint32_t)v - lmin, 1);
	}
	if (maps) {
		for (unsigned n = 0; n < count; n++) {
			if (hid_array_value_is_valid(f, old[n]))
				hid_array_in_old[((uint32_t)old[n] - lmin) / 8] = 0;
			if (hid_array_value_is_valid(f, now[n]))
				hid_array_in_new[((uint32_t)now[n] - lmin) / 8] = 0;
		}
	}
}
