/* SPDX-License-Identifier: MIT */
/*
 * synth-reports: input reports for a recording that has none.
 *
 *   synth-reports IN.hid OUT.hid
 *
 * Writes OUT.hid with IN's name, ids and report descriptor, and input
 * reports generated from the descriptor's layout, so that kernel-dump can
 * ask the kernel what they mean and the data tests can replay the very same
 * reports through hidmapd.  The reports are a pure function of the
 * descriptor: regenerating gives the same file.
 *
 * The layout is read here with a deliberately small walker (globals with
 * push/pop, Input main items; usages are not needed), independent of
 * src/hid/hid-descriptor.c, whose output the kernel's answers are there to
 * check.  Logical Maximum is read as unsigned when Logical Minimum is not
 * negative, as the kernel does.
 *
 * For every input report (in ascending report ID) it produces:
 *   rest; all at minimum; all at maximum; maximum again (repeated); middle;
 *   rest; a walk over the fields (each element in turn at its maximum and at
 *   a quarter of its range, array fields through their first values);
 *   out of range above and below where the field's bits can say so; every
 *   bit set; every field 0; rest.
 * "Rest" is a released state: 0 where the range holds it, the null value
 * for fields with the Null State flag, 0 (no usage) for arrays.  Constant
 * fields stay 0.  At most MAX_PER_REPORT reports per report ID and
 * MAX_TOTAL in all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid-recording.h"
#include "util-log.h"
#include "util-mem.h"

#define MAX_FIELDS         512
#define MAX_REPORTS        256 /* report IDs 0..255 */
#define MAX_REPORT_BYTES   4096
#define MAX_WALK_ELEMENTS  16
#define MAX_PER_REPORT     160
#define MAX_TOTAL          500
#define MAX_PUSH           16
#define MAX_ONE_BIT_ACTIVE 16

#define INPUT_CONSTANT   0x01
#define INPUT_VARIABLE   0x02
#define INPUT_NULL_STATE 0x40

struct field {
	unsigned report_id;
	unsigned bit_offset; /* after the report ID byte */
	unsigned size, count;
	int64_t lmin, lmax;
	unsigned flags;
};

struct globals {
	int64_t lmin;
	uint32_t lmax_raw;
	unsigned lmax_size;
	unsigned size, count, report_id;
};

struct layout {
	struct field fields[MAX_FIELDS];
	size_t nfields;
	unsigned bits[MAX_REPORTS]; /* input report length in bits, per ID */
	bool numbered;
};

static int64_t sign_extend(uint32_t v, unsigned size)
{
	if (size == 1)
		return (int8_t)v;
	if (size == 2)
		return (int16_t)v;
	if (size == 4)
		return (int32_t)v;
	return 0;
}

static int parse_layout(const uint8_t *d, size_t n, struct layout *l)
{
	struct globals g = {0}, stack[MAX_PUSH];
	unsigned depth = 0;
	size_t i = 0;

	while (i < n) {
		uint8_t prefix = d[i++];
		unsigned size, type, tag;
		uint32_t v = 0;

		if (prefix == 0xfe) { /* long item: skip */
			if (i + 2 > n)
				return -EINVAL;
			size = d[i];
			i += 2 + size;
			continue;
		}
		size = prefix & 3;
		if (size == 3)
			size = 4;
		type = (prefix >> 2) & 3;
		tag = prefix >> 4;
		if (i + size > n)
			return -EINVAL;
		for (unsigned b = 0; b < size; b++)
			v |= (uint32_t)d[i + b] << (8 * b);
		i += size;

		if (type == 1) { /* global */
			switch (tag) {
			case 0x1:
				g.lmin = sign_extend(v, size);
				break;
			case 0x2:
				g.lmax_raw = v;
				g.lmax_size = size;
				break;
			case 0x7:
				g.size = v;
				break;
			case 0x8:
				if (v == 0 || v >= MAX_REPORTS)
					return -EINVAL;
				g.report_id = v;
				l->numbered = true;
				break;
			case 0x9:
				g.count = v;
				break;
			case 0xa:
				if (depth == MAX_PUSH)
					return -EINVAL;
				stack[depth++] = g;
				break;
			case 0xb:
				if (depth == 0)
					return -EINVAL;
				g = stack[--depth];
				break;
			default:
				break;
			}
		} else if (type == 0 && tag == 0x8) { /* Input */
			struct field *f;
			uint64_t bits = (uint64_t)g.size * g.count;

			if (bits == 0)
				continue;
			if (l->bits[g.report_id] + bits > MAX_REPORT_BYTES * 8)
				return -E2BIG;
			if (l->nfields == MAX_FIELDS)
				return -E2BIG;
			f = &l->fields[l->nfields++];
			*f = (struct field){
			    .report_id = g.report_id,
			    .bit_offset = l->bits[g.report_id],
			    .size = g.size,
			    .count = g.count,
			    .lmin = g.lmin,
			    .lmax = g.lmin < 0 ? sign_extend(g.lmax_raw, g.lmax_size)
			                       : (int64_t)g.lmax_raw,
			    .flags = v,
			};
			l->bits[g.report_id] += (unsigned)bits;
		}
		/* locals, collections, Output and Feature do not change the input layout */
	}
	return 0;
}

/* Can the field's bits carry v, in the signedness its range implies? */
static bool representable(const struct field *f, int64_t v)
{
	unsigned s = f->size > 32 ? 32 : f->size;

	if (f->lmin < 0)
		return v >= -((int64_t)1 << (s - 1)) && v < ((int64_t)1 << (s - 1));
	return v >= 0 && v < ((int64_t)1 << s);
}

static int64_t rest_value(const struct field *f)
{
	if (!(f->flags & INPUT_VARIABLE))
		return 0; /* arrays: 0 is "no usage" or out of range, both mean none */
	if (f->flags & INPUT_NULL_STATE) {
		if (representable(f, f->lmax + 1))
			return f->lmax + 1;
		if (representable(f, f->lmin - 1))
			return f->lmin - 1;
	}
	if (f->lmin <= 0 && f->lmax >= 0)
		return 0;
	return f->lmin;
}

static void put_bits(uint8_t *buf, unsigned offset, unsigned size, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (unsigned b = 0; b < size; b++) {
		unsigned bit = offset + b;
		/* beyond 32 bits the kernel reads no value: fill with the sign */
		bool set = b < 64 ? (u >> b) & 1 : v < 0;

		if (set)
			buf[bit / 8] |= (uint8_t)(1u << (bit % 8));
		else
			buf[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
	}
}

enum fill { FILL_REST, FILL_MIN, FILL_MAX, FILL_MID, FILL_ABOVE, FILL_BELOW, FILL_ONES, FILL_ZERO };

static int64_t fill_value(const struct field *f, enum fill how)
{
	switch (how) {
	case FILL_MIN:
		return f->lmin;
	case FILL_MAX:
		return f->lmax;
	case FILL_MID:
		return f->lmin + (f->lmax - f->lmin) / 2;
	case FILL_ABOVE:
		return representable(f, f->lmax + 1) ? f->lmax + 1 : f->lmax;
	case FILL_BELOW:
		return representable(f, f->lmin - 1) ? f->lmin - 1 : f->lmin;
	case FILL_ONES: /* every bit set: -1, or the largest the bits hold */
		return f->lmin < 0 ? -1
		                   : (int64_t)((UINT64_C(1) << (f->size > 32 ? 32 : f->size)) - 1);
	case FILL_ZERO:
		return 0;
	case FILL_REST:
	default:
		return rest_value(f);
	}
}

struct out {
	FILE *f;
	unsigned total, this_report;
	uint64_t time_us;
};

static void emit(struct out *o, const uint8_t *buf, size_t len)
{
	if (o->total >= MAX_TOTAL || o->this_report >= MAX_PER_REPORT)
		return;
	hm_recording_write_event(o->f, o->time_us, buf, len);
	o->time_us += 10000; /* 100 Hz */
	o->total++;
	o->this_report++;
}

/*
 * The report with every non-constant field filled the same way.  Of the
 * one-bit elements (buttons, key bitmaps) only the first MAX_ONE_BIT_ACTIVE
 * leave rest: a frame with a hundred keys overflows the evdev client
 * buffer (sized for the device's axes, not its keys), and SYN_DROPPED is
 * no answer to compare with.
 */
static void build(const struct layout *l, unsigned id, enum fill how, uint8_t *buf, size_t len)
{
	size_t hdr = l->numbered ? 1 : 0;
	unsigned one_bit = 0;

	memset(buf, 0, len);
	if (l->numbered)
		buf[0] = (uint8_t)id;
	for (size_t i = 0; i < l->nfields; i++) {
		const struct field *f = &l->fields[i];

		if (f->report_id != id || (f->flags & INPUT_CONSTANT))
			continue;
		for (unsigned k = 0; k < f->count; k++) {
			int64_t v = fill_value(f, how);

			if (f->size == 1 && (f->flags & INPUT_VARIABLE) && v != rest_value(f) &&
			    one_bit++ >= MAX_ONE_BIT_ACTIVE)
				v = rest_value(f);
			put_bits(buf + hdr, f->bit_offset + k * f->size, f->size, v);
		}
	}
}

static void set_element(const struct layout *l, uint8_t *buf, const struct field *f, unsigned k,
                        int64_t v)
{
	put_bits(buf + (l->numbered ? 1 : 0), f->bit_offset + k * f->size, f->size, v);
}

static void synth_report(const struct layout *l, unsigned id, struct out *o)
{
	size_t len = (l->bits[id] + 7) / 8 + (l->numbered ? 1 : 0);
	uint8_t buf[MAX_REPORT_BYTES + 1];
	static const enum fill opening[] = {FILL_REST, FILL_MIN, FILL_MAX,
	                                    FILL_MAX,  FILL_MID, FILL_REST};

	o->this_report = 0;
	for (size_t i = 0; i < ARRAY_SIZE(opening); i++) {
		build(l, id, opening[i], buf, len);
		emit(o, buf, len);
	}

	/* the walk: one element at a time away from rest */
	for (size_t i = 0; i < l->nfields; i++) {
		const struct field *f = &l->fields[i];

		if (f->report_id != id || (f->flags & INPUT_CONSTANT))
			continue;
		if (f->flags & INPUT_VARIABLE) {
			for (unsigned k = 0; k < f->count; k++) {
				if (k >= MAX_WALK_ELEMENTS && k != f->count - 1)
					continue;
				build(l, id, FILL_REST, buf, len);
				set_element(l, buf, f, k, f->lmax);
				emit(o, buf, len);
				if (f->lmax - f->lmin > 1) {
					set_element(l, buf, f, k,
					            f->lmin + (f->lmax - f->lmin) / 4);
					emit(o, buf, len);
				}
			}
		} else {
			/* arrays: the first values of the range, then the last */
			for (int64_t j = 0; j <= MAX_WALK_ELEMENTS; j++) {
				int64_t v = j < MAX_WALK_ELEMENTS ? f->lmin + j : f->lmax;

				if (v > f->lmax || (j == MAX_WALK_ELEMENTS &&
				                    f->lmax < f->lmin + MAX_WALK_ELEMENTS))
					break;
				build(l, id, FILL_REST, buf, len);
				set_element(l, buf, f, 0, v);
				emit(o, buf, len);
			}
		}
		build(l, id, FILL_REST, buf, len);
		emit(o, buf, len);
	}

	build(l, id, FILL_ABOVE, buf, len);
	emit(o, buf, len);
	build(l, id, FILL_BELOW, buf, len);
	emit(o, buf, len);
	build(l, id, FILL_ONES, buf, len);
	emit(o, buf, len);
	build(l, id, FILL_ZERO, buf, len);
	emit(o, buf, len);
	build(l, id, FILL_REST, buf, len);
	emit(o, buf, len);
}

int main(int argc, char **argv)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_free_ struct layout *l = NULL;
	struct out o = {0};
	const char *src;
	int r;

	if (argc != 3) {
		fprintf(stderr, "Usage: synth-reports IN.hid OUT.hid\n");
		return 2;
	}
	r = hm_recording_load(argv[1], &rec);
	if (r < 0)
		return 1;
	l = zalloc(sizeof(*l));
	if (!l)
		return log_error_errno(ENOMEM, "out of memory"), 1;
	r = parse_layout(rec->rdesc, rec->rdesc_size, l);
	if (r < 0)
		log_warning_errno(r,
		                  "%s: report descriptor not walked to the end (%m), "
		                  "generating reports for what was read",
		                  argv[1]);

	o.f = fopen(argv[2], "we");
	if (!o.f)
		return log_error_errno(errno, "%s: %m", argv[2]), 1;
	/* name the source by its corpus path, without the machine's prefix */
	src = strstr(argv[1], "corpus/");
	fprintf(o.f,
	        "# synthetic input reports for %s, made by tests/vm/synth-reports from its "
	        "report descriptor\n",
	        src ? src : argv[1]);
	hm_recording_write_header(o.f, rec->name ? rec->name : "", rec->bus, rec->vendor,
	                          rec->product, rec->rdesc, rec->rdesc_size);
	for (unsigned id = 0; id < MAX_REPORTS; id++) {
		if (l->bits[id] == 0)
			continue;
		if ((id == 0) == l->numbered)
			continue; /* fields before the first Report ID of a numbered device */
		synth_report(l, id, &o);
	}
	if (fclose(o.f) != 0)
		return log_error_errno(errno, "%s: %m", argv[2]), 1;
	fprintf(stderr, "synth-reports: %s: %u reports\n", argv[2], o.total);
	return 0;
}
