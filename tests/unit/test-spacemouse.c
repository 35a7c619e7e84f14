/* SPDX-License-Identifier: MIT */
/*
 * The 3Dconnexion module's decoding (devices/3dconnexion/spacemouse.h):
 * both report styles, the buttons and spacenavd's folding, the battery.
 * Expected values come from the report layouts (HID usage tables: s16le
 * axes, a bitmap of Buttons) and from spacenavd's dev.c, whose comments
 * give each folded key's label: the tables below list label -> number as
 * 3Dconnexion prints them and spacenavd numbers them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hid-descriptor.h"
#include "hid-recording.h"
#include "spacemouse-descriptors.h"
#include "spacemouse.h"

static struct hid_descriptor *load_descriptor(const char *name, bool fix_rel)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	struct hm_recording *rec = NULL;
	struct hid_descriptor *d = NULL;
	char path[4096];

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/data/3dconnexion/%s", root, name);
	assert_int_equal(hm_recording_load(path, &rec), 0);
	if (fix_rel) {
		/* the 2016 SpaceNavigator's items at 36 and 53 (hid-lg's byte change) */
		assert_int_equal(rec->rdesc[36], 0x81);
		rec->rdesc[37] = rec->rdesc[54] = 0x02;
	}
	assert_int_equal(hid_descriptor_parse(rec->rdesc, rec->rdesc_size, &d, NULL), 0);
	hm_recording_free(rec);
	return d;
}

static void setup_state(struct hm_spacemouse *s, const struct hid_descriptor *d,
                        enum hm_spacemouse_fold fold)
{
	memset(s, 0, sizeof(*s));
	hm_spacemouse_read_layout(d, &s->layout);
	s->fold = fold;
}

/* The SpaceNavigator: report 1 X Y Z, report 2 Rx Ry Rz, Buttons 1-2. */
static void test_old_style(void **state)
{
	struct hid_descriptor *d = load_descriptor("spacenavigator-046d-c626-2016.hid", true);
	struct hm_spacemouse s;
	struct hm_spacemouse_frame f;
	const uint8_t r1[] = {0x01, 100, 0, 0x88, 0xff, 0x00, 0x00};     /* 100, -120, 0 */
	const uint8_t r2[] = {0x02, 0x00, 0x00, 0x5f, 0x01, 0xff, 0xff}; /* 0, 351, -1 */
	const uint8_t r1same[] = {0x01, 100, 0, 0x88, 0xff, 0x00, 0x00};
	const uint8_t r3[] = {0x03, 0x02, 0x00};

	setup_state(&s, d, HM_SPACEMOUSE_FOLD_NONE);
	assert_int_equal(s.layout.axis_min, -350);
	assert_int_equal(s.layout.axis_max, 350);
	assert_int_equal(s.layout.six_axis, 0);
	assert_int_equal(s.layout.button_count, 2);
	assert_int_equal(s.layout.evdev_keys, 2);

	assert_int_equal(hm_spacemouse_parse(&s, r1, sizeof(r1), &f), 1);
	assert_int_equal(f.changed, 0x03); /* X and Y moved, Z stayed at 0 */
	assert_int_equal(f.axes[0], 100);
	assert_int_equal(f.axes[1], -120);

	/* report 2 merges into the same frame: translation kept */
	assert_int_equal(hm_spacemouse_parse(&s, r2, sizeof(r2), &f), 1);
	assert_int_equal(f.changed, 0x30); /* Ry (clamped to 350) and Rz */
	assert_int_equal(f.axes[0], 100);
	assert_int_equal(f.axes[1], -120);
	assert_int_equal(f.axes[4], 350);
	assert_int_equal(f.axes[5], -1);

	assert_int_equal(hm_spacemouse_parse(&s, r1same, sizeof(r1same), &f), 1);
	assert_int_equal(f.changed, 0);

	assert_int_equal(hm_spacemouse_parse(&s, r3, sizeof(r3), &f), 1);
	assert_int_equal(f.nbuttons, 1);
	assert_int_equal(f.button[0].bnum, 1); /* the right button */
	assert_true(f.button[0].pressed);

	/* short reports */
	assert_int_equal(hm_spacemouse_parse(&s, r1, 5, &f), -EBADMSG);
	assert_int_equal(hm_spacemouse_parse(&s, r3, 1, &f), -EBADMSG);
	assert_int_equal(hm_spacemouse_parse(&s, r3, 0, &f), -EBADMSG);
	hid_descriptor_free(d);
}

/* The SpaceMouse Wireless: report 1 carries all six axes. */
static void test_six_axis(void **state)
{
	struct hid_descriptor *d = load_descriptor("spacemouse-wireless-256f-c62e.hid", false);
	struct hm_spacemouse s;
	struct hm_spacemouse_frame f;
	const uint8_t r1[] = {0x01, 1, 0, 2, 0, 3, 0, 0xfc, 0xff, 0xfb, 0xff, 0xfa, 0xff};
	const uint8_t r2[] = {0x02, 1, 0, 2, 0, 3, 0};
	const uint8_t battery[] = {0x17, 80, 0};
	const uint8_t r3[] = {0x03, 0x03, 0x00};

	setup_state(&s, d, HM_SPACEMOUSE_FOLD_NONE);
	assert_int_equal(s.layout.six_axis, 1);
	assert_int_equal(hm_spacemouse_parse(&s, r1, sizeof(r1), &f), 1);
	assert_int_equal(f.changed, 0x3f);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f.axes[i], i + 1);
		assert_int_equal(f.axes[i + 3], -(i + 4));
	}
	/* the short six-axis report is refused, not half-read */
	assert_int_equal(hm_spacemouse_parse(&s, r1, 7, &f), -EBADMSG);
	assert_int_equal(hm_spacemouse_parse(&s, r2, sizeof(r2), &f), 0);
	assert_int_equal(hm_spacemouse_parse(&s, battery, sizeof(battery), &f), 1);
	assert_int_equal(f.battery, 80);
	/* two buttons in one report: two events, in button order */
	assert_int_equal(hm_spacemouse_parse(&s, r3, sizeof(r3), &f), 1);
	assert_int_equal(f.nbuttons, 2);
	assert_int_equal(f.button[0].bnum, 0);
	assert_int_equal(f.button[1].bnum, 1);
	hid_descriptor_free(d);
}

struct label {
	const char *label;
	int code; /* evdev code hid-generic gives the key */
	int bnum;
};

/* spacenavd's numbering of the SpaceMouse Pro's labelled keys. */
static const struct label pro[] = {
    {"1", 268, 0},     {"2", 269, 1},    {"3", 270, 2},    {"4", 271, 3},      {"Menu", 256, 4},
    {"Fit", 257, 5},   {"T", 258, 6},    {"R", 260, 7},    {"F", 261, 8},      {"Rot", 264, 9},
    {"Lock", 282, 10}, {"Esc", 278, 11}, {"Alt", 279, 12}, {"Shift", 280, 13}, {"Ctrl", 281, 14},
};

static const struct label enterprise[] = {
    {"1", 268, 0},       {"2", 269, 1},     {"3", 270, 2},      {"4", 271, 3},
    {"5", 272, 4},       {"6", 273, 5},     {"7", 274, 6},      {"8", 275, 7},
    {"9", 276, 8},       {"10", 277, 9},    {"11", 332, 10},    {"12", 333, 11},
    {"Menu", 256, 12},   {"Fit", 257, 13},  {"T", 258, 14},     {"R", 260, 15},
    {"F", 261, 16},      {"Rot", 264, 17},  {"Esc", 278, 18},   {"Alt", 279, 19},
    {"Shift", 280, 20},  {"Ctrl", 281, 21}, {"Lock", 282, 22},  {"Enter", 291, 23},
    {"Delete", 292, 24}, {"Tab", 430, 25},  {"Space", 431, 26}, {"V1", 358, 27},
    {"V2", 359, 28},     {"V3", 360, 29},   {"ISO", 266, 30},
};

static void check_fold(enum hm_spacemouse_fold fold, const struct label *t, size_t n)
{
	bool listed[1024] = {false};

	assert_int_equal(hm_spacemouse_fold_button(fold, -1), (int)n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hm_spacemouse_fold_button(fold, t[i].code), t[i].bnum);
		listed[t[i].code] = true;
	}
	/* every other key of the long run is dropped */
	for (int code = 256; code < 512; code++)
		if (!listed[code])
			assert_int_equal(hm_spacemouse_fold_button(fold, code), -1);
}

static void test_fold_tables(void **state)
{
	check_fold(HM_SPACEMOUSE_FOLD_PRO, pro, sizeof(pro) / sizeof(pro[0]));
	check_fold(HM_SPACEMOUSE_FOLD_ENTERPRISE, enterprise,
	           sizeof(enterprise) / sizeof(enterprise[0]));
}

/* Report 3 of a Pro: Button n+1 is bit n; folded numbers come out, keys
 * not in the fold do not. */
static void test_fold_reports(void **state)
{
	struct hid_descriptor *d = NULL;
	struct hm_spacemouse s;
	struct hm_spacemouse_frame f;
	uint8_t r3[1 + 32] = {0x03};

	assert_int_equal(
	    hid_descriptor_parse(spacemouse_pro_rdesc, sizeof(spacemouse_pro_rdesc), &d, NULL), 0);
	setup_state(&s, d, HM_SPACEMOUSE_FOLD_PRO);
	assert_int_equal(s.layout.evdev_keys, 256);
	assert_int_equal(s.layout.button_count, 256);

	/* "1" (code 268: bit 12), an unlisted key (code 259: bit 3), "Ctrl" (281: bit 25) */
	r3[1 + 12 / 8] |= 1 << (12 % 8);
	r3[1 + 3 / 8] |= 1 << (3 % 8);
	r3[1 + 25 / 8] |= 1 << (25 % 8);
	assert_int_equal(hm_spacemouse_parse(&s, r3, sizeof(r3), &f), 1);
	assert_int_equal(f.nbuttons, 2);
	assert_int_equal(f.button[0].bnum, 0);
	assert_true(f.button[0].pressed);
	assert_int_equal(f.button[1].bnum, 14);

	memset(r3 + 1, 0, 32);
	assert_int_equal(hm_spacemouse_parse(&s, r3, sizeof(r3), &f), 1);
	assert_int_equal(f.nbuttons, 2);
	assert_false(f.button[0].pressed);
	assert_false(f.button[1].pressed);

	/* the Enterprise: "Tab" (430: bit 174) */
	s.fold = HM_SPACEMOUSE_FOLD_ENTERPRISE;
	r3[1 + 174 / 8] |= 1 << (174 % 8);
	assert_int_equal(hm_spacemouse_parse(&s, r3, sizeof(r3), &f), 1);
	assert_int_equal(f.nbuttons, 1);
	assert_int_equal(f.button[0].bnum, 25);
	hid_descriptor_free(d);
}

/* Every id of spacenavd's table once, with its flags. */
static void test_models(void **state)
{
	unsigned folded = 0, swapped = 0;

	assert_int_equal(hm_spacemouse_nmodels, 21);
	for (size_t i = 0; i < hm_spacemouse_nmodels; i++) {
		const struct hm_spacemouse_model *m = &hm_spacemouse_models[i];

		for (size_t j = 0; j < i; j++)
			assert_false(hm_spacemouse_models[j].vendor == m->vendor &&
			             hm_spacemouse_models[j].product == m->product);
		folded += m->fold != HM_SPACEMOUSE_FOLD_NONE;
		swapped += m->swap_inv_yz;
	}
	/* c62b, c62f (guess), c631, c632, c633, c638 */
	assert_int_equal(folded, 6);
	/* all but c603, c605, c606, c621, c640 (spacenavd 1.1) */
	assert_int_equal(swapped, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_old_style),   cmocka_unit_test(test_six_axis),
	    cmocka_unit_test(test_fold_tables), cmocka_unit_test(test_fold_reports),
	    cmocka_unit_test(test_models),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
