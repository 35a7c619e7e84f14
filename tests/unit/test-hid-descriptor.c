/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the report descriptor parser.
 *
 * Expected values are worked out by hand from the descriptor bytes and the
 * HID 1.11 spec; the comments next to the bytes show the decoding.  Where the
 * kernel (drivers/hid/hid-core.c) differs from a naive reading of the spec,
 * the test names the kernel function whose behaviour it pins down.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "hid-descriptor-dump.h"
#include "hid-descriptor.h"
#include "hid-usages.h"
#include "util-strings.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

#define UP_GD       0x0001u
#define UP_KEYBOARD 0x0007u
#define UP_LED      0x0008u
#define UP_BUTTON   0x0009u
#define UP_CONSUMER 0x000cu
#define U(page, id) (((uint32_t)(page) << 16) | (id))

static struct hid_descriptor *parse_ok(const uint8_t *data, size_t size)
{
	struct hid_descriptor *d = NULL;
	struct hid_parse_error err = {0};
	int r = hid_descriptor_parse(data, size, &d, &err);

	if (r != 0)
		fail_msg("parse failed: %d at offset %zu: %s", r, err.offset, err.message);
	assert_non_null(d);
	return d;
}

static void assert_usages(const struct hid_field *f, const uint32_t *expected, unsigned n)
{
	assert_int_equal(f->maxusage, n);
	for (unsigned i = 0; i < n; i++)
		if (f->usage[i].hid != expected[i])
			fail_msg("usage %u: 0x%08x, expected 0x%08x", i, f->usage[i].hid,
			         expected[i]);
}

/* ---- HID 1.11 Appendix B.2, boot protocol mouse --------------------------- */

static const uint8_t boot_mouse[] = {
    0x05, 0x01, /*  0: Usage Page (Generic Desktop) */
    0x09, 0x02, /*  2: Usage (Mouse) */
    0xa1, 0x01, /*  4: Collection (Application) */
    0x09, 0x01, /*  6:   Usage (Pointer) */
    0xa1, 0x00, /*  8:   Collection (Physical) */
    0x05, 0x09, /* 10:     Usage Page (Button) */
    0x19, 0x01, /* 12:     Usage Minimum (1) */
    0x29, 0x03, /* 14:     Usage Maximum (3) */
    0x15, 0x00, /* 16:     Logical Minimum (0) */
    0x25, 0x01, /* 18:     Logical Maximum (1) */
    0x95, 0x03, /* 20:     Report Count (3) */
    0x75, 0x01, /* 22:     Report Size (1) */
    0x81, 0x02, /* 24:     Input (Data,Var,Abs)       bits 0..2 */
    0x95, 0x01, /* 26:     Report Count (1) */
    0x75, 0x05, /* 28:     Report Size (5) */
    0x81, 0x01, /* 30:     Input (Cnst)               bits 3..7, padding */
    0x05, 0x01, /* 32:     Usage Page (Generic Desktop) */
    0x09, 0x30, /* 34:     Usage (X) */
    0x09, 0x31, /* 36:     Usage (Y) */
    0x15, 0x81, /* 38:     Logical Minimum (-127) */
    0x25, 0x7f, /* 40:     Logical Maximum (127) */
    0x75, 0x08, /* 42:     Report Size (8) */
    0x95, 0x02, /* 44:     Report Count (2) */
    0x81, 0x06, /* 46:     Input (Data,Var,Rel)       bits 8..23 */
    0xc0,       /* 48:   End Collection */
    0xc0,       /* 49: End Collection */
};

static void test_boot_mouse(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(boot_mouse, sizeof(boot_mouse));
	const struct hid_report *r;
	const struct hid_field *f;

	assert_false(d->numbered);
	assert_int_equal(d->maxapplication, 1);

	assert_int_equal(d->ncollections, 2);
	assert_int_equal(d->collections[0].type, HID_COLLECTION_APPLICATION);
	assert_int_equal(d->collections[0].usage, U(UP_GD, 0x02));
	assert_int_equal(d->collections[0].level, 0);
	assert_int_equal(d->collections[0].parent, -1);
	assert_int_equal(d->collections[0].offset, 4);
	assert_int_equal(d->collections[1].type, HID_COLLECTION_PHYSICAL);
	assert_int_equal(d->collections[1].usage, U(UP_GD, 0x01));
	assert_int_equal(d->collections[1].level, 1);
	assert_int_equal(d->collections[1].parent, 0);
	assert_int_equal(d->collections[1].offset, 8);

	/* One input report: 3 + 5 + 2 * 8 bits. The padding makes no field. */
	assert_int_equal(d->nreports, 1);
	r = hid_descriptor_find_report(d, HID_INPUT_REPORT, 0);
	assert_ptr_equal(r, &d->reports[0]);
	assert_int_equal(r->size_bits, 24);
	assert_int_equal(r->application, U(UP_GD, 0x02));
	assert_int_equal(r->nfields, 2);
	assert_int_equal(r->fields[0], 0);
	assert_int_equal(r->fields[1], 1);
	assert_null(hid_descriptor_find_report(d, HID_OUTPUT_REPORT, 0));
	assert_null(hid_descriptor_find_report(d, HID_INPUT_REPORT, 1));

	assert_int_equal(d->nfields, 2);
	f = &d->fields[0];
	assert_int_equal(f->type, HID_INPUT_REPORT);
	assert_int_equal(f->report_index, 0);
	assert_int_equal(f->report_id, 0);
	assert_int_equal(f->index, 0);
	assert_int_equal(f->bit_offset, 0);
	assert_int_equal(f->report_size, 1);
	assert_int_equal(f->report_count, 3);
	assert_int_equal(f->flags, HID_MAIN_ITEM_VARIABLE);
	assert_int_equal(f->logical_minimum, 0);
	assert_int_equal(f->logical_maximum, 1);
	assert_int_equal(f->application, U(UP_GD, 0x02));
	assert_int_equal(f->physical, U(UP_GD, 0x01));
	assert_int_equal(f->logical, 0);
	assert_int_equal(f->collection, 1);
	assert_int_equal(f->offset, 24);
	assert_usages(f, (const uint32_t[]){U(UP_BUTTON, 1), U(UP_BUTTON, 2), U(UP_BUTTON, 3)}, 3);
	assert_int_equal(f->usage[0].collection_index, 1);

	f = &d->fields[1];
	assert_int_equal(f->index, 1);
	assert_int_equal(f->bit_offset, 8);
	assert_int_equal(f->report_size, 8);
	assert_int_equal(f->report_count, 2);
	assert_int_equal(f->flags, HID_MAIN_ITEM_VARIABLE | HID_MAIN_ITEM_RELATIVE);
	assert_int_equal(f->logical_minimum, -127);
	assert_int_equal(f->logical_maximum, 127);
	assert_int_equal(f->offset, 46);
	assert_usages(f, (const uint32_t[]){U(UP_GD, 0x30), U(UP_GD, 0x31)}, 2);

	/* buttons 1 and 3, X = -1, Y = +1 */
	const uint8_t payload[] = {0x05, 0xff, 0x01};
	assert_int_equal(hid_field_get_value(&d->fields[0], payload, sizeof(payload), 0), 1);
	assert_int_equal(hid_field_get_value(&d->fields[0], payload, sizeof(payload), 1), 0);
	assert_int_equal(hid_field_get_value(&d->fields[0], payload, sizeof(payload), 2), 1);
	assert_int_equal(hid_field_get_value(&d->fields[1], payload, sizeof(payload), 0), -1);
	assert_int_equal(hid_field_get_value(&d->fields[1], payload, sizeof(payload), 1), 1);
}

/* ---- HID 1.11 Appendix B.1, boot protocol keyboard ------------------------ */

static const uint8_t boot_keyboard[] = {
    0x05, 0x01, /*  0: Usage Page (Generic Desktop) */
    0x09, 0x06, /*  2: Usage (Keyboard) */
    0xa1, 0x01, /*  4: Collection (Application) */
    0x05, 0x07, /*  6:   Usage Page (Keyboard) */
    0x19, 0xe0, /*  8:   Usage Minimum (LeftControl) */
    0x29, 0xe7, /* 10:   Usage Maximum (Right GUI) */
    0x15, 0x00, /* 12:   Logical Minimum (0) */
    0x25, 0x01, /* 14:   Logical Maximum (1) */
    0x75, 0x01, /* 16:   Report Size (1) */
    0x95, 0x08, /* 18:   Report Count (8) */
    0x81, 0x02, /* 20:   Input (Data,Var,Abs)    modifiers, bits 0..7 */
    0x95, 0x01, /* 22:   Report Count (1) */
    0x75, 0x08, /* 24:   Report Size (8) */
    0x81, 0x01, /* 26:   Input (Cnst)            reserved byte, bits 8..15 */
    0x95, 0x05, /* 28:   Report Count (5) */
    0x75, 0x01, /* 30:   Report Size (1) */
    0x05, 0x08, /* 32:   Usage Page (LED) */
    0x19, 0x01, /* 34:   Usage Minimum (Num Lock) */
    0x29, 0x05, /* 36:   Usage Maximum (Kana) */
    0x91, 0x02, /* 38:   Output (Data,Var,Abs)   LEDs, bits 0..4 */
    0x95, 0x01, /* 40:   Report Count (1) */
    0x75, 0x03, /* 42:   Report Size (3) */
    0x91, 0x01, /* 44:   Output (Cnst)           bits 5..7 */
    0x95, 0x06, /* 46:   Report Count (6) */
    0x75, 0x08, /* 48:   Report Size (8) */
    0x15, 0x00, /* 50:   Logical Minimum (0) */
    0x25, 0x65, /* 52:   Logical Maximum (101) */
    0x05, 0x07, /* 54:   Usage Page (Keyboard) */
    0x19, 0x00, /* 56:   Usage Minimum (0) */
    0x29, 0x65, /* 58:   Usage Maximum (101) */
    0x81, 0x00, /* 60:   Input (Data,Arr,Abs)    6 key codes, bits 16..63 */
    0xc0,       /* 62: End Collection */
};

static void test_boot_keyboard(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(boot_keyboard, sizeof(boot_keyboard));
	const struct hid_report *in, *out;
	const struct hid_field *f;

	assert_false(d->numbered);
	assert_int_equal(d->ncollections, 1);
	assert_int_equal(d->nreports, 2);
	assert_int_equal(d->nfields, 3);

	/* Reports are listed in order of first appearance. */
	in = hid_descriptor_find_report(d, HID_INPUT_REPORT, 0);
	out = hid_descriptor_find_report(d, HID_OUTPUT_REPORT, 0);
	assert_ptr_equal(in, &d->reports[0]);
	assert_ptr_equal(out, &d->reports[1]);
	assert_null(hid_descriptor_find_report(d, HID_FEATURE_REPORT, 0));
	assert_int_equal(in->size_bits, 64);
	assert_int_equal(out->size_bits, 8);

	/* Fields are numbered in descriptor order, the LED output between the
	 * two inputs. */
	assert_int_equal(in->nfields, 2);
	assert_int_equal(in->fields[0], 0);
	assert_int_equal(in->fields[1], 2);
	assert_int_equal(out->nfields, 1);
	assert_int_equal(out->fields[0], 1);

	f = &d->fields[0];
	assert_int_equal(f->bit_offset, 0);
	assert_int_equal(f->report_size, 1);
	assert_int_equal(f->report_count, 8);
	assert_int_equal(f->maxusage, 8);
	assert_int_equal(f->usage[0].hid, U(UP_KEYBOARD, 0xe0));
	assert_int_equal(f->usage[7].hid, U(UP_KEYBOARD, 0xe7));
	assert_int_equal(f->application, U(UP_GD, 0x06));

	f = &d->fields[1];
	assert_int_equal(f->type, HID_OUTPUT_REPORT);
	assert_int_equal(f->report_index, 1);
	assert_int_equal(f->index, 0);
	assert_int_equal(f->bit_offset, 0);
	assert_int_equal(f->report_count, 5);
	assert_usages(f,
	              (const uint32_t[]){U(UP_LED, 1), U(UP_LED, 2), U(UP_LED, 3), U(UP_LED, 4),
	                                 U(UP_LED, 5)},
	              5);

	/* Array: 6 slots of 8 bits, 102 usages (0..101), unsigned. */
	f = &d->fields[2];
	assert_int_equal(f->type, HID_INPUT_REPORT);
	assert_int_equal(f->index, 1);
	assert_int_equal(f->bit_offset, 16);
	assert_int_equal(f->report_size, 8);
	assert_int_equal(f->report_count, 6);
	assert_int_equal(f->flags, 0);
	assert_int_equal(f->logical_minimum, 0);
	assert_int_equal(f->logical_maximum, 101);
	assert_int_equal(f->maxusage, 102);
	for (unsigned i = 0; i < 102; i++)
		assert_int_equal(f->usage[i].hid, U(UP_KEYBOARD, i));

	/* key 'a' (4) in the first slot reads unsigned even with bit 7 set */
	const uint8_t payload[8] = {0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x81};
	assert_int_equal(hid_field_get_value(&d->fields[0], payload, sizeof(payload), 1), 1);
	assert_int_equal(hid_field_get_value(f, payload, sizeof(payload), 0), 4);
	assert_int_equal(hid_field_get_value(f, payload, sizeof(payload), 5), 0x81);
}

/* ---- report IDs ----------------------------------------------------------- */

static const uint8_t numbered[] = {
    0x05, 0x01,       /*  0: Usage Page (Generic Desktop) */
    0x09, 0x02,       /*  2: Usage (Mouse) */
    0xa1, 0x01,       /*  4: Collection (Application) */
    0x85, 0x01,       /*  6:   Report ID (1) */
    0x09, 0x01,       /*  8:   Usage (Pointer) */
    0xa1, 0x00,       /* 10:   Collection (Physical) */
    0x05, 0x09,       /* 12:     Usage Page (Button) */
    0x19, 0x01,       /* 14:     Usage Minimum (1) */
    0x29, 0x02,       /* 16:     Usage Maximum (2) */
    0x15, 0x00,       /* 18:     Logical Minimum (0) */
    0x25, 0x01,       /* 20:     Logical Maximum (1) */
    0x75, 0x01,       /* 22:     Report Size (1) */
    0x95, 0x02,       /* 24:     Report Count (2) */
    0x81, 0x02,       /* 26:     Input (Data,Var,Abs)   bits 0..1 */
    0x95, 0x06,       /* 28:     Report Count (6) */
    0x81, 0x03,       /* 30:     Input (Cnst,Var)       bits 2..7 */
    0x05, 0x01,       /* 32:     Usage Page (Generic Desktop) */
    0x09, 0x30,       /* 34:     Usage (X) */
    0x09, 0x31,       /* 36:     Usage (Y) */
    0x16, 0x01, 0x80, /* 38:     Logical Minimum (-32767) */
    0x26, 0xff, 0x7f, /* 41:     Logical Maximum (32767) */
    0x75, 0x10,       /* 44:     Report Size (16) */
    0x95, 0x02,       /* 46:     Report Count (2) */
    0x81, 0x06,       /* 48:     Input (Data,Var,Rel)   bits 8..39 */
    0xc0,             /* 50:   End Collection */
    0xc0,             /* 51: End Collection */
    0x05, 0x0c,       /* 52: Usage Page (Consumer) */
    0x09, 0x01,       /* 54: Usage (Consumer Control) */
    0xa1, 0x01,       /* 56: Collection (Application) */
    0x85, 0x02,       /* 58:   Report ID (2) */
    0x15, 0x00,       /* 60:   Logical Minimum (0) */
    0x26, 0xff, 0x03, /* 62:   Logical Maximum (1023) */
    0x19, 0x00,       /* 65:   Usage Minimum (0) */
    0x2a, 0xff, 0x03, /* 67:   Usage Maximum (1023) */
    0x75, 0x10,       /* 70:   Report Size (16) */
    0x95, 0x01,       /* 72:   Report Count (1) */
    0x81, 0x00,       /* 74:   Input (Data,Arr,Abs) */
    0xc0,             /* 76: End Collection */
    0x06, 0x00, 0xff, /* 77: Usage Page (Vendor 0xff00) */
    0x09, 0x01,       /* 80: Usage (1) */
    0xa1, 0x01,       /* 82: Collection (Application) */
    0x85, 0x03,       /* 84:   Report ID (3) */
    0x09, 0x02,       /* 86:   Usage (2) */
    0x26, 0xff, 0x00, /* 88:   Logical Maximum (255) */
    0x75, 0x08,       /* 91:   Report Size (8) */
    0x95, 0x04,       /* 93:   Report Count (4) */
    0xb1, 0x02,       /* 95:   Feature (Data,Var,Abs) */
    0x85, 0x01,       /* 97:   Report ID (1), again, for another type */
    0x09, 0x03,       /* 99:   Usage (3) */
    0x95, 0x01,       /* 101:  Report Count (1) */
    0xb1, 0x02,       /* 103:  Feature (Data,Var,Abs) */
    0xc0,             /* 105: End Collection */
};

static void test_numbered(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(numbered, sizeof(numbered));
	const struct hid_report *r;
	const struct hid_field *f;

	assert_true(d->numbered);
	assert_int_equal(d->maxapplication, 3);
	assert_int_equal(d->ncollections, 4);
	assert_int_equal(d->collections[3].usage, 0xff000001u);

	assert_int_equal(d->nreports, 4);
	assert_int_equal(d->reports[0].type, HID_INPUT_REPORT);
	assert_int_equal(d->reports[0].id, 1);
	assert_int_equal(d->reports[1].type, HID_INPUT_REPORT);
	assert_int_equal(d->reports[1].id, 2);
	assert_int_equal(d->reports[2].type, HID_FEATURE_REPORT);
	assert_int_equal(d->reports[2].id, 3);
	assert_int_equal(d->reports[3].type, HID_FEATURE_REPORT);
	assert_int_equal(d->reports[3].id, 1);

	r = hid_descriptor_find_report(d, HID_INPUT_REPORT, 1);
	assert_ptr_equal(r, &d->reports[0]);
	/* payload sizes exclude the ID byte */
	assert_int_equal(r->size_bits, 2 + 6 + 32);
	assert_int_equal(r->nfields, 2);
	assert_int_equal(r->application, U(UP_GD, 0x02));

	r = hid_descriptor_find_report(d, HID_INPUT_REPORT, 2);
	assert_ptr_equal(r, &d->reports[1]);
	assert_int_equal(r->size_bits, 16);
	assert_int_equal(r->application, U(UP_CONSUMER, 0x01));

	r = hid_descriptor_find_report(d, HID_FEATURE_REPORT, 3);
	assert_int_equal(r->size_bits, 32);
	r = hid_descriptor_find_report(d, HID_FEATURE_REPORT, 1);
	assert_ptr_equal(r, &d->reports[3]);
	assert_int_equal(r->size_bits, 8);

	assert_null(hid_descriptor_find_report(d, HID_INPUT_REPORT, 0));
	assert_null(hid_descriptor_find_report(d, HID_INPUT_REPORT, 3));
	assert_null(hid_descriptor_find_report(d, HID_OUTPUT_REPORT, 1));
	assert_null(hid_descriptor_find_report(d, HID_REPORT_TYPES, 1));

	assert_int_equal(d->nfields, 5);
	f = &d->fields[1];
	assert_int_equal(f->report_id, 1);
	assert_int_equal(f->bit_offset, 8);
	assert_int_equal(f->logical_minimum, -32767);
	assert_int_equal(f->logical_maximum, 32767);

	/* X = -2 (0xfffe), Y = 0x1234 */
	const uint8_t payload[] = {0x01, 0xfe, 0xff, 0x34, 0x12};
	assert_int_equal(hid_field_get_value(f, payload, sizeof(payload), 0), -2);
	assert_int_equal(hid_field_get_value(f, payload, sizeof(payload), 1), 0x1234);

	f = &d->fields[2];
	assert_int_equal(f->report_id, 2);
	assert_int_equal(f->bit_offset, 0);
	assert_int_equal(f->maxusage, 1024);
	assert_int_equal(f->usage[0].hid, U(UP_CONSUMER, 0));
	assert_int_equal(f->usage[1023].hid, U(UP_CONSUMER, 0x3ff));
	assert_int_equal(f->application, U(UP_CONSUMER, 0x01));

	f = &d->fields[4];
	assert_int_equal(f->type, HID_FEATURE_REPORT);
	assert_int_equal(f->report_id, 1);
	assert_int_equal(f->report_index, 3);
	assert_int_equal(f->usage[0].hid, 0xff000003u);
	assert_int_equal(f->application, 0xff000001u);
}

/* Kernel hid_register_report(): numbered once a report with a non-zero ID
 * exists, not merely because a Report ID item was seen. */
static void test_numbered_needs_a_report(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = parse_ok(
	    BYTES(0x05, 0x01, 0x09, 0x30, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, /* report 0 */
	          0x85, 0x05 /* Report ID (5), no main item follows */));

	assert_false(d->numbered);
	assert_int_equal(d->nreports, 1);
	assert_int_equal(d->reports[0].id, 0);
}

/* ---- global state --------------------------------------------------------- */

static void test_push_pop(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x05, 0x01,             /*  0: Usage Page (Generic Desktop) */
	                   0x09, 0x05,             /*  2: Usage (Gamepad) */
	                   0xa1, 0x01,             /*  4: Collection (Application) */
	                   0x15, 0x00,             /*  6:   Logical Minimum (0) */
	                   0x25, 0x01,             /*  8:   Logical Maximum (1) */
	                   0x75, 0x01,             /* 10:   Report Size (1) */
	                   0x95, 0x04,             /* 12:   Report Count (4) */
	                   0xa4,                   /* 14:   Push */
	                   0x05, 0x09,             /* 15:   Usage Page (Button) */
	                   0x25, 0x03,             /* 17:   Logical Maximum (3) */
	                   0x75, 0x02,             /* 19:   Report Size (2) */
	                   0x19, 0x01,             /* 21:   Usage Minimum (1) */
	                   0x29, 0x04,             /* 23:   Usage Maximum (4) */
	                   0x81, 0x02,             /* 25:   Input: 4 x 2 bits, bits 0..7 */
	                   0xb4,                   /* 27:   Pop: page GD, max 1, size 1 */
	                   0x09, 0x30, 0x09, 0x31, /* 28:   Usage (X), Usage (Y) */
	                   0x09, 0x32, 0x09, 0x35, /* 32:   Usage (Z), Usage (Rz) */
	                   0x81, 0x02,             /* 36:   Input: 4 x 1 bit, bits 8..11 */
	                   0xc0));
	const struct hid_field *f;

	assert_int_equal(d->nfields, 2);
	assert_int_equal(d->reports[0].size_bits, 12);

	f = &d->fields[0];
	assert_int_equal(f->report_size, 2);
	assert_int_equal(f->report_count, 4);
	assert_int_equal(f->logical_maximum, 3);
	assert_usages(
	    f,
	    (const uint32_t[]){U(UP_BUTTON, 1), U(UP_BUTTON, 2), U(UP_BUTTON, 3), U(UP_BUTTON, 4)},
	    4);

	f = &d->fields[1];
	assert_int_equal(f->bit_offset, 8);
	assert_int_equal(f->report_size, 1);
	assert_int_equal(f->report_count, 4);
	assert_int_equal(f->logical_maximum, 1);
	assert_int_equal(f->offset, 36);
	assert_usages(
	    f, (const uint32_t[]){U(UP_GD, 0x30), U(UP_GD, 0x31), U(UP_GD, 0x32), U(UP_GD, 0x35)},
	    4);
}

static void test_push_pop_max_depth(void **state)
{
	uint8_t buf[2 * HID_MAX_PUSH_DEPTH];

	memset(buf, 0xa4, HID_MAX_PUSH_DEPTH);
	memset(buf + HID_MAX_PUSH_DEPTH, 0xb4, HID_MAX_PUSH_DEPTH);
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = parse_ok(buf, sizeof(buf));
	assert_int_equal(d->nreports, 0);
	assert_int_equal(d->nfields, 0);
}

struct signedness_case {
	const char *name;
	uint8_t items[12]; /* logical/physical min/max items */
	size_t len;
	int32_t lmin, lmax, pmin, pmax;
};

/* Kernel hid_parser_global(): minimums are always signed, a maximum is
 * signed only when its minimum is negative. */
static const struct signedness_case signedness_cases[] = {
    {"0..255 in one byte", {0x15, 0x00, 0x25, 0xff}, 4, 0, 255, 0, 0},
    {"-127..127", {0x15, 0x81, 0x25, 0x7f}, 4, -127, 127, 0, 0},
    {"-1..-1", {0x15, 0xff, 0x25, 0xff}, 4, -1, -1, 0, 0},
    {"-32768..32767", {0x16, 0x00, 0x80, 0x26, 0xff, 0x7f}, 6, -32768, 32767, 0, 0},
    {"-128..255 with a 2-byte max", {0x15, 0x80, 0x26, 0xff, 0x00}, 5, -128, 255, 0, 0},
    {"1..128", {0x15, 0x01, 0x25, 0x80}, 4, 1, 128, 0, 0},
    {"0..0xffffffff", {0x15, 0x00, 0x27, 0xff, 0xff, 0xff, 0xff}, 7, 0, -1, 0, 0},
    {"0..65535 in two bytes", {0x15, 0x00, 0x26, 0xff, 0xff}, 5, 0, 65535, 0, 0},
    {"physical 0..255", {0x35, 0x00, 0x45, 0xff}, 4, 0, 0, 0, 255},
    {"physical -1..-1", {0x35, 0xff, 0x45, 0xff}, 4, 0, 0, -1, -1},
    {"physical -90..90", {0x35, 0xa6, 0x45, 0x5a}, 4, 0, 0, -90, 90},
    {"physical 0..4095", {0x35, 0x00, 0x46, 0xff, 0x0f}, 5, 0, 0, 0, 4095},
};

static void test_logical_physical_signedness(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(signedness_cases); i++) {
		const struct signedness_case *c = &signedness_cases[i];
		uint8_t buf[64];
		size_t n = 0;

		/* Usage (X), <items>, Report Size (8), Report Count (1), Input */
		memcpy(buf, (const uint8_t[]){0x05, 0x01, 0x09, 0x30}, 4);
		n = 4;
		memcpy(buf + n, c->items, c->len);
		n += c->len;
		memcpy(buf + n, (const uint8_t[]){0x75, 0x08, 0x95, 0x01, 0x81, 0x02}, 6);
		n += 6;

		_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = parse_ok(buf, n);
		const struct hid_field *f = &d->fields[0];
		if (f->logical_minimum != c->lmin || f->logical_maximum != c->lmax ||
		    f->physical_minimum != c->pmin || f->physical_maximum != c->pmax)
			fail_msg("%s: got %d..%d / %d..%d", c->name, f->logical_minimum,
			         f->logical_maximum, f->physical_minimum, f->physical_maximum);
		/* no collection: allowed, as in the kernel, application 0 */
		assert_int_equal(f->application, 0);
		assert_int_equal(d->ncollections, 0);
	}
}

struct exponent_case {
	uint8_t items[3];
	size_t len;
	int32_t exponent;
};

/* Kernel hid_parser_global(): 0..15 is a 4-bit two's complement nibble
 * (HID 1.11 6.2.2.7), anything else is taken as a plain signed value. */
static const struct exponent_case exponent_cases[] = {
    {{0x55, 0x00}, 2, 0},
    {{0x55, 0x07}, 2, 7},
    {{0x55, 0x08}, 2, -8},
    {{0x55, 0x0e}, 2, -2},
    {{0x55, 0x0f}, 2, -1},
    {{0x55, 0xfe}, 2, -2},
    {{0x55, 0x10}, 2, 16},
    {{0x56, 0x0d, 0x00}, 3, -3},
    {{0x56, 0xf0, 0xff}, 3, -16},
    {{0x56, 0x00, 0x01}, 3, 256},
    {{0x54}, 1, 0},
};

static void test_unit_exponent(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(exponent_cases); i++) {
		const struct exponent_case *c = &exponent_cases[i];
		uint8_t buf[32];
		size_t n;

		/* Usage (X), Unit (0x11: cm), <exponent>, 8 bits x 1, Input */
		memcpy(buf, (const uint8_t[]){0x05, 0x01, 0x09, 0x30, 0x65, 0x11}, 6);
		n = 6;
		memcpy(buf + n, c->items, c->len);
		n += c->len;
		memcpy(buf + n, (const uint8_t[]){0x75, 0x08, 0x95, 0x01, 0x81, 0x02}, 6);
		n += 6;

		_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = parse_ok(buf, n);
		if (d->fields[0].unit_exponent != c->exponent)
			fail_msg("case %zu: exponent %d, expected %d", i,
			         d->fields[0].unit_exponent, c->exponent);
		assert_int_equal(d->fields[0].unit, 0x11);
	}
}

/* ---- usages --------------------------------------------------------------- */

/* The examples of HID 1.11 6.2.2.8 as the kernel implements them in
 * hid_concatenate_last_usage_page(). */
static void test_usage_page_after_usages(void **state)
{
	/* Page given after the usages: the page at the main item wins. */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d1 = parse_ok(
	    BYTES(0x05, 0x09, 0x09, 0x01, 0x09, 0x02, /* Usage Page (Button), Usage 1, Usage 2 */
	          0x05, 0x01,                         /* Usage Page (Generic Desktop) */
	          0x75, 0x01, 0x95, 0x02, 0x81, 0x02));
	assert_usages(&d1->fields[0], (const uint32_t[]){U(UP_GD, 1), U(UP_GD, 2)}, 2);

	/* Each usage already has the page at the main item's time or is
	 * completed: walking back stops at the first one that has it. */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d2 =
	    parse_ok(BYTES(0x05, 0x01, 0x09, 0x30, /* Usage Page (GD), Usage (X) */
	                   0x05, 0x09, 0x09, 0x01, /* Usage Page (Button), Usage (1) */
	                   0x75, 0x01, 0x95, 0x02, 0x81, 0x02));
	assert_usages(&d2->fields[0], (const uint32_t[]){U(UP_GD, 0x30), U(UP_BUTTON, 1)}, 2);

	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d3 =
	    parse_ok(BYTES(0x05, 0x09, 0x09, 0x01, /* Usage Page (Button), Usage (1) */
	                   0x05, 0x01, 0x09, 0x30, /* Usage Page (GD), Usage (X) */
	                   0x05, 0x09,             /* Usage Page (Button) */
	                   0x75, 0x01, 0x95, 0x02, 0x81, 0x02));
	assert_usages(&d3->fields[0], (const uint32_t[]){U(UP_BUTTON, 1), U(UP_BUTTON, 0x30)}, 2);

	/* The collection usage is completed the same way. */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d4 =
	    parse_ok(BYTES(0x09, 0x02, 0x05, 0x01, 0xa1, 0x01, 0xc0));
	assert_int_equal(d4->collections[0].usage, U(UP_GD, 0x02));
}

static void test_extended_usages(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x05, 0x09,                   /*  0: Usage Page (Button) */
	                   0x0b, 0x31, 0x00, 0x01, 0x00, /*  2: Usage (GD Y), 4 bytes */
	                   0x09, 0x01,                   /*  7: Usage (1) -> Button 1 */
	                   0x0b, 0x42, 0x00, 0x0d, 0x00, /*  9: Usage (Digitizer Tip Switch) */
	                   0x75, 0x01, 0x95, 0x03, 0x81, 0x02,
	                   /* 4-byte Usage Minimum/Maximum: the range keeps its page */
	                   0x05, 0x01,                   /* Usage Page (GD) */
	                   0x1b, 0x01, 0x00, 0x09, 0x00, /* Usage Minimum (Button 1) */
	                   0x2b, 0x03, 0x00, 0x09, 0x00, /* Usage Maximum (Button 3) */
	                   0x81, 0x02,
	                   /* 4-byte usage with a page above 0x00ff */
	                   0x0b, 0x01, 0x00, 0x00, 0xff, /* Usage (0xff000001) */
	                   0x95, 0x01, 0x81, 0x02));

	assert_int_equal(d->nfields, 3);
	assert_usages(&d->fields[0],
	              (const uint32_t[]){U(UP_GD, 0x31), U(UP_BUTTON, 1), U(0x000d, 0x42)}, 3);
	assert_usages(&d->fields[1],
	              (const uint32_t[]){U(UP_BUTTON, 1), U(UP_BUTTON, 2), U(UP_BUTTON, 3)}, 3);
	assert_usages(&d->fields[2], (const uint32_t[]){0xff000001u}, 1);
}

static void test_usage_ranges(void **state)
{
	/* A range past HID_MAX_USAGES is cut, not refused (kernel
	 * hid_parser_local()): 0..0xffff becomes 0..12287. */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d1 = parse_ok(BYTES(
	    0x06, 0x00, 0xff, 0x19, 0x00, 0x2a, 0xff, 0xff, 0x75, 0x08, 0x95, 0x01, 0x81, 0x00));
	assert_int_equal(d1->fields[0].maxusage, HID_MAX_USAGES);
	assert_int_equal(d1->fields[0].usage[0].hid, 0xff000000u);
	assert_int_equal(d1->fields[0].usage[HID_MAX_USAGES - 1].hid,
	                 0xff000000u + HID_MAX_USAGES - 1);

	/* Maximum below minimum: the kernel's unsigned count wraps, gets cut
	 * to the slots left, and the range runs upwards from the minimum. */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d2 =
	    parse_ok(BYTES(0x05, 0x09, 0x19, 0x05, 0x29, 0x03, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02));
	assert_int_equal(d2->fields[0].maxusage, HID_MAX_USAGES);
	assert_int_equal(d2->fields[0].usage[0].hid, U(UP_BUTTON, 5));
	assert_int_equal(d2->fields[0].usage[HID_MAX_USAGES - 1].hid,
	                 U(UP_BUTTON, 5 + HID_MAX_USAGES - 1));

	/* Single usages and a range mix, in declaration order. */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d3 =
	    parse_ok(BYTES(0x05, 0x09, 0x09, 0x08, 0x19, 0x01, 0x29, 0x03, 0x09, 0x10, 0x75, 0x01,
	                   0x95, 0x05, 0x81, 0x02));
	assert_usages(&d3->fields[0],
	              (const uint32_t[]){U(UP_BUTTON, 8), U(UP_BUTTON, 1), U(UP_BUTTON, 2),
	                                 U(UP_BUTTON, 3), U(UP_BUTTON, 0x10)},
	              5);
}

/* maxusage = max(usages, report count); extra slots repeat the last usage
 * (kernel hid_add_field()). */
static void test_maxusage(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x05, 0x09, 0x09, 0x01, 0x09, 0x02, 0x75, 0x01, 0x95, 0x04, 0x81,
	                   0x02,                                     /* 2 usages, 4 values */
	                   0x19, 0x01, 0x29, 0x08, 0x95, 0x02, 0x81, /* 8 usages, 2 values */
	                   0x00, 0x09, 0x07, 0x95, 0x00, 0x81, 0x02 /* 1 usage, 0 values */));

	assert_int_equal(d->nfields, 3);
	assert_usages(
	    &d->fields[0],
	    (const uint32_t[]){U(UP_BUTTON, 1), U(UP_BUTTON, 2), U(UP_BUTTON, 2), U(UP_BUTTON, 2)},
	    4);
	assert_int_equal(d->fields[1].report_count, 2);
	assert_int_equal(d->fields[1].maxusage, 8);
	assert_int_equal(d->fields[1].bit_offset, 4);
	assert_int_equal(d->fields[2].report_count, 0);
	assert_int_equal(d->fields[2].maxusage, 1);
	assert_int_equal(d->fields[2].bit_offset, 6);
	assert_int_equal(d->reports[0].size_bits, 6);
}

/* Local state is reset by every main item, including Collection, End
 * Collection and unknown main tags (kernel hid_parser_main()). */
static void test_local_reset(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, /* Usage (Mouse) is used up here */
	                   0x75, 0x08, 0x95, 0x01, 0x81, 0x02, /* no usage left: padding */
	                   0x09, 0x30, 0xd0,                   /* Usage (X), unknown main tag 0xd */
	                   0x81, 0x02,                         /* padding again */
	                   0x09, 0x31, 0x81, 0x06,             /* Y */
	                   0xc0));

	assert_int_equal(d->nfields, 1);
	assert_int_equal(d->fields[0].bit_offset, 16);
	assert_usages(&d->fields[0], (const uint32_t[]){U(UP_GD, 0x31)}, 1);
	assert_int_equal(d->reports[0].size_bits, 24);
}

/* Kernel hid_parser_local(): only the first delimited set counts. */
static void test_delimiters(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, /* Mouse application */
	                   0x09, 0x38, /* Usage (Wheel), before any delimiter */
	                   0xa9, 0x01, 0x09, 0x30, 0xa9, 0x00, /* Delimiter { Usage (X) } */
	                   0xa9, 0x01, 0x09, 0x31, 0x19, 0x40, /* Delimiter { Usage (Y), */
	                   0x29, 0x42, 0xa9, 0x00,             /*   Usage Min/Max } ignored */
	                   0x75, 0x08, 0x95, 0x01, 0x81, 0x06, 0xc0));

	assert_usages(&d->fields[0], (const uint32_t[]){U(UP_GD, 0x38), U(UP_GD, 0x30)}, 2);
}

static void test_collections(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = parse_ok(
	    BYTES(0x05, 0x0d, 0x09, 0x04, 0xa1, 0x01, /*  0: Touch Screen, Application (0) */
	          0x09, 0x22, 0xa1, 0x02,             /*  6:   Finger, Logical (1) */
	          0x09, 0x42, 0xa1, 0x00,             /* 10:     Tip Switch, Physical (2) */
	          0x09, 0x42,                         /* 14:       Usage (Tip Switch) */
	          0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, /* 16: Input */
	          0xc0,                               /* 26:     End Collection */
	          0xc0,                               /* 27:   End Collection */
	          0x09, 0x55, 0x25, 0x0a, 0x75, 0x08, /* 28:   Contact Count Maximum */
	          0xb1, 0x02,                         /* 34:   Feature */
	          0xc0,                               /* 36: End Collection */
	          0x09, 0x02, 0xa1, 0x01,             /* 37: Pen, Application (3) */
	          0xa1, 0xff,                         /* 41:   vendor collection type (4) */
	          0xc0, 0xc0));
	const struct hid_field *f;

	assert_int_equal(d->ncollections, 5);
	assert_int_equal(d->maxapplication, 2);
	assert_int_equal(d->collections[1].type, HID_COLLECTION_LOGICAL);
	assert_int_equal(d->collections[1].usage, U(0x0d, 0x22));
	assert_int_equal(d->collections[1].parent, 0);
	assert_int_equal(d->collections[2].type, HID_COLLECTION_PHYSICAL);
	assert_int_equal(d->collections[2].usage, U(0x0d, 0x42));
	assert_int_equal(d->collections[2].level, 2);
	assert_int_equal(d->collections[2].parent, 1);
	assert_int_equal(d->collections[2].offset, 12);
	assert_int_equal(d->collections[3].usage, U(0x0d, 0x02));
	assert_int_equal(d->collections[3].level, 0);
	assert_int_equal(d->collections[3].parent, -1);
	assert_int_equal(d->collections[4].type, 0xff);
	assert_int_equal(d->collections[4].usage, 0);
	assert_int_equal(d->collections[4].level, 1);
	assert_int_equal(d->collections[4].parent, 3);

	assert_int_equal(d->nfields, 2);
	f = &d->fields[0];
	assert_int_equal(f->application, U(0x0d, 0x04));
	assert_int_equal(f->logical, U(0x0d, 0x22));
	assert_int_equal(f->physical, U(0x0d, 0x42));
	assert_int_equal(f->collection, 2);
	assert_int_equal(f->usage[0].collection_index, 2);
	assert_usages(f, (const uint32_t[]){U(0x0d, 0x42)}, 1);

	/* back in the application only */
	f = &d->fields[1];
	assert_int_equal(f->type, HID_FEATURE_REPORT);
	assert_int_equal(f->logical_maximum, 10);
	assert_int_equal(f->application, U(0x0d, 0x04));
	assert_int_equal(f->logical, 0);
	assert_int_equal(f->physical, 0);
	assert_int_equal(f->collection, 0);
	assert_int_equal(f->usage[0].collection_index, 0);
	assert_int_equal(hid_descriptor_find_report(d, HID_FEATURE_REPORT, 0)->size_bits, 8);
	assert_int_equal(hid_descriptor_find_report(d, HID_INPUT_REPORT, 0)->size_bits, 1);
}

/* Kernel hid_register_field(): past 256 fields a report drops further
 * fields without failing; their bits still count. */
static void test_fields_per_report(void **state)
{
	uint8_t buf[4 + 3 * 257];

	memcpy(buf, (const uint8_t[]){0x75, 0x01, 0x95, 0x01}, 4);
	for (unsigned i = 0; i < 257; i++)
		memcpy(buf + 4 + 3 * i, (const uint8_t[]){0x09, 0x01, 0x80}, 3);

	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = parse_ok(buf, sizeof(buf));
	assert_int_equal(d->nfields, 256);
	assert_int_equal(d->reports[0].nfields, 256);
	assert_int_equal(d->reports[0].size_bits, 257);
	assert_int_equal(d->fields[255].bit_offset, 255);
}

/* A Report Size above 32 is fine for padding, which carries no value. */
static void test_wide_padding(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x75, 0x40, 0x95, 0x01, 0x81, 0x03, /* 64 bits of padding */
	                   0x05, 0x01, 0x09, 0x30, 0x75, 0x20, 0x81, 0x02));
	assert_int_equal(d->nfields, 1);
	assert_int_equal(d->fields[0].bit_offset, 64);
	assert_int_equal(d->fields[0].report_size, 32);
	assert_int_equal(d->reports[0].size_bits, 96);
}

/* Reserved item type 3 is skipped, as in the kernel. */
static void test_reserved_items(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(BYTES(0x05, 0x01, 0x0d, 0x55, 0x09, 0x30, 0x0f, 0x01, 0x02, 0x03, 0x04, 0x75,
	                   0x08, 0x95, 0x01, 0x81, 0x02));
	assert_int_equal(d->nfields, 1);
	assert_usages(&d->fields[0], (const uint32_t[]){U(UP_GD, 0x30)}, 1);
}

static void test_limits_accepted(void **state)
{
	/* exactly HID_MAX_REPORT_BYTES: 32 bits x 2048 */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d1 =
	    parse_ok(BYTES(0x05, 0x01, 0x09, 0x30, 0x75, 0x20, 0x96, 0x00, 0x08, 0x81, 0x02));
	assert_int_equal(d1->reports[0].size_bits, HID_MAX_REPORT_BYTES * 8);

	/* exactly HID_RDESC_MAX_SIZE bytes */
	uint8_t *buf = malloc(HID_RDESC_MAX_SIZE);
	assert_non_null(buf);
	for (unsigned i = 0; i < HID_RDESC_MAX_SIZE; i += 2) {
		buf[i] = 0xa4;
		buf[i + 1] = 0xb4;
	}
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d2 =
	    parse_ok(buf, HID_RDESC_MAX_SIZE);
	assert_int_equal(d2->nreports, 0);
	free(buf);

	/* a range of exactly HID_MAX_USAGES, then nothing more */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d3 =
	    parse_ok(BYTES(0x19, 0x00, 0x2a, 0xff, 0x2f, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02));
	assert_int_equal(d3->fields[0].maxusage, HID_MAX_USAGES);
}

/* full fields of 12288 usages that fit HID_MAX_TOTAL_USAGES */
#define FULL_FIELDS (HID_MAX_TOTAL_USAGES / HID_MAX_USAGES)

/*
 * The audit's 242-byte descriptor (issue 26): a keyboard application with
 * 32 array fields of Usage Minimum 0, Usage Maximum 0x2fff (12288 usages
 * each, the kernel's per-field limit), Report Size 16, Report Count 1.  The
 * kernel takes it (393,216 usage slots); hidmapd refuses it at the sixth
 * Input item, the one that passes HID_MAX_TOTAL_USAGES, and so costs only
 * the five fields parsed so far.  Five such fields are accepted.
 */
static size_t huge_array_descriptor(uint8_t *buf, unsigned nfields)
{
	static const uint8_t head[] = {
	    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01,       /* Generic Desktop, Keyboard, Application */
	    0x05, 0x07, 0x15, 0x00, 0x26, 0xff, 0x2f, /* Keyboard page, Logical 0..0x2fff */
	    0x75, 0x10, 0x95, 0x01,                   /* 16 bits x 1 */
	};
	size_t n = sizeof(head);

	memcpy(buf, head, sizeof(head));
	for (unsigned i = 0; i < nfields; i++) {
		/* Usage Minimum (0), Usage Maximum (0x2fff), Input (Data,Array,Abs) */
		memcpy(buf + n, (const uint8_t[]){0x19, 0x00, 0x2a, 0xff, 0x2f, 0x81, 0x00}, 7);
		n += 7;
	}
	buf[n++] = 0xc0;
	return n;
}

static void test_huge_array_fields(void **state)
{
	uint8_t buf[256];
	struct hid_descriptor *d = NULL;
	struct hid_parse_error error = {0};
	size_t n = huge_array_descriptor(buf, 32);

	assert_int_equal(n, 242);
	assert_int_equal(hid_descriptor_parse(buf, n, &d, &error), -E2BIG);
	assert_null(d);
	/* at the Input item of the sixth field */
	assert_int_equal(error.offset, 17 + 7 * FULL_FIELDS + 5);
	assert_non_null(strstr(error.message, "more than 65536 usages in all fields"));

	n = huge_array_descriptor(buf, FULL_FIELDS);
	assert_int_equal(hid_descriptor_parse(buf, n, &d, &error), 0);
	assert_int_equal(d->nfields, FULL_FIELDS);
	for (unsigned i = 0; i < d->nfields; i++)
		assert_int_equal(d->fields[i].maxusage, HID_MAX_USAGES);
	hid_descriptor_free(d);
}

/*
 * hidtools' BadReportDescriptorMouse (a syzbot find).  Decoded:
 *   96 01 00        Report Count (1)
 *   06 01 00        Usage Page (Generic Desktop)
 *   2a 90 a0        Usage Maximum (0xa090): minimum 0 -> cut to 12288 usages
 *   27 00 00 00 00  Logical Maximum (0)
 *   b3 81 3e 25 03  Feature (0x03253e81) with the initial Report Size 0
 *   1b dd e8 40 50  Usage Minimum (4 bytes)
 *   3b 5d 8c 3d da  local tag 3 (Designator Index), ignored
 * hid_open_report() accepts it and registers a zero-sized Feature report
 * with one field of Report Size 0 (hid_add_field() keeps it: 12288 usages,
 * one value that always reads 0).
 */
static const uint8_t bad_report_descriptor_mouse[] = {
    0x96, 0x01, 0x00, 0x06, 0x01, 0x00, 0x2a, 0x90, 0xa0, 0x27, 0x00, 0x00, 0x00, 0x00, 0xb3,
    0x81, 0x3e, 0x25, 0x03, 0x1b, 0xdd, 0xe8, 0x40, 0x50, 0x3b, 0x5d, 0x8c, 0x3d, 0xda,
};

static void test_bad_report_descriptor_mouse(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(bad_report_descriptor_mouse, sizeof(bad_report_descriptor_mouse));

	assert_int_equal(d->ncollections, 0);
	assert_int_equal(d->nreports, 1);
	assert_int_equal(d->reports[0].type, HID_FEATURE_REPORT);
	assert_int_equal(d->reports[0].id, 0);
	assert_int_equal(d->reports[0].size_bits, 0);
	assert_int_equal(d->reports[0].nfields, 1);
	assert_int_equal(d->nfields, 1);
	assert_int_equal(d->fields[0].report_size, 0);
	assert_int_equal(d->fields[0].report_count, 1);
	assert_int_equal(d->fields[0].maxusage, HID_MAX_USAGES);
	assert_false(d->numbered);
}

/*
 * Report Size (0), as hid-tools' SaitekGamepad (a kernel HID selftest,
 * tools/testing/selftests/hid/tests/test_gamepad.py) declares it before its
 * hat switch: the kernel's hid_parser_global() accepts any size up to 256,
 * hid_add_field() moves the report by size x count = 0 bits and keeps a
 * field with usages (report_size 0, values that read 0), and skips one
 * without usages like any padding.
 */
static const uint8_t report_size_zero[] = {
    0x05, 0x01,       /*  0: Usage Page (Generic Desktop) */
    0x09, 0x05,       /*  2: Usage (Game Pad) */
    0xa1, 0x01,       /*  4: Collection (Application) */
    0x15, 0x00,       /*  6: Logical Minimum (0) */
    0x26, 0xff, 0x00, /*  8: Logical Maximum (255) */
    0x75, 0x08,       /* 11: Report Size (8) */
    0x95, 0x01,       /* 13: Report Count (1) */
    0x09, 0x30,       /* 15: Usage (X) */
    0x81, 0x02,       /* 17: Input (Data,Var,Abs): bits 0-7 */
    0x09, 0x32,       /* 19: Usage (Z) */
    0x75, 0x00,       /* 21: Report Size (0) */
    0x81, 0x02,       /* 23: Input (Data,Var,Abs): 0 bits at 8 */
    0x05, 0x09,       /* 25: Usage Page (Button) */
    0x19, 0x01,       /* 27: Usage Minimum (1) */
    0x29, 0x04,       /* 29: Usage Maximum (4) */
    0x25, 0x01,       /* 31: Logical Maximum (1) */
    0x75, 0x01,       /* 33: Report Size (1) */
    0x95, 0x04,       /* 35: Report Count (4) */
    0x81, 0x02,       /* 37: Input (Data,Var,Abs): bits 8-11 */
    0x95, 0x01,       /* 39: Report Count (1) */
    0x75, 0x00,       /* 41: Report Size (0) */
    0x81, 0x03,       /* 43: Input (Cnst,Var,Abs): 0 bits of padding */
    0x75, 0x01,       /* 45: Report Size (1) */
    0x95, 0x04,       /* 47: Report Count (4) */
    0x81, 0x03,       /* 49: Input (Cnst,Var,Abs): bits 12-15 */
    0xc0,             /* 51: End Collection */
};

static void test_report_size_zero(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d =
	    parse_ok(report_size_zero, sizeof(report_size_zero));
	const uint8_t payload[] = {0xff, 0xff};
	const struct hid_field *z;

	assert_int_equal(d->nreports, 1);
	assert_int_equal(d->reports[0].size_bits, 16);
	assert_int_equal(d->nfields, 3);

	z = &d->fields[1];
	assert_int_equal(z->report_size, 0);
	assert_int_equal(z->report_count, 1);
	assert_int_equal(z->bit_offset, 8);
	assert_usages(z, (const uint32_t[]){U(UP_GD, 0x32)}, 1);
	assert_int_equal(z->logical_maximum, 255);
	/* a 0-bit value reads 0, whatever the bytes */
	assert_int_equal(hid_field_get_value(z, payload, sizeof(payload), 0), 0);

	/* the buttons right after X: the 0-bit fields take no room */
	assert_int_equal(d->fields[2].bit_offset, 8);
	assert_int_equal(d->fields[2].report_size, 1);
	assert_int_equal(d->fields[2].report_count, 4);
}

/* ---- malformed descriptors ------------------------------------------------ */

static size_t gen_push_overflow(uint8_t *buf)
{
	memset(buf, 0xa4, HID_MAX_PUSH_DEPTH + 1);
	return HID_MAX_PUSH_DEPTH + 1;
}

static size_t gen_collection_depth(uint8_t *buf)
{
	for (unsigned i = 0; i <= HID_MAX_COLLECTION_DEPTH; i++) {
		buf[2 * i] = 0xa1;
		buf[2 * i + 1] = 0x00;
	}
	return 2 * (HID_MAX_COLLECTION_DEPTH + 1);
}

static size_t gen_too_many_collections(uint8_t *buf)
{
	for (unsigned i = 0; i <= HID_MAX_COLLECTIONS; i++)
		memcpy(buf + 3 * i, (const uint8_t[]){0xa1, 0x00, 0xc0}, 3);
	return 3 * (HID_MAX_COLLECTIONS + 1);
}

static size_t gen_too_many_fields(uint8_t *buf)
{
	size_t n = 4;

	/* Report Size (1), Report Count (1), then Usage (1), Input (), with a
	 * new Report ID every 256 fields, the kernel's limit per report */
	memcpy(buf, (const uint8_t[]){0x75, 0x01, 0x95, 0x01}, 4);
	for (unsigned i = 0; i <= HID_MAX_FIELDS; i++) {
		if (i % 256 == 0) {
			buf[n++] = 0x85;
			buf[n++] = (uint8_t)(i / 256 + 1);
		}
		memcpy(buf + n, (const uint8_t[]){0x09, 0x01, 0x80}, 3);
		n += 3;
	}
	return n;
}

static size_t gen_too_many_total_usages(uint8_t *buf)
{
	/* one field of 12288 usages more than fit: Usage Maximum (0x2fff), Input () */
	memcpy(buf, (const uint8_t[]){0x75, 0x01, 0x95, 0x01}, 4);
	for (unsigned i = 0; i < FULL_FIELDS + 1; i++)
		memcpy(buf + 4 + 4 * i, (const uint8_t[]){0x2a, 0xff, 0x2f, 0x80}, 4);
	return 4 + 4 * (FULL_FIELDS + 1);
}

static size_t gen_too_big(uint8_t *buf)
{
	memset(buf, 0x00, HID_RDESC_MAX_SIZE + 1);
	return HID_RDESC_MAX_SIZE + 1;
}

struct malformed_case {
	const char *name;
	const uint8_t *data;
	size_t len;
	size_t (*gen)(uint8_t *buf);
	int error;
	size_t offset;
	const char *message; /* substring */
};

#define CASE(n, err, off, msg, ...)                                                                \
	{                                                                                          \
		.name = n, .data = (const uint8_t[]){__VA_ARGS__},                                 \
		.len = sizeof((const uint8_t[]){__VA_ARGS__}), .error = err, .offset = off,        \
		.message = msg                                                                     \
	}
#define GEN(n, g, err, off, msg)                                                                   \
	{                                                                                          \
		.name = n, .gen = g, .error = err, .offset = off, .message = msg                   \
	}

static const struct malformed_case malformed_cases[] = {
    /* item framing (kernel fetch_item()) */
    CASE("truncated 1-byte item", -EINVAL, 2, "truncated item 0x09", 0x05, 0x01, 0x09),
    CASE("truncated 4-byte item", -EINVAL, 2, "needs 4 data bytes, 2 left", 0x05, 0x01, 0x27, 0xff,
         0xff),
    CASE("long item truncated", -EINVAL, 2, "truncated long item", 0x05, 0x01, 0xfe, 0x05, 0x10,
         0x01, 0x02),
    CASE("long item header truncated", -EINVAL, 0, "truncated long item", 0xfe, 0x05),
    /* hid_open_report(): "unexpected long global item" */
    CASE("long item", -EINVAL, 2, "long item", 0x05, 0x01, 0xfe, 0x02, 0x10, 0xaa, 0xbb, 0x05,
         0x01),
    CASE("tag 0xf with short sizes is long too", -EINVAL, 0, "long item", 0xf4, 0x00, 0x00),
    /* global items */
    CASE("report size 257", -EINVAL, 0, "report size 257 (must be 0..256)", 0x76, 0x01, 0x01),
    /* 32 x 0x08000000 = 2^32 would wrap; the kernel's count limit stops it */
    CASE("count x size overflow", -E2BIG, 2, "report count 134217728", 0x75, 0x20, 0x97, 0x00, 0x00,
         0x00, 0x08, 0x81, 0x02),
    CASE("count 12289", -E2BIG, 0, "report count 12289", 0x96, 0x01, 0x30),
    CASE("report too large", -E2BIG, 9, "longer than 8192 bytes", 0x05, 0x01, 0x09, 0x30, 0x75,
         0x20, 0x96, 0x01, 0x08, 0x81, 0x02),
    CASE("report too large, padding only", -E2BIG, 5, "longer than 8192 bytes", 0x75, 0x20, 0x96,
         0x01, 0x08, 0x81, 0x03),
    CASE("report too large, accumulated", -E2BIG, 13, "longer than 8192 bytes", 0x75, 0x20, 0x96,
         0x00, 0x08, 0x81, 0x03, 0x75, 0x01, 0x95, 0x01, 0x09, 0x01, 0x81, 0x02),
    CASE("report ID 0", -EINVAL, 0, "report ID 0", 0x85, 0x00),
    CASE("report ID 256", -EINVAL, 0, "report ID 256", 0x86, 0x00, 0x01),
    CASE("pop without push", -EINVAL, 2, "pop without push", 0x05, 0x01, 0xb4),
    CASE("pop after balanced push/pop", -EINVAL, 2, "pop without push", 0xa4, 0xb4, 0xb4),
    GEN("push overflow", gen_push_overflow, -E2BIG, HID_MAX_PUSH_DEPTH, "push"),
    CASE("unknown global tag", -EINVAL, 2, "unknown global item tag 0xc", 0x05, 0x01, 0xc4),
    CASE("logical max below min", -EINVAL, 8, "logical maximum 2 below logical minimum 5", 0x15,
         0x05, 0x25, 0x02, 0x75, 0x01, 0x95, 0x01, 0x81, 0x03),
    CASE("negative logical max below min", -EINVAL, 12, "logical maximum -2", 0x09, 0x30, 0x15,
         0xff, 0x25, 0xfe, 0x75, 0x08, 0x95, 0x01, 0x09, 0x30, 0x81, 0x02),
    /* collections */
    CASE("end collection without collection", -EINVAL, 7, "end collection", 0x05, 0x01, 0x09, 0x02,
         0xa1, 0x01, 0xc0, 0xc0),
    CASE("unclosed collection", -EINVAL, 4, "not closed", 0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09,
         0x01, 0xa1, 0x00, 0xc0),
    GEN("collection depth", gen_collection_depth, -E2BIG, 2 * HID_MAX_COLLECTION_DEPTH,
        "nested deeper than 32"),
    GEN("too many collections", gen_too_many_collections, -E2BIG, 3 * HID_MAX_COLLECTIONS,
        "more than 1024 collections"),
    /* usages */
    CASE("too many usages", -E2BIG, 5, "too many usages", 0x19, 0x00, 0x2a, 0xff, 0x2f, 0x09, 0x01),
    CASE("too many usages by range", -E2BIG, 7, "too many usages", 0x19, 0x00, 0x2a, 0xff, 0x2f,
         0x19, 0x01, 0x29, 0x05),
    /* n wraps from 0xffffffff to 0 in the kernel's loop until the limit */
    CASE("range up to 0xffffffff", -E2BIG, 5, "too many usages", 0x1b, 0xf0, 0xff, 0xff, 0xff, 0x2b,
         0xff, 0xff, 0xff, 0xff),
    /* 4 header bytes, 5 Report IDs, 1024 fields, then the Usage of the 1025th */
    GEN("too many fields", gen_too_many_fields, -E2BIG, 4 + 2 * 5 + 3 * HID_MAX_FIELDS + 2,
        "more than 1024 fields"),
    GEN("too many usages in all fields", gen_too_many_total_usages, -E2BIG, 4 + 4 * FULL_FIELDS + 3,
        "more than 65536 usages in all fields"),
    /* delimiters */
    CASE("nested delimiters", -EINVAL, 2, "nested delimiters", 0xa9, 0x01, 0xa9, 0x01),
    CASE("close delimiter without open", -EINVAL, 0, "without open", 0xa9, 0x00),
    CASE("unclosed delimiter", -EINVAL, 0, "delimiter not closed", 0xa9, 0x01, 0x09, 0x30),
    /* whole descriptor */
    GEN("descriptor too big", gen_too_big, -E2BIG, 0, "4097 bytes"),
    /* kernel hid_open_report(): fetching the first item fails */
    {.name = "empty descriptor",
     .data = (const uint8_t[]){0},
     .len = 0,
     .error = -EINVAL,
     .offset = 0,
     .message = "empty"},
};

static void test_malformed(void **state)
{
	uint8_t *buf = malloc(HID_RDESC_MAX_SIZE + 16);

	assert_non_null(buf);
	for (size_t i = 0; i < ARRAY_SIZE(malformed_cases); i++) {
		const struct malformed_case *c = &malformed_cases[i];
		struct hid_descriptor *d = NULL;
		struct hid_parse_error err;
		size_t len = c->len;
		const uint8_t *data = c->data;
		int r;

		if (c->gen) {
			len = c->gen(buf);
			data = buf;
		}
		memset(&err, 0xaa, sizeof(err));
		r = hid_descriptor_parse(data, len, &d, &err);
		if (r != c->error || err.offset != c->offset || !strstr(err.message, c->message))
			fail_msg("%s: got %d at %zu \"%s\", expected %d at %zu \"%s\"", c->name, r,
			         err.offset, err.message, c->error, c->offset, c->message);
		assert_null(d);

		/* the error report is optional */
		assert_int_equal(hid_descriptor_parse(data, len, &d, NULL), c->error);
		assert_null(d);
	}
	free(buf);
}

/* ---- bit access ----------------------------------------------------------- */

static void test_get_bits(void **state)
{
	const uint8_t buf[] = {0xa5, 0x3c, 0xff, 0x00, 0x81};
	const struct {
		uint32_t offset;
		unsigned nbits;
		uint32_t value;
	} cases[] = {
	    {0, 8, 0xa5},        {0, 0, 0},
	    {2, 1, 1},                         /* 0xa5 = 1010 0101 */
	    {3, 1, 0},           {4, 8, 0xca}, /* high nibble of 0xa5, low nibble of 0x3c */
	    {12, 12, 0xff3},                   /* 0x3 from byte 1, 0xff from byte 2 */
	    {7, 2, 0x1},                       /* bit 7 of 0xa5 (1), bit 0 of 0x3c (0) */
	    {0, 32, 0x00ff3ca5}, {8, 32, 0x8100ff3c},
	    {4, 32, 0x100ff3ca}, /* 0x8100ff3ca5 >> 4, five bytes touched */
	    {36, 8, 0x08},       /* bits past the buffer read as 0 */
	    {40, 8, 0},          {0xfffffff0, 32, 0},
	    {0, 40, 0x00ff3ca5}, /* more than 32 bits: the low 32 */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t v = hid_get_bits(buf, sizeof(buf), cases[i].offset, cases[i].nbits);
		if (v != cases[i].value)
			fail_msg("case %zu: 0x%x, expected 0x%x", i, v, cases[i].value);
	}
	assert_int_equal(hid_get_bits(NULL, 0, 0, 8), 0);
}

static void test_put_bits(void **state)
{
	uint8_t buf[5] = {0};

	hid_put_bits(buf, sizeof(buf), 3, 5, 0x1f);
	assert_int_equal(buf[0], 0xf8);

	/* 0x2ab = 10 1010 1011: bit 0 to byte 0 bit 7, bits 1..8 = 0x55 to
	 * byte 1, bit 9 to byte 2 bit 0 */
	hid_put_bits(buf, sizeof(buf), 7, 10, 0x2ab);
	assert_memory_equal(buf, ((const uint8_t[]){0xf8, 0x55, 0x01, 0x00, 0x00}), 5);

	hid_put_bits(buf, sizeof(buf), 8, 32, 0xdeadbeef);
	assert_memory_equal(buf, ((const uint8_t[]){0xf8, 0xef, 0xbe, 0xad, 0xde}), 5);

	/* only the bits inside the buffer are written */
	hid_put_bits(buf, sizeof(buf), 36, 8, 0xff);
	assert_int_equal(buf[4], 0xfe);
	hid_put_bits(buf, sizeof(buf), 0xfffffff8, 32, 0xffffffff);

	/* neighbours are left alone, values wider than nbits are cut */
	memset(buf, 0xff, sizeof(buf));
	hid_put_bits(buf, sizeof(buf), 1, 2, 0);
	assert_int_equal(buf[0], 0xf9);
	memset(buf, 0, sizeof(buf));
	hid_put_bits(buf, sizeof(buf), 0, 4, 0xff);
	assert_int_equal(buf[0], 0x0f);
	assert_int_equal(buf[1], 0x00);

	/* round trip at every offset and width */
	for (uint32_t off = 0; off < 8; off++)
		for (unsigned n = 1; n <= 32; n++) {
			uint32_t v = 0x9e3779b9u & (n == 32 ? ~0u : (1u << n) - 1);
			memset(buf, 0x5a, sizeof(buf));
			hid_put_bits(buf, sizeof(buf), off, n, v);
			assert_int_equal(hid_get_bits(buf, sizeof(buf), off, n), v);
			if (off > 0)
				assert_int_equal(buf[0] & ((1u << off) - 1),
				                 0x5a & ((1u << off) - 1));
		}
}

static void test_field_get_value(void **state)
{
	/* three 4-bit values at bit 2: 0x9, 0x7, 0xf
	 * byte 0 = 0x9 << 2 | (0x7 & 3) << 6 = 0xe4; byte 1 = 0x7 >> 2 | 0xf << 2 = 0x3d */
	const uint8_t payload[] = {0xe4, 0x3d};
	struct hid_field f = {.bit_offset = 2,
	                      .report_size = 4,
	                      .report_count = 3,
	                      .logical_minimum = -8,
	                      .logical_maximum = 7};

	assert_int_equal(hid_field_get_value(&f, payload, sizeof(payload), 0), -7);
	assert_int_equal(hid_field_get_value(&f, payload, sizeof(payload), 1), 7);
	assert_int_equal(hid_field_get_value(&f, payload, sizeof(payload), 2), -1);
	assert_int_equal(hid_field_get_value(&f, payload, sizeof(payload), 3), 0);

	/* unsigned when the minimum is not negative, even if max < 0 */
	f.logical_minimum = 0;
	f.logical_maximum = 15;
	assert_int_equal(hid_field_get_value(&f, payload, sizeof(payload), 0), 9);
	assert_int_equal(hid_field_get_value(&f, payload, sizeof(payload), 2), 15);

	/* a short report reads as 0 past its end */
	assert_int_equal(hid_field_get_value(&f, payload, 1, 2), 0);

	const uint8_t p16[] = {0x00, 0x80, 0xff, 0xff, 0xff, 0xff};
	struct hid_field g = {.bit_offset = 0,
	                      .report_size = 16,
	                      .report_count = 1,
	                      .logical_minimum = -32768,
	                      .logical_maximum = 32767};
	assert_int_equal(hid_field_get_value(&g, p16, sizeof(p16), 0), -32768);
	g.logical_minimum = 0;
	assert_int_equal(hid_field_get_value(&g, p16, sizeof(p16), 0), 32768);

	struct hid_field h = {.bit_offset = 16,
	                      .report_size = 32,
	                      .report_count = 1,
	                      .logical_minimum = INT32_MIN,
	                      .logical_maximum = INT32_MAX};
	assert_int_equal(hid_field_get_value(&h, p16, sizeof(p16), 0), -1);
	/* bits 12..43: the 0x8 of byte 1, then ones */
	h.bit_offset = 12;
	assert_int_equal(hid_field_get_value(&h, p16, sizeof(p16), 0), -8);
	h.logical_minimum = 0;
	assert_int_equal((uint32_t)hid_field_get_value(&h, p16, sizeof(p16), 0), 0xfffffff8u);
	/* bits 24..55: three bytes of ones, zero past the end */
	h.bit_offset = 24;
	assert_int_equal(hid_field_get_value(&h, p16, sizeof(p16), 0), 0x00ffffff);
}

/* ---- names and dump ------------------------------------------------------- */

static void test_usage_names(void **state)
{
	const struct {
		uint32_t usage;
		const char *name;
	} cases[] = {
	    {U(UP_GD, 0x30), "X"},
	    {U(UP_GD, 0x02), "Mouse"},
	    {U(UP_GD, 0x39), "Hat Switch"},
	    {U(UP_GD, 0xff), "Generic Desktop 0x00FF"},
	    {U(0x02, 0xbb), "Throttle"},
	    {U(0x05, 0x20), "Point of View"},
	    {U(UP_KEYBOARD, 0x04), "Keyboard a and A"},
	    {U(UP_KEYBOARD, 0x1d), "Keyboard z and Z"},
	    {U(UP_KEYBOARD, 0x1e), "Keyboard 1 and !"},
	    {U(UP_KEYBOARD, 0x27), "Keyboard 0 and )"},
	    {U(UP_KEYBOARD, 0x3a), "Keyboard F1"},
	    {U(UP_KEYBOARD, 0x73), "Keyboard F24"},
	    {U(UP_KEYBOARD, 0x59), "Keypad 1"},
	    {U(UP_KEYBOARD, 0x58), "Keypad Enter"},
	    {U(UP_KEYBOARD, 0xe0), "Keyboard LeftControl"},
	    {U(UP_KEYBOARD, 0xff), "Keyboard 0xFF"},
	    {U(UP_LED, 0x02), "Caps Lock"},
	    {U(UP_BUTTON, 1), "Button 1"},
	    {U(UP_BUTTON, 300), "Button 300"},
	    {U(UP_CONSUMER, 0xcd), "Play/Pause"},
	    {U(UP_CONSUMER, 0x238), "AC Pan"},
	    {U(0x0d, 0x42), "Tip Switch"},
	    {0xff000001u, "Vendor 0xFF00:0x0001"},
	    {0x12345678u, "0x1234:0x5678"},
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *s = hid_usage_name(cases[i].usage, buf, sizeof(buf));
		assert_ptr_equal(s, buf);
		if (!streq(s, cases[i].name))
			fail_msg("0x%08x: \"%s\", expected \"%s\"", cases[i].usage, s,
			         cases[i].name);
	}

	/* truncated, still terminated */
	assert_string_equal(hid_usage_name(U(UP_BUTTON, 1), buf, 5), "Butt");

	assert_string_equal(hid_usage_page_name(0x01), "Generic Desktop");
	assert_string_equal(hid_usage_page_name(0x0c), "Consumer");
	assert_string_equal(hid_usage_page_name(0xff42), "Vendor Defined");
	assert_null(hid_usage_page_name(0x1234));
}

static char *dump_to_string(const struct hid_descriptor *d)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	hid_descriptor_dump(d, f);
	fclose(f);
	return s;
}

static void test_dump(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *m =
	    parse_ok(boot_mouse, sizeof(boot_mouse));
	_cleanup_free_ char *s = dump_to_string(m);
	const char *expect[] = {
	    "Application (0x01) Mouse, level 0",
	    "    1: Physical (0x00) Pointer, level 1, parent 0",
	    "Input report: 24 bits (3 bytes)",
	    "field 0 (#0): bit 0, 1 bit x 3, Data,Var,Abs",
	    "usages: Button 1 .. Button 3",
	    "field 1 (#1): bit 8, 8 bits x 2, Data,Var,Rel",
	    "logical -127..127",
	    "application Mouse, physical Pointer",
	    "usages: X, Y",
	};
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++)
		if (!strstr(s, expect[i]))
			fail_msg("\"%s\" missing from:\n%s", expect[i], s);

	_cleanup_(hid_descriptor_freep) struct hid_descriptor *k =
	    parse_ok(boot_keyboard, sizeof(boot_keyboard));
	_cleanup_free_ char *t = dump_to_string(k);
	const char *expect_kbd[] = {
	    "usages: Keyboard LeftControl .. Keyboard Right GUI",
	    "Output report: 8 bits (1 bytes)",
	    "usages: Num Lock .. Kana",
	    "bit 16, 8 bits x 6, Data,Arr,Abs",
	    "usages: Keyboard 0x00 .. Keyboard Application",
	};
	for (size_t i = 0; i < ARRAY_SIZE(expect_kbd); i++)
		if (!strstr(t, expect_kbd[i]))
			fail_msg("\"%s\" missing from:\n%s", expect_kbd[i], t);

	_cleanup_(hid_descriptor_freep) struct hid_descriptor *n =
	    parse_ok(numbered, sizeof(numbered));
	_cleanup_free_ char *u = dump_to_string(n);
	if (!strstr(u, "Input report ID 1 (0x01): 40 bits (5 bytes + ID byte)"))
		fail_msg("numbered report line missing from:\n%s", u);
	if (!strstr(u, "Feature report ID 3 (0x03)"))
		fail_msg("feature report line missing from:\n%s", u);

	/* repeats fold, flags past the first three show when set */
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *r =
	    parse_ok(BYTES(0x05, 0x01, 0x09, 0x39, 0x75, 0x04, 0x95, 0x03, 0x81, 0x42));
	_cleanup_free_ char *v = dump_to_string(r);
	if (!strstr(v, "usages: Hat Switch (x3)") || !strstr(v, "Data,Var,Abs,Null"))
		fail_msg("unexpected dump:\n%s", v);

	hid_descriptor_dump(NULL, stdout);
}

/* ---- corpus --------------------------------------------------------------- */

/* Values wider than 32 bits (the kernel allows 256) read as their low 32
 * bits, as hid_field_extract() does. */
static void test_wide_field(void **state)
{
	static const uint8_t rdesc[] = {
	    0x05, 0x01,                   /* Usage Page (Generic Desktop) */
	    0x09, 0x04,                   /* Usage (Joystick) */
	    0xa1, 0x01,                   /* Collection (Application) */
	    0x09, 0x30,                   /*  Usage (X) */
	    0x15, 0x00,                   /*  Logical Minimum (0) */
	    0x27, 0xff, 0xff, 0xff, 0x7f, /*  Logical Maximum (2^31 - 1) */
	    0x75, 0x40,                   /*  Report Size (64) */
	    0x95, 0x02,                   /*  Report Count (2) */
	    0x81, 0x02,                   /*  Input (Data,Var,Abs) */
	    0xc0,
	};
	static const uint8_t payload[] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	                                  0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff};
	struct hid_descriptor *d = NULL;

	assert_int_equal(hid_descriptor_parse(rdesc, sizeof(rdesc), &d, NULL), 0);
	assert_int_equal(d->nfields, 1);
	assert_int_equal(d->fields[0].report_size, 64);
	assert_int_equal(d->reports[0].size_bits, 128);
	assert_int_equal(hid_field_get_value(&d->fields[0], payload, sizeof(payload), 0),
	                 0x55667788);
	assert_int_equal(hid_field_get_value(&d->fields[0], payload, sizeof(payload), 1), 1);
	hid_descriptor_free(d);
}

static size_t read_corpus_file(const char *path, uint8_t *buf, size_t max)
{
	_cleanup_free_ char *line = NULL;
	size_t alloc = 0;
	size_t n = 0;
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		fail_msg("cannot open %s", path);
	while (getline(&line, &alloc, f) > 0) {
		char *p, *end;
		unsigned long len;

		if (!startswith(line, "R: "))
			continue;
		found = true;
		p = line + 3;
		len = strtoul(p, &end, 10);
		p = end;
		for (;;) {
			unsigned long v = strtoul(p, &end, 16);
			if (end == p)
				break;
			if (n >= max || v > 0xff)
				fail_msg("%s: bad R: line", path);
			buf[n++] = (uint8_t)v;
			p = end;
		}
		if (len != n)
			fail_msg("%s: R: says %lu bytes, has %zu", path, len, n);
		break;
	}
	fclose(f);
	if (!found)
		fail_msg("%s: no R: line", path);
	return n;
}

static void check_consistency(const char *path, const struct hid_descriptor *d)
{
	for (unsigned i = 0; i < d->nreports; i++) {
		const struct hid_report *r = &d->reports[i];
		uint32_t last = 0;

		assert_ptr_equal(hid_descriptor_find_report(d, r->type, r->id), r);
		for (unsigned j = 0; j < r->nfields; j++) {
			const struct hid_field *f = &d->fields[r->fields[j]];
			uint64_t end = (uint64_t)f->bit_offset + f->report_size * f->report_count;

			if (f->report_index != i || f->index != j || f->type != r->type ||
			    f->report_id != r->id || f->bit_offset < last || end > r->size_bits ||
			    f->report_size > 256 || f->maxusage < f->report_count ||
			    f->maxusage == 0)
				fail_msg("%s: report %u field %u inconsistent", path, i, j);
			last = f->bit_offset;
		}
	}
	for (unsigned i = 0; i < d->ncollections; i++)
		if (d->collections[i].parent >= (int)i)
			fail_msg("%s: collection %u has parent %d", path, i,
			         d->collections[i].parent);
}

static void test_corpus(void **state)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	char corpus[PATH_MAX];
	_cleanup_free_ uint8_t *buf = NULL;
	unsigned parsed = 0;
	DIR *top;
	struct dirent *cls;

	/* skip() jumps out: nothing may be allocated before it */
	if (!root)
		skip();
	if ((size_t)snprintf(corpus, sizeof(corpus), "%s/tests/data/corpus", root) >=
	    sizeof(corpus))
		fail();
	top = opendir(corpus);
	assert_non_null(top); /* the corpus is part of the tree */
	buf = malloc(HID_RDESC_MAX_SIZE * 2);
	assert_non_null(buf);

	while ((cls = readdir(top))) {
		_cleanup_free_ char *dir = NULL;
		struct dirent *e;
		DIR *sub;

		if (cls->d_name[0] == '.')
			continue;
		if (asprintf(&dir, "%s/%s", corpus, cls->d_name) < 0)
			fail();
		sub = opendir(dir);
		if (!sub)
			continue;
		while ((e = readdir(sub))) {
			_cleanup_free_ char *path = NULL;
			struct hid_descriptor *d = NULL;
			struct hid_parse_error err = {0};
			const char *suffix = strrchr(e->d_name, '.');
			size_t n;
			int r;

			if (!suffix || !streq(suffix, ".hid"))
				continue;
			if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
				fail();
			n = read_corpus_file(path, buf, HID_RDESC_MAX_SIZE * 2);
			r = hid_descriptor_parse(buf, n, &d, &err);
			/* every real descriptor parses, as in the kernel */
			if (r != 0)
				fail_msg("%s: %d at offset %zu: %s", path, r, err.offset,
				         err.message);
			{
				FILE *null = fopen("/dev/null", "we");
				check_consistency(path, d);
				if (null) {
					hid_descriptor_dump(d, null);
					fclose(null);
				}
				hid_descriptor_free(d);
				parsed++;
			}
		}
		closedir(sub);
	}
	closedir(top);

	print_message("corpus: %u parsed\n", parsed);
	assert_true(parsed > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wide_field),
	    cmocka_unit_test(test_boot_mouse),
	    cmocka_unit_test(test_boot_keyboard),
	    cmocka_unit_test(test_numbered),
	    cmocka_unit_test(test_numbered_needs_a_report),
	    cmocka_unit_test(test_push_pop),
	    cmocka_unit_test(test_push_pop_max_depth),
	    cmocka_unit_test(test_logical_physical_signedness),
	    cmocka_unit_test(test_unit_exponent),
	    cmocka_unit_test(test_usage_page_after_usages),
	    cmocka_unit_test(test_extended_usages),
	    cmocka_unit_test(test_usage_ranges),
	    cmocka_unit_test(test_maxusage),
	    cmocka_unit_test(test_local_reset),
	    cmocka_unit_test(test_delimiters),
	    cmocka_unit_test(test_collections),
	    cmocka_unit_test(test_fields_per_report),
	    cmocka_unit_test(test_wide_padding),
	    cmocka_unit_test(test_reserved_items),
	    cmocka_unit_test(test_limits_accepted),
	    cmocka_unit_test(test_huge_array_fields),
	    cmocka_unit_test(test_bad_report_descriptor_mouse),
	    cmocka_unit_test(test_report_size_zero),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_get_bits),
	    cmocka_unit_test(test_put_bits),
	    cmocka_unit_test(test_field_get_value),
	    cmocka_unit_test(test_usage_names),
	    cmocka_unit_test(test_dump),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
