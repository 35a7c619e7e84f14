/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the report-field layer (src/hid/hid-report.h).
 *
 * Expected values are worked out by hand from the descriptor bytes (the
 * comments decode them), the HID 1.11 spec and the kernel's hid-core
 * functions each helper follows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hid-report.h"

static struct hid_descriptor *parse_ok(const uint8_t *data, size_t size)
{
	struct hid_descriptor *d = NULL;
	struct hid_parse_error err = {0};

	if (hid_descriptor_parse(data, size, &d, &err) != 0)
		fail_msg("parse failed at offset %zu: %s", err.offset, err.message);
	return d;
}

/* HID 1.11 Appendix B.1, boot keyboard (input part) */
static const uint8_t keyboard[] = {
    0x05, 0x01, /* Usage Page (Generic Desktop) */
    0x09, 0x06, /* Usage (Keyboard) */
    0xa1, 0x01, /* Collection (Application) */
    0x05, 0x07, /*   Usage Page (Keyboard) */
    0x19, 0xe0, /*   Usage Minimum (224) */
    0x29, 0xe7, /*   Usage Maximum (231) */
    0x15, 0x00, /*   Logical Minimum (0) */
    0x25, 0x01, /*   Logical Maximum (1) */
    0x75, 0x01, /*   Report Size (1) */
    0x95, 0x08, /*   Report Count (8) */
    0x81, 0x02, /*   Input (Data,Var,Abs): field 0, bits 0..7 */
    0x95, 0x01, /*   Report Count (1) */
    0x75, 0x08, /*   Report Size (8) */
    0x81, 0x01, /*   Input (Const): padding, no field (no usage) */
    0x95, 0x06, /*   Report Count (6) */
    0x75, 0x08, /*   Report Size (8) */
    0x15, 0x00, /*   Logical Minimum (0) */
    0x25, 0x65, /*   Logical Maximum (101) */
    0x19, 0x00, /*   Usage Minimum (0) */
    0x29, 0x65, /*   Usage Maximum (101) */
    0x81, 0x00, /*   Input (Data,Array): field 1, bytes 2..7 */
    0xc0,       /* End Collection */
};

/* Two numbered reports: 1 holds X/Y as 12-bit signed values, 2 a 16-bit
 * signed axis and a 20-slot Button array (past the plain search). */
static const uint8_t numbered[] = {
    0x05, 0x01,       /* Usage Page (Generic Desktop) */
    0x09, 0x04,       /* Usage (Joystick) */
    0xa1, 0x01,       /* Collection (Application) */
    0x85, 0x01,       /*   Report ID (1) */
    0x09, 0x30,       /*   Usage (X) */
    0x09, 0x31,       /*   Usage (Y) */
    0x16, 0x00, 0xf8, /*   Logical Minimum (-2048) */
    0x26, 0xff, 0x07, /*   Logical Maximum (2047) */
    0x75, 0x0c,       /*   Report Size (12) */
    0x95, 0x02,       /*   Report Count (2) */
    0x81, 0x02,       /*   Input (Data,Var,Abs) */
    0x85, 0x02,       /*   Report ID (2) */
    0x09, 0x32,       /*   Usage (Z) */
    0x16, 0xa2, 0xfe, /*   Logical Minimum (-350) */
    0x26, 0x5e, 0x01, /*   Logical Maximum (350) */
    0x75, 0x10,       /*   Report Size (16) */
    0x95, 0x01,       /*   Report Count (1) */
    0x81, 0x02,       /*   Input (Data,Var,Abs): bytes 0..1 of the payload */
    0x05, 0x09,       /*   Usage Page (Button) */
    0x19, 0x01,       /*   Usage Minimum (1) */
    0x29, 0x40,       /*   Usage Maximum (64) */
    0x15, 0x01,       /*   Logical Minimum (1) */
    0x25, 0x40,       /*   Logical Maximum (64) */
    0x75, 0x08,       /*   Report Size (8) */
    0x95, 0x14,       /*   Report Count (20) */
    0x81, 0x00,       /*   Input (Data,Array): bytes 2..21 */
    0xc0,             /* End Collection */
};

struct events {
	unsigned n;
	unsigned index[64];
	int32_t value[64];
};

static void record(void *data, unsigned index, int32_t value)
{
	struct events *e = data;

	assert_true(e->n < 64);
	e->index[e->n] = index;
	e->value[e->n++] = value;
}

static void test_report_bytes_and_index(void **state)
{
	struct hid_descriptor *d = parse_ok(keyboard, sizeof(keyboard));
	struct hid_descriptor *n = parse_ok(numbered, sizeof(numbered));
	int i;

	/* 8 + 8 + 48 bits */
	assert_int_equal(hid_report_bytes(&d->reports[0]), 8);
	assert_int_equal(hid_report_index(d, HID_INPUT_REPORT, false, (const uint8_t[]){0x02}), 0);

	i = hid_report_index(n, HID_INPUT_REPORT, true, (const uint8_t[]){0x02, 0});
	assert_true(i >= 0);
	assert_int_equal(n->reports[i].id, 2);
	assert_int_equal(hid_report_bytes(&n->reports[i]), 22); /* 16 + 20 * 8 bits */
	i = hid_report_index(n, HID_INPUT_REPORT, true, (const uint8_t[]){0x01});
	assert_int_equal(n->reports[i].id, 1);
	assert_int_equal(hid_report_bytes(&n->reports[i]), 3); /* 24 bits */
	assert_int_equal(hid_report_index(n, HID_INPUT_REPORT, true, (const uint8_t[]){0x03}), -1);
	assert_int_equal(hid_report_index(n, HID_OUTPUT_REPORT, true, (const uint8_t[]){0x01}), -1);
	hid_descriptor_free(d);
	hid_descriptor_free(n);
}

static void test_fetch_keyboard(void **state)
{
	struct hid_descriptor *d = parse_ok(keyboard, sizeof(keyboard));
	const struct hid_field *mods = &d->fields[d->reports[0].fields[0]];
	const struct hid_field *keys = &d->fields[d->reports[0].fields[1]];
	/* Left Shift (bit 1), keys a (4) and b (5) */
	const uint8_t payload[] = {0x02, 0x00, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00};
	const uint8_t rollover[] = {0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01};
	int32_t v[8];

	assert_true(hid_field_fetch(mods, payload, sizeof(payload), v));
	assert_memory_equal(v, ((const int32_t[]){0, 1, 0, 0, 0, 0, 0, 0}), 8 * sizeof(int32_t));
	assert_true(hid_field_fetch(keys, payload, sizeof(payload), v));
	assert_memory_equal(v, ((const int32_t[]){4, 5, 0, 0, 0, 0}), 6 * sizeof(int32_t));
	/* ErrorRollOver (Keyboard 0x01) in an Array: the field is ignored */
	assert_false(hid_field_fetch(keys, rollover, sizeof(rollover), v));
	/* a short payload reads 0 past its end (hid_field_extract()) */
	assert_true(hid_field_fetch(keys, payload, 3, v));
	assert_memory_equal(v, ((const int32_t[]){4, 0, 0, 0, 0, 0}), 6 * sizeof(int32_t));
	hid_descriptor_free(d);
}

static void test_fetch_signed(void **state)
{
	struct hid_descriptor *d = parse_ok(numbered, sizeof(numbered));
	const struct hid_report *r1 =
	    &d->reports[hid_report_index(d, HID_INPUT_REPORT, true, (const uint8_t[]){1})];
	const struct hid_report *r2 =
	    &d->reports[hid_report_index(d, HID_INPUT_REPORT, true, (const uint8_t[]){2})];
	/* X = 0xfff (-1) in bits 0..11, Y = 0x7ff (2047) in bits 12..23 */
	const uint8_t p1[] = {0xff, 0xff, 0x7f};
	/* Z = 0xfea2 (-350) */
	uint8_t p2[22] = {0xa2, 0xfe};
	int32_t v[20];

	assert_true(hid_field_fetch(&d->fields[r1->fields[0]], p1, sizeof(p1), v));
	assert_int_equal(v[0], -1);
	assert_int_equal(v[1], 2047);
	assert_true(hid_field_fetch(&d->fields[r2->fields[0]], p2, sizeof(p2), v));
	assert_int_equal(v[0], -350);
	hid_descriptor_free(d);
}

static void test_array_diff(void **state)
{
	struct hid_descriptor *d = parse_ok(keyboard, sizeof(keyboard));
	const struct hid_field *keys = &d->fields[d->reports[0].fields[1]];
	/* a, b down; then b, c: a released, c pressed (slot order) */
	const int32_t old[6] = {4, 5, 0, 0, 0, 0}, now[6] = {5, 6, 0, 0, 0, 0};
	struct events e = {0};

	hid_array_diff(keys, old, now, record, &e);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.index[0], 4);
	assert_int_equal(e.value[0], 0);
	assert_int_equal(e.index[1], 6);
	assert_int_equal(e.value[1], 1);
	e.n = 0;
	hid_array_diff(keys, now, now, record, &e);
	assert_int_equal(e.n, 0);
	hid_descriptor_free(d);
}

static void test_array_diff_maps(void **state)
{
	struct hid_descriptor *d = parse_ok(numbered, sizeof(numbered));
	const struct hid_report *r2 =
	    &d->reports[hid_report_index(d, HID_INPUT_REPORT, true, (const uint8_t[]){2})];
	const struct hid_field *buttons = &d->fields[r2->fields[1]];
	/* logical 1..64 index usages 0..63; 0 is out of range (no button) */
	int32_t old[20] = {1, 2, 3}, now[20] = {3, 4};
	struct events e = {0};

	assert_int_equal(buttons->report_count, 20);
	hid_array_diff(buttons, old, now, record, &e);
	/* slot 0: 1 gone, 3 was there; slot 1: 2 gone, 4 new; slot 2: 3 stays */
	assert_int_equal(e.n, 3);
	assert_int_equal(e.index[0], 0);
	assert_int_equal(e.value[0], 0);
	assert_int_equal(e.index[1], 1);
	assert_int_equal(e.value[1], 0);
	assert_int_equal(e.index[2], 3);
	assert_int_equal(e.value[2], 1);
	/* the maps are clear again (else 1 and 2 would look held): back,
	 * slot 0: 3 stays, 1 new; slot 1: 4 gone, 2 new; slot 2: 3 was there */
	e.n = 0;
	hid_array_diff(buttons, now, old, record, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.index[0], 0);
	assert_int_equal(e.value[0], 1);
	assert_int_equal(e.index[1], 3);
	assert_int_equal(e.value[1], 0);
	assert_int_equal(e.index[2], 1);
	assert_int_equal(e.value[2], 1);
	hid_descriptor_free(d);
}

static void test_field_put(void **state)
{
	struct hid_descriptor *d = parse_ok(numbered, sizeof(numbered));
	const struct hid_report *r1 =
	    &d->reports[hid_report_index(d, HID_INPUT_REPORT, true, (const uint8_t[]){1})];
	uint8_t p[3] = {0};
	int32_t v[2];

	/* X = -1 -> 0xfff, Y = 5000 saturated to 2047 (0x7ff) */
	hid_field_put(&d->fields[r1->fields[0]], p, sizeof(p), (const int32_t[]){-1, 5000});
	assert_memory_equal(p, ((const uint8_t[]){0xff, 0xff, 0x7f}), 3);
	/* and back */
	assert_true(hid_field_fetch(&d->fields[r1->fields[0]], p, sizeof(p), v));
	assert_int_equal(v[0], -1);
	assert_int_equal(v[1], 2047);
	hid_descriptor_free(d);
}

static void test_sign_conversion(void **state)
{
	assert_int_equal(hid_s32ton(-350, 16), 0xfea2);
	assert_int_equal(hid_s32ton(200, 8), 0x7f); /* saturated */
	assert_int_equal(hid_s32ton(-200, 8), 0x80);
	assert_int_equal(hid_s32ton(5, 0), 0);
	assert_int_equal(hid_snto32(0xfea2, 16), -350);
	assert_int_equal(hid_snto32(0x7f, 8), 127);
	assert_int_equal(hid_snto32(0x80, 8), -128);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_bytes_and_index),
	    cmocka_unit_test(test_fetch_keyboard),
	    cmocka_unit_test(test_fetch_signed),
	    cmocka_unit_test(test_array_diff),
	    cmocka_unit_test(test_array_diff_maps),
	    cmocka_unit_test(test_sign_conversion),
	    cmocka_unit_test(test_field_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
