/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "overflow.h"

bool hm_ratelimit_test(struct hm_ratelimit *rl, uint64_t now_us, uint64_t *ret_suppressed)
{
	if (!rl->begin_us || now_us - rl->begin_us >= rl->interval_us) {
		rl->begin_us = now_us ? now_us : 1;
		rl->n = 0;
	}
	if (rl->n < rl->burst) {
		rl->n++;
		if (ret_suppressed)
			*ret_suppressed = rl->suppressed;
		rl->suppressed = 0;
		return true;
	}
	rl->suppressed++;
	return false;
}

void hm_overflow_init(struct hm_overflow *o, unsigned buffer)
{
	*o = (struct hm_overflow){.buffer = buffer};
}

bool hm_overflow_read(struct hm_overflow *o, uint8_t id)
{
	o->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	if (++o->run != o->buffer)
		return false;
	o->suspect = true;
	o->overflows++;
	return true;
}

bool hm_overflow_drained(struct hm_overflow *o)
{
	o->run = 0;
	return hm_overflow_resync_due(o);
}

bool hm_overflow_resync_due(const struct hm_overflow *o)
{
	/* a full buffer seen during a resync is asked about again once
	 * that one is done: its questions may have come before the loss */
	return o->suspect && !o->resyncing && !o->mute;
}

bool hm_overflow_release_due(struct hm_overflow *o)
{
	if (!o->mute || !o->suspect)
		return false;
	o->suspect = false;
	o->releases++;
	return true;
}

void hm_overflow_resync_started(struct hm_overflow *o)
{
	o->suspect = false;
	o->resyncing = true;
	memset(o->seen, 0, sizeof(o->seen));
}

bool hm_overflow_answer(struct hm_overflow *o, uint8_t id)
{
	if (o->seen[id / 8] & (1u << (id % 8))) {
		o->stale++;
		return false;
	}
	o->resyncs++;
	return true;
}

void hm_overflow_resync_done(struct hm_overflow *o, bool answered)
{
	o->resyncing = false;
	if (!answered)
		o->mute = true;
}

int hm_report_clear_relative(const struct hid_descriptor *d, uint8_t *data, size_t size)
{
	const struct hid_report *r;
	uint8_t *payload = data;
	size_t payload_size = size;
	int n = 0;

	if (!size)
		return -EINVAL;
	if (d->numbered) {
		r = hid_descriptor_find_report(d, HID_INPUT_REPORT, data[0]);
		payload++;
		payload_size--;
	} else {
		r = hid_descriptor_find_report(d, HID_INPUT_REPORT, 0);
	}
	if (!r)
		return -EINVAL;
	for (unsigned i = 0; i < r->nfields; i++) {
		const struct hid_field *f = &d->fields[r->fields[i]];
		uint64_t first = f->bit_offset, end;

		if ((f->flags & (HID_MAIN_ITEM_VARIABLE | HID_MAIN_ITEM_RELATIVE)) !=
		    (HID_MAIN_ITEM_VARIABLE | HID_MAIN_ITEM_RELATIVE))
			continue;
		end = first + (uint64_t)f->report_size * f->report_count;
		for (uint64_t bit = first; bit < end && bit / 8 < payload_size; bit++)
			payload[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
		n++;
	}
	return n;
}
