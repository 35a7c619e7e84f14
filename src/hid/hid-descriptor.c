/* SPDX-License-Identifier: MIT */
/*
 * HID report descriptor parser.
 *
 * The rules follow drivers/hid/hid-core.c of Linux 6.1 (hid_open_report()
 * and the hid_parser_* functions it dispatches to), because the decoders
 * built on this must see the same fields, offsets and usages as hid-input.
 * Where this parser is stricter than the kernel (nesting and count limits)
 * it says so next to the check.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "hid-descriptor.h"
#include "util-log.h"

/* The kernel rejects a Report Size above this (hid_parser_global). */
#define KERNEL_MAX_REPORT_SIZE 256u

/* Kernel HID_MAX_FIELDS: fields per report; hid_register_field() drops
 * the ones beyond it without failing the parse. */
#define KERNEL_MAX_FIELDS_PER_REPORT 256u

/* Item prefix byte, HID 1.11 6.2.2.2 */
#define ITEM_TYPE_MAIN     0
#define ITEM_TYPE_GLOBAL   1
#define ITEM_TYPE_LOCAL    2
#define ITEM_TYPE_RESERVED 3
#define ITEM_TAG_LONG      0xf

#define MAIN_TAG_INPUT          0x8
#define MAIN_TAG_OUTPUT         0x9
#define MAIN_TAG_COLLECTION     0xa
#define MAIN_TAG_FEATURE        0xb
#define MAIN_TAG_END_COLLECTION 0xc

#define GLOBAL_TAG_USAGE_PAGE       0x0
#define GLOBAL_TAG_LOGICAL_MINIMUM  0x1
#define GLOBAL_TAG_LOGICAL_MAXIMUM  0x2
#define GLOBAL_TAG_PHYSICAL_MINIMUM 0x3
#define GLOBAL_TAG_PHYSICAL_MAXIMUM 0x4
#define GLOBAL_TAG_UNIT_EXPONENT    0x5
#define GLOBAL_TAG_UNIT             0x6
#define GLOBAL_TAG_REPORT_SIZE      0x7
#define GLOBAL_TAG_REPORT_ID        0x8
#define GLOBAL_TAG_REPORT_COUNT     0x9
#define GLOBAL_TAG_PUSH             0xa
#define GLOBAL_TAG_POP              0xb

#define LOCAL_TAG_USAGE         0x0
#define LOCAL_TAG_USAGE_MINIMUM 0x1
#define LOCAL_TAG_USAGE_MAXIMUM 0x2
#define LOCAL_TAG_DELIMITER     0xa

struct item {
	uint8_t type;
	uint8_t tag;
	uint8_t size; /* 0, 1, 2 or 4 data bytes */
	uint32_t udata;
	int32_t sdata;
};

struct parser_global {
	uint32_t usage_page; /* full 32 bits as given, like the kernel */
	int32_t logical_minimum;
	int32_t logical_maximum;
	int32_t physical_minimum;
	int32_t physical_maximum;
	int32_t unit_exponent;
	uint32_t unit;
	uint32_t report_size;
	uint32_t report_count;
	uint32_t report_id;
};

struct parser_local {
	uint32_t *usage;            /* HID_MAX_USAGES entries */
	uint8_t *usage_size;        /* data size of the item that declared each usage */
	unsigned *collection_index; /* innermost open collection at declaration */
	unsigned usage_index;       /* number of usages declared */
	uint32_t usage_minimum;
	unsigned delimiter_depth;
	unsigned delimiter_branch;
	size_t delimiter_offset; /* of the last open delimiter, for the error */
};

struct parser {
	struct hid_descriptor *d;
	struct hid_parse_error *error;
	size_t item_offset; /* of the item being processed */

	struct parser_global global;
	struct parser_global global_stack[HID_MAX_PUSH_DEPTH];
	unsigned global_stack_ptr;

	struct parser_local local;

	unsigned collection_stack[HID_MAX_COLLECTION_DEPTH];
	unsigned collection_stack_ptr;

	unsigned collections_allocated;
	unsigned fields_allocated;
	unsigned reports_allocated;
	size_t total_usages;
};

_printf_(3, 4) static int parse_error(struct parser *p, int err, const char *fmt, ...)
{
	va_list ap;

	if (p->error) {
		p->error->offset = p->item_offset;
		va_start(ap, fmt);
		vsnprintf(p->error->message, sizeof(p->error->message), fmt, ap);
		va_end(ap);
	}
	return err;
}

const char *hid_report_type_name(enum hid_report_type type)
{
	switch (type) {
	case HID_INPUT_REPORT:
		return "Input";
	case HID_OUTPUT_REPORT:
		return "Output";
	case HID_FEATURE_REPORT:
		return "Feature";
	default:
		return "?";
	}
}

/* Grows *array (of elem bytes each) so that it holds at least need elements. */
static int grow(void **array, unsigned *allocated, unsigned need, size_t elem)
{
	unsigned n;
	void *a;

	if (need <= *allocated)
		return 0;
	n = *allocated ? *allocated * 2 : 8;
	if (n < need)
		n = need;
	a = reallocarray(*array, n, elem);
	if (!a)
		return -ENOMEM;
	memset((char *)a + (size_t)*allocated * elem, 0, (size_t)(n - *allocated) * elem);
	*array = a;
	*allocated = n;
	return 0;
}

static void reset_local(struct parser *p)
{
	/* The kernel memsets the whole local state after every main item
	 * (hid_parser_main); the arrays only matter up to usage_index. */
	p->local.usage_index = 0;
	p->local.usage_minimum = 0;
	p->local.delimiter_depth = 0;
	p->local.delimiter_branch = 0;
}

static unsigned innermost_collection(const struct parser *p)
{
	return p->collection_stack_ptr ? p->collection_stack[p->collection_stack_ptr - 1] : 0;
}

/* Kernel hid_lookup_collection(): usage of the innermost open collection of that type. */
static uint32_t lookup_collection(const struct parser *p, unsigned type)
{
	for (unsigned n = p->collection_stack_ptr; n > 0; n--) {
		const struct hid_collection *c = &p->d->collections[p->collection_stack[n - 1]];
		if (c->type == type)
			return c->usage;
	}
	return 0;
}

/* Kernel complete_usage(): put the current usage page on top of a 16-bit usage ID. */
static void complete_usage(struct parser *p, unsigned index)
{
	p->local.usage[index] =
	    (p->local.usage[index] & 0xffff) | ((p->global.usage_page & 0xffff) << 16);
}

/* Kernel hid_add_usage(). */
static int add_usage(struct parser *p, uint32_t usage, uint8_t size)
{
	unsigned i = p->local.usage_index;

	if (i >= HID_MAX_USAGES)
		return parse_error(p, -E2BIG, "too many usages before one main item (limit %u)",
		                   HID_MAX_USAGES);

	p->local.usage[i] = usage;
	if (size <= 2)
		complete_usage(p, i);
	p->local.usage_size[i] = size;
	p->local.collection_index[i] = innermost_collection(p);
	p->local.usage_index++;
	return 0;
}

/*
 * Kernel hid_concatenate_last_usage_page(): HID 1.11 6.2.2.8 says the usage
 * page in effect at the main item completes the usages.  Walking back from
 * the last usage, every 1-2 byte usage takes that page until one already
 * carries it; earlier ones keep the page they were declared with.
 */
static void concatenate_last_usage_page(struct parser *p)
{
	for (unsigned i = p->local.usage_index; i > 0; i--) {
		if (p->local.usage_size[i - 1] > 2)
			continue; /* extended usages carry their own page */
		if ((p->local.usage[i - 1] >> 16) == p->global.usage_page)
			break;
		complete_usage(p, i - 1);
	}
}

/* A global item whose value must lie in min..max (the kernel's limits):
 * stored, or the parse fails with err naming the item. */
static int set_global_bounded(struct parser *p, uint32_t *ret, uint32_t value, uint32_t min,
                              uint32_t max, int err, const char *what)
{
	if (value < min || value > max)
		return parse_error(p, err, "%s %" PRIu32 " (must be %" PRIu32 "..%" PRIu32 ")",
		                   what, value, min, max);
	*ret = value;
	return 0;
}

static int parse_global(struct parser *p, const struct item *item)
{
	struct parser_global *g = &p->global;

	switch (item->tag) {
	case GLOBAL_TAG_PUSH:
		/* The kernel allows 4 (HID_GLOBAL_STACK_SIZE); we allow more, which
		 * only matters for descriptors the kernel refuses anyway. */
		if (p->global_stack_ptr >= HID_MAX_PUSH_DEPTH)
			return parse_error(p, -E2BIG, "push nested deeper than %u",
			                   HID_MAX_PUSH_DEPTH);
		p->global_stack[p->global_stack_ptr++] = *g;
		return 0;

	case GLOBAL_TAG_POP:
		if (p->global_stack_ptr == 0)
			return parse_error(p, -EINVAL, "pop without push");
		*g = p->global_stack[--p->global_stack_ptr];
		return 0;

	case GLOBAL_TAG_USAGE_PAGE:
		g->usage_page = item->udata;
		return 0;

	case GLOBAL_TAG_LOGICAL_MINIMUM:
		g->logical_minimum = item->sdata;
		return 0;

	case GLOBAL_TAG_LOGICAL_MAXIMUM:
		/* Kernel: signed only when the minimum is negative, so that
		 * 0..255 written as "26 ff 00" or "25 ff" both mean 255. */
		g->logical_maximum = g->logical_minimum < 0 ? item->sdata : (int32_t)item->udata;
		return 0;

	case GLOBAL_TAG_PHYSICAL_MINIMUM:
		g->physical_minimum = item->sdata;
		return 0;

	case GLOBAL_TAG_PHYSICAL_MAXIMUM:
		g->physical_maximum = g->physical_minimum < 0 ? item->sdata : (int32_t)item->udata;
		return 0;

	case GLOBAL_TAG_UNIT_EXPONENT:
		/*
		 * Kernel: many devices write the exponent as the 4-bit two's
		 * complement nibble of HID 1.11 6.2.2.7 (0xe = -2), others as a
		 * plain signed value.  Values 0..15 are taken as nibbles.
		 */
		if (!(item->sdata & ~(int32_t)0xf))
			g->unit_exponent = (item->sdata & 0x8) ? item->sdata - 16 : item->sdata;
		else
			g->unit_exponent = item->sdata;
		return 0;

	case GLOBAL_TAG_UNIT:
		g->unit = item->udata;
		return 0;

	case GLOBAL_TAG_REPORT_SIZE:
		/*
		 * The kernel refuses more than 256 and accepts 0, and so do we:
		 * devices ship Report Size (0) (hid-tools' Saitek gamepad, a
		 * kernel selftest, pads with one), and refusing the descriptor
		 * would leave them undriven where the kernel drives them.
		 */
		return set_global_bounded(p, &g->report_size, item->udata, 0,
		                          KERNEL_MAX_REPORT_SIZE, -EINVAL, "report size");

	case GLOBAL_TAG_REPORT_COUNT:
		/* Kernel limit, and it keeps size x count far from overflow. */
		return set_global_bounded(p, &g->report_count, item->udata, 0, HID_MAX_USAGES,
		                          -E2BIG, "report count");

	case GLOBAL_TAG_REPORT_ID:
		return set_global_bounded(p, &g->report_id, item->udata, 1, 255, -EINVAL,
		                          "report ID");

	default:
		/* Kernel: unknown global tags fail the parse. */
		return parse_error(p, -EINVAL, "unknown global item tag 0x%x", item->tag);
	}
}

static int parse_local(struct parser *p, const struct item *item)
{
	uint32_t data = item->udata;
	uint32_t count;
	int r;

	switch (item->tag) {
	case LOCAL_TAG_DELIMITER:
		/* Kernel: only the usages before the first delimiter and those of
		 * the first delimited set count; alternatives are dropped. */
		if (data) {
			if (p->local.delimiter_depth != 0)
				return parse_error(p, -EINVAL, "nested delimiters");
			p->local.delimiter_depth++;
			p->local.delimiter_branch++;
			p->local.delimiter_offset = p->item_offset;
		} else {
			if (p->local.delimiter_depth < 1)
				return parse_error(p, -EINVAL, "close delimiter without open");
			p->local.delimiter_depth--;
		}
		return 0;

	case LOCAL_TAG_USAGE:
		if (p->local.delimiter_branch > 1)
			return 0;
		return add_usage(p, data, item->size);

	case LOCAL_TAG_USAGE_MINIMUM:
		if (p->local.delimiter_branch > 1)
			return 0;
		p->local.usage_minimum = data;
		return 0;

	case LOCAL_TAG_USAGE_MAXIMUM:
		if (p->local.delimiter_branch > 1)
			return 0;
		/*
		 * Kernel hid_parser_local(), including its unsigned arithmetic:
		 * a range that would pass HID_MAX_USAGES is cut to the slots
		 * left (not an error), and a maximum below the minimum wraps
		 * into a huge count that gets cut the same way.
		 */
		count = data - p->local.usage_minimum;
		if (count + p->local.usage_index >= HID_MAX_USAGES) {
			data = HID_MAX_USAGES - p->local.usage_index + p->local.usage_minimum - 1;
			if (data == 0)
				return parse_error(
				    p, -E2BIG, "too many usages before one main item (limit %u)",
				    HID_MAX_USAGES);
			log_debug("report descriptor offset %zu: usage range cut to %u usages, "
			          "ignoring the rest",
			          p->item_offset, HID_MAX_USAGES);
		}
		/* Bounded: add_usage() fails once HID_MAX_USAGES are used, and
		 * that also stops the wrap-around at 0xffffffff like the kernel. */
		for (uint32_t n = p->local.usage_minimum; n <= data; n++) {
			r = add_usage(p, n, item->size);
			if (r < 0)
				return r;
		}
		return 0;

	default:
		/* Designators, strings: no effect on the report layout. */
		return 0;
	}
}

static int open_collection(struct parser *p, uint8_t type)
{
	struct hid_descriptor *d = p->d;
	struct hid_collection *c;
	int r;

	if (p->collection_stack_ptr >= HID_MAX_COLLECTION_DEPTH)
		return parse_error(p, -E2BIG, "collections nested deeper than %u",
		                   HID_MAX_COLLECTION_DEPTH);
	if (d->ncollections >= HID_MAX_COLLECTIONS)
		return parse_error(p, -E2BIG, "more than %u collections", HID_MAX_COLLECTIONS);

	r = grow((void **)&d->collections, &p->collections_allocated, d->ncollections + 1,
	         sizeof(*d->collections));
	if (r < 0)
		return r;

	c = &d->collections[d->ncollections];
	c->type = type;
	c->usage = p->local.usage_index ? p->local.usage[0] : 0;
	c->level = p->collection_stack_ptr;
	c->parent = c->level == 0 ? -1 : (int)p->collection_stack[c->level - 1];
	c->offset = p->item_offset;

	p->collection_stack[p->collection_stack_ptr++] = d->ncollections++;

	/* Kernel counts every Application collection, nested or not. */
	if (type == HID_COLLECTION_APPLICATION)
		d->maxapplication++;
	return 0;
}

static int close_collection(struct parser *p)
{
	if (p->collection_stack_ptr == 0)
		return parse_error(p, -EINVAL, "end collection without collection");
	p->collection_stack_ptr--;
	return 0;
}

/* Kernel hid_register_report(): the report of (type, id), created on first use. */
static int register_report(struct parser *p, enum hid_report_type type, uint8_t id,
                           uint32_t application, struct hid_report **ret)
{
	struct hid_descriptor *d = p->d;
	struct hid_report *report;
	int r;

	if (d->report_index[type][id] >= 0) {
		*ret = &d->reports[d->report_index[type][id]];
		return 0;
	}

	/* At most HID_REPORT_TYPES * 256 reports, so the index fits int16_t. */
	r = grow((void **)&d->reports, &p->reports_allocated, d->nreports + 1, sizeof(*d->reports));
	if (r < 0)
		return r;

	report = &d->reports[d->nreports];
	report->type = type;
	report->id = id;
	report->size_bits = 0;
	report->fields = NULL;
	report->nfields = 0;
	report->application = application;
	d->report_index[type][id] = (int16_t)d->nreports++;

	/* Kernel: numbered as soon as a report with a non-zero ID exists
	 * (strictly per report type there; see hid_descriptor.numbered). */
	if (id != 0)
		d->numbered = true;

	*ret = report;
	return 0;
}

/* Kernel hid_add_field(). */
static int add_field(struct parser *p, enum hid_report_type type, uint32_t flags)
{
	struct hid_descriptor *d = p->d;
	const struct parser_global *g = &p->global;
	struct hid_report *report;
	struct hid_field *field;
	uint32_t application;
	uint64_t bits;
	unsigned usages;
	uint32_t offset;
	int r;

	application = lookup_collection(p, HID_COLLECTION_APPLICATION);

	/* Registered even for padding, like the kernel: a report made only of
	 * constant bits still exists and has a size. */
	r = register_report(p, type, (uint8_t)g->report_id, application, &report);
	if (r < 0)
		return r;

	if ((g->logical_minimum < 0 && g->logical_maximum < g->logical_minimum) ||
	    (g->logical_minimum >= 0 &&
	     (uint32_t)g->logical_maximum < (uint32_t)g->logical_minimum))
		return parse_error(p, -EINVAL,
		                   "logical maximum %" PRId32 " below logical minimum %" PRId32,
		                   g->logical_maximum, g->logical_minimum);

	/* Both factors are limited (256, HID_MAX_USAGES), 64 bits just in case. */
	bits = (uint64_t)g->report_size * g->report_count;
	if (report->size_bits + bits > (uint64_t)HID_MAX_REPORT_BYTES * 8)
		return parse_error(p, -E2BIG,
		                   "%s report %u longer than %u bytes (%" PRIu64 " bits)",
		                   hid_report_type_name(type), report->id, HID_MAX_REPORT_BYTES,
		                   report->size_bits + bits);
	offset = report->size_bits;
	report->size_bits += (uint32_t)bits;

	/* No usages: padding, only the offset moves. */
	if (p->local.usage_index == 0)
		return 0;

	/* Kernel hid_add_field(): a field the report has no room for is
	 * dropped, its bits still counted; hid-input never sees it. */
	if (report->nfields >= KERNEL_MAX_FIELDS_PER_REPORT) {
		log_debug("report descriptor offset %zu: more than %u fields in %s report %u, "
		          "ignoring this one",
		          p->item_offset, KERNEL_MAX_FIELDS_PER_REPORT, hid_report_type_name(type),
		          report->id);
		return 0;
	}

	/*
	 * A field of Report Size 0 is kept, as hid_add_field() keeps it:
	 * hid-input maps its usages (the evdev device has their codes) and
	 * its values always read 0.  Values wider than 32 bits are kept too:
	 * the kernel reads their low 32 bits (hid_field_extract() warns and
	 * clamps), and so do we.
	 */

	if (d->nfields >= HID_MAX_FIELDS)
		return parse_error(p, -E2BIG, "more than %u fields", HID_MAX_FIELDS);

	usages = p->local.usage_index > g->report_count ? p->local.usage_index : g->report_count;
	if (p->total_usages + usages > HID_MAX_TOTAL_USAGES)
		return parse_error(p, -E2BIG, "more than %u usages in all fields",
		                   HID_MAX_TOTAL_USAGES);

	r = grow((void **)&d->fields, &p->fields_allocated, d->nfields + 1, sizeof(*d->fields));
	if (r < 0)
		return r;

	field = &d->fields[d->nfields];
	*field = (struct hid_field){0};
	field->usage = calloc(usages, sizeof(*field->usage));
	if (!field->usage)
		return -ENOMEM;
	d->nfields++;
	p->total_usages += usages;

	for (unsigned i = 0; i < usages; i++) {
		/* Values beyond the declared usages repeat the last one. */
		unsigned j = i < p->local.usage_index ? i : p->local.usage_index - 1;
		field->usage[i].hid = p->local.usage[j];
		field->usage[i].collection_index = p->local.collection_index[j];
	}
	field->maxusage = usages;

	field->type = type;
	field->report_index = (unsigned)d->report_index[type][report->id];
	field->report_id = report->id;
	field->index = report->nfields++;
	field->bit_offset = offset;
	field->report_size = g->report_size;
	field->report_count = g->report_count;
	field->flags = flags;
	field->logical_minimum = g->logical_minimum;
	field->logical_maximum = g->logical_maximum;
	field->physical_minimum = g->physical_minimum;
	field->physical_maximum = g->physical_maximum;
	field->unit_exponent = g->unit_exponent;
	field->unit = g->unit;
	field->application = application;
	field->physical = lookup_collection(p, HID_COLLECTION_PHYSICAL);
	field->logical = lookup_collection(p, HID_COLLECTION_LOGICAL);
	field->collection = innermost_collection(p);
	field->offset = p->item_offset;
	return 0;
}

static int parse_main(struct parser *p, const struct item *item)
{
	int r;

	concatenate_last_usage_page(p);

	switch (item->tag) {
	case MAIN_TAG_COLLECTION:
		r = open_collection(p, item->udata & 0xff);
		break;
	case MAIN_TAG_END_COLLECTION:
		r = close_collection(p);
		break;
	case MAIN_TAG_INPUT:
		r = add_field(p, HID_INPUT_REPORT, item->udata);
		break;
	case MAIN_TAG_OUTPUT:
		r = add_field(p, HID_OUTPUT_REPORT, item->udata);
		break;
	case MAIN_TAG_FEATURE:
		r = add_field(p, HID_FEATURE_REPORT, item->udata);
		break;
	default:
		/* Kernel warns and goes on; the local state is still reset. */
		log_debug("report descriptor offset %zu: unknown main item tag 0x%x, ignoring",
		          p->item_offset, item->tag);
		r = 0;
		break;
	}

	reset_local(p);
	return r;
}

/* Kernel fetch_item() plus the long-item check of hid_open_report(). */
static int fetch_item(struct parser *p, const uint8_t *data, size_t size, size_t pos,
                      struct item *item, size_t *ret_len)
{
	size_t left = size - pos - 1;
	uint8_t b = data[pos];
	const uint8_t *v = data + pos + 1;

	item->type = (b >> 2) & 3;
	item->tag = b >> 4;

	/* Any prefix with tag 0xf is a long item, whatever its type and size
	 * bits say (the spec only defines 0xfe). */
	if (item->tag == ITEM_TAG_LONG) {
		if (left < 2 || left - 2 < v[0])
			return parse_error(p, -EINVAL,
			                   "truncated long item: needs %u data bytes, %zu left",
			                   left < 2 ? 2u : 2u + v[0], left);
		/* hid_open_report() fails on any long item ("unexpected long
		 * global item"); skipping it would accept descriptors the
		 * kernel refuses. */
		return parse_error(
		    p, -EINVAL, "long item (tag 0x%02x, %u bytes) not supported, as in the kernel",
		    v[1], v[0]);
	}

	item->size = b & 3;
	if (item->size == 3)
		item->size = 4;
	if (left < item->size)
		return parse_error(p, -EINVAL,
		                   "truncated item 0x%02x: needs %u data bytes, %zu left", b,
		                   item->size, left);

	switch (item->size) {
	case 0:
		item->udata = 0;
		item->sdata = 0;
		break;
	case 1:
		item->udata = v[0];
		item->sdata = (int8_t)v[0];
		break;
	case 2:
		item->udata = (uint32_t)v[0] | (uint32_t)v[1] << 8;
		item->sdata = (int16_t)item->udata;
		break;
	case 4:
		item->udata = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 |
		              (uint32_t)v[3] << 24;
		item->sdata = (int32_t)item->udata;
		break;
	}

	*ret_len = 1 + (size_t)item->size;
	return 0;
}

/* Sorts the fields into their reports, in descriptor order. */
static int link_reports(struct hid_descriptor *d)
{
	for (unsigned i = 0; i < d->nreports; i++) {
		struct hid_report *report = &d->reports[i];

		if (report->nfields == 0)
			continue;
		report->fields = calloc(report->nfields, sizeof(*report->fields));
		if (!report->fields)
			return -ENOMEM;
	}

	for (unsigned i = 0; i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];
		d->reports[f->report_index].fields[f->index] = i;
	}
	return 0;
}

static void parser_free(struct parser *p)
{
	free(p->local.usage);
	free(p->local.usage_size);
	free(p->local.collection_index);
}

int hid_descriptor_parse(const uint8_t *data, size_t size, struct hid_descriptor **ret,
                         struct hid_parse_error *error)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = NULL;
	_cleanup_(parser_free) struct parser p = {.error = error};
	size_t pos = 0;
	int r;

	if (error) {
		error->offset = 0;
		error->message[0] = '\0';
	}

	/* The kernel's fetch loop fails on an empty descriptor too. */
	if (size == 0 || !data)
		return parse_error(&p, -EINVAL, "empty report descriptor");
	if (size > HID_RDESC_MAX_SIZE)
		return parse_error(&p, -E2BIG, "report descriptor of %zu bytes (limit %u)", size,
		                   HID_RDESC_MAX_SIZE);

	d = zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	memset(d->report_index, -1, sizeof(d->report_index));
	p.d = d;

	p.local.usage = calloc(HID_MAX_USAGES, sizeof(*p.local.usage));
	p.local.usage_size = calloc(HID_MAX_USAGES, sizeof(*p.local.usage_size));
	p.local.collection_index = calloc(HID_MAX_USAGES, sizeof(*p.local.collection_index));
	if (!p.local.usage || !p.local.usage_size || !p.local.collection_index)
		return -ENOMEM;

	while (pos < size) {
		struct item item = {0};
		size_t len = 0;

		p.item_offset = pos;
		r = fetch_item(&p, data, size, pos, &item, &len);
		if (r < 0)
			return r;

		switch (item.type) {
		case ITEM_TYPE_MAIN:
			r = parse_main(&p, &item);
			break;
		case ITEM_TYPE_GLOBAL:
			r = parse_global(&p, &item);
			break;
		case ITEM_TYPE_LOCAL:
			r = parse_local(&p, &item);
			break;
		default:
			/* Reserved item type: the kernel ignores it. */
			r = 0;
			break;
		}
		if (r < 0)
			return r;
		pos += len;
	}

	if (p.collection_stack_ptr) {
		const struct hid_collection *c =
		    &d->collections[p.collection_stack[p.collection_stack_ptr - 1]];
		p.item_offset = c->offset;
		return parse_error(&p, -EINVAL, "collection not closed at end of descriptor");
	}
	if (p.local.delimiter_depth) {
		p.item_offset = p.local.delimiter_offset;
		return parse_error(&p, -EINVAL, "delimiter not closed at end of descriptor");
	}

	r = link_reports(d);
	if (r < 0)
		return r;

	*ret = steal(&d);
	return 0;
}

void hid_descriptor_free(struct hid_descriptor *d)
{
	if (!d)
		return;
	for (unsigned i = 0; i < d->nfields; i++)
		free(d->fields[i].usage);
	for (unsigned i = 0; i < d->nreports; i++)
		free(d->reports[i].fields);
	free(d->fields);
	free(d->reports);
	free(d->collections);
	free(d);
}

const struct hid_report *hid_descriptor_find_report(const struct hid_descriptor *d,
                                                    enum hid_report_type type, uint8_t id)
{
	int16_t index;

	if (!d || (unsigned)type >= HID_REPORT_TYPES)
		return NULL;
	index = d->report_index[type][id];
	if (index < 0 || (unsigned)index >= d->nreports)
		return NULL;
	return &d->reports[index];
}

/*
 * One step of walking a field's bits a byte at a time (a value spans at
 * most 5 bytes at an odd offset): the byte holding bit bit_offset + done,
 * the bit in it, and how many of the field's remaining bits it holds.
 * False past the buffer, whose bytes read as 0 and are not written.
 */
static inline bool bits_step(size_t size, uint32_t bit_offset, unsigned nbits, unsigned done,
                             uint64_t *ret_byte, unsigned *ret_shift, unsigned *ret_take)
{
	uint64_t bit = (uint64_t)bit_offset + done;

	*ret_byte = bit / 8;
	*ret_shift = bit % 8;
	*ret_take = 8 - *ret_shift;
	if (*ret_take > nbits - done)
		*ret_take = nbits - done;
	return *ret_byte < size;
}

uint32_t hid_get_bits(const uint8_t *buf, size_t size, uint32_t bit_offset, unsigned nbits)
{
	uint32_t value = 0;
	uint64_t byte;
	unsigned done, shift, take;

	if (nbits > 32)
		nbits = 32;
	for (done = 0; done < nbits; done += take) {
		if (!bits_step(size, bit_offset, nbits, done, &byte, &shift, &take))
			break;
		value |= (((uint32_t)buf[byte] >> shift) & ((1u << take) - 1)) << done;
	}
	return value;
}

void hid_put_bits(uint8_t *buf, size_t size, uint32_t bit_offset, unsigned nbits, uint32_t value)
{
	uint64_t byte;
	unsigned done, shift, take;

	if (nbits > 32)
		nbits = 32;
	for (done = 0; done < nbits; done += take) {
		uint8_t mask;

		if (!bits_step(size, bit_offset, nbits, done, &byte, &shift, &take))
			break;
		mask = (uint8_t)(((1u << take) - 1) << shift);
		buf[byte] = (uint8_t)((buf[byte] & ~mask) | (((value >> done) << shift) & mask));
	}
}

int32_t hid_field_get_value(const struct hid_field *f, const uint8_t *payload, size_t size,
                            unsigned n)
{
	uint64_t offset;
	uint32_t v;
	unsigned bits = f->report_size > 32 ? 32 : f->report_size;

	if (n >= f->report_count || bits == 0)
		return 0;

	offset = (uint64_t)f->bit_offset + (uint64_t)n * f->report_size;
	if (offset > UINT32_MAX)
		return 0;
	v = hid_get_bits(payload, size, (uint32_t)offset, bits);

	/* Kernel hid_input_fetch_field(): signed exactly when the logical
	 * minimum is negative (snto32). */
	if (f->logical_minimum < 0 && bits < 32 && (v & (1u << (bits - 1))))
		v |= ~0u << bits;
	return (int32_t)v;
}
