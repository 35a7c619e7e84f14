/* SPDX-License-Identifier: MIT */
/*
 * The virtual device's filtering must match the kernel's input core
 * (drivers/input/input.c: input_handle_event(), input_defuzz_abs_event()).
 * Expected values below are worked out by hand from those rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "vdev.h"

static struct hm_vdev *make(struct capture_sink *cs)
{
	struct input_absinfo abs = {.minimum = -1000, .maximum = 1000, .fuzz = 16};
	struct libevdev *caps = libevdev_new();
	struct hm_vdev *v;

	libevdev_set_name(caps, "test");
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_B, NULL);
	libevdev_enable_event_code(caps, EV_KEY, BTN_LEFT, NULL);
	libevdev_enable_event_code(caps, EV_REL, REL_X, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &abs);
	libevdev_enable_event_code(caps, EV_MSC, MSC_SCAN, NULL);
	libevdev_enable_event_code(caps, EV_LED, LED_CAPSL, NULL);
	capture_init(cs);
	v = hm_vdev_new(caps);
	assert_non_null(v);
	assert_int_equal(hm_vdev_create(v, &cs->base), 0);
	return v;
}

static void expect(struct capture_sink *cs, size_t i, unsigned type, unsigned code, int value)
{
	assert_true(i < cs->n);
	assert_int_equal(cs->ev[i].type, type);
	assert_int_equal(cs->ev[i].code, code);
	assert_int_equal(cs->ev[i].value, value);
}

static void test_key_state(void **state)
{
	struct capture_sink cs;
	struct hm_vdev *v = make(&cs);

	hm_vdev_event(v, EV_KEY, KEY_A, 1);
	hm_vdev_event(v, EV_KEY, KEY_A, 1); /* already down: dropped */
	hm_vdev_event(v, EV_KEY, KEY_C, 1); /* not a capability: dropped */
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 2);
	expect(&cs, 0, EV_KEY, KEY_A, 1);
	expect(&cs, 1, EV_SYN, SYN_REPORT, 0);

	hm_vdev_event(v, EV_KEY, KEY_A, 1);
	hm_vdev_flush(v); /* nothing changed: no frame at all */
	assert_int_equal(cs.n, 2);

	hm_vdev_event(v, EV_KEY, KEY_A, 0);
	hm_vdev_event(v, EV_KEY, KEY_A, 0);
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 4);
	expect(&cs, 2, EV_KEY, KEY_A, 0);
	hm_vdev_free(v);
}

static void test_rel_and_msc(void **state)
{
	struct capture_sink cs;
	struct hm_vdev *v = make(&cs);

	hm_vdev_event(v, EV_REL, REL_X, 0); /* zero motion: dropped */
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 0);
	hm_vdev_event(v, EV_MSC, MSC_SCAN, 0x70004); /* MSC always passes */
	hm_vdev_event(v, EV_REL, REL_X, -3);
	hm_vdev_event(v, EV_REL, REL_X, -3); /* relative: repeats pass */
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 4);
	expect(&cs, 0, EV_MSC, MSC_SCAN, 0x70004);
	expect(&cs, 1, EV_REL, REL_X, -3);
	expect(&cs, 2, EV_REL, REL_X, -3);
	expect(&cs, 3, EV_SYN, SYN_REPORT, 0);
	hm_vdev_free(v);
}

static void test_abs_fuzz(void **state)
{
	static const struct {
		int in;
		int out; /* 0x7fffffff: dropped */
	} steps[] = {
	    {100, 100},                      /* from 0: 100 is far outside 2*fuzz */
	    {105, 0x7fffffff},               /* |5| < fuzz/2 (8): keeps 100, dropped */
	    {110, 102},                      /* |10| < fuzz: (3*100 + 110) / 4 = 102 */
	    {130, 116},                      /* |28| < 2*fuzz: (102 + 130) / 2 = 116 */
	    {200, 200},                      /* |84| >= 2*fuzz: taken as is */
	    {200, 0x7fffffff},               /* unchanged: dropped */
	    {-100, -100},      {-110, -102}, /* (3*-100 + -110) / 4 = -102 (C division truncates) */
	};
	struct capture_sink cs;
	struct hm_vdev *v = make(&cs);

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t before = cs.n;

		hm_vdev_event(v, EV_ABS, ABS_X, steps[i].in);
		hm_vdev_flush(v);
		if (steps[i].out == 0x7fffffff) {
			assert_int_equal(cs.n, before);
			continue;
		}
		assert_int_equal(cs.n, before + 2);
		expect(&cs, before, EV_ABS, ABS_X, steps[i].out);
		/* the raw value is kept for uinput, whose kernel side filters itself */
		assert_int_equal(cs.ev[before].raw, steps[i].in);
	}
	hm_vdev_free(v);
}

static void test_release_all(void **state)
{
	struct capture_sink cs;
	struct hm_vdev *v = make(&cs);

	hm_vdev_event(v, EV_KEY, BTN_LEFT, 1);
	hm_vdev_event(v, EV_KEY, KEY_B, 1);
	hm_vdev_flush(v);
	assert_int_equal(hm_vdev_keys_down(v), 2);
	cs.n = 0;
	hm_vdev_release_all(v);
	/* in code order: KEY_B (48) before BTN_LEFT (0x110) */
	assert_int_equal(cs.n, 3);
	expect(&cs, 0, EV_KEY, KEY_B, 0);
	expect(&cs, 1, EV_KEY, BTN_LEFT, 0);
	expect(&cs, 2, EV_SYN, SYN_REPORT, 0);
	assert_int_equal(hm_vdev_keys_down(v), 0);

	/* free releases too: press, then free */
	hm_vdev_event(v, EV_KEY, KEY_A, 1);
	hm_vdev_flush(v);
	cs.n = 0;
	hm_vdev_free(v);
	assert_int_equal(cs.n, 2);
	expect(&cs, 0, EV_KEY, KEY_A, 0);
	assert_int_equal(cs.removed, 1);
}

/*
 * A touchscreen that goes away with two fingers down.  Expected, from
 * hid-multitouch's mt_release_contacts() and input-mt.c: ABS_MT_TRACKING_ID
 * -1 in each active slot (each preceded by its ABS_MT_SLOT, as the input
 * core sends one when the slot changes), then the pointer emulation with no
 * contact: BTN_TOUCH and the finger count's BTN_TOOL_* go to 0
 * (released in code order, as input_dev_release_keys() does), ABS_PRESSURE
 * to 0 since ABS_MT_PRESSURE is emulated; ABS_X keeps its value.
 */
static void test_release_contacts(void **state)
{
	struct input_absinfo slot = {.minimum = 0, .maximum = 4};
	struct input_absinfo id = {.minimum = -1, .maximum = 65535};
	struct input_absinfo pos = {.minimum = 0, .maximum = 4095};
	struct input_absinfo pressure = {.minimum = 0, .maximum = 255};
	struct libevdev *caps = libevdev_new();
	struct capture_sink cs;
	struct hm_vdev *v;

	libevdev_set_name(caps, "touch");
	libevdev_enable_event_code(caps, EV_KEY, BTN_TOUCH, NULL);
	libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_FINGER, NULL);
	libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_DOUBLETAP, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &pos);
	libevdev_enable_event_code(caps, EV_ABS, ABS_PRESSURE, &pressure);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_SLOT, &slot);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_TRACKING_ID, &id);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_X, &pos);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_PRESSURE, &pressure);
	capture_init(&cs);
	v = hm_vdev_new(caps);
	assert_non_null(v);
	assert_int_equal(hm_vdev_create(v, &cs.base), 0);

	/* contacts in slots 0 and 2, slot 1 never used */
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 10);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_X, 100);
	hm_vdev_event(v, EV_ABS, ABS_MT_PRESSURE, 40);
	hm_vdev_event(v, EV_ABS, ABS_MT_SLOT, 2);
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 11);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_X, 300);
	hm_vdev_event(v, EV_ABS, ABS_MT_PRESSURE, 50);
	hm_vdev_event(v, EV_KEY, BTN_TOUCH, 1);
	hm_vdev_event(v, EV_KEY, BTN_TOOL_DOUBLETAP, 1);
	hm_vdev_event(v, EV_ABS, ABS_X, 100);
	hm_vdev_event(v, EV_ABS, ABS_PRESSURE, 40);
	hm_vdev_flush(v);

	cs.n = 0;
	hm_vdev_release_all(v);
	assert_int_equal(cs.n, 8);
	expect(&cs, 0, EV_ABS, ABS_MT_SLOT, 0);
	expect(&cs, 1, EV_ABS, ABS_MT_TRACKING_ID, -1);
	expect(&cs, 2, EV_ABS, ABS_MT_SLOT, 2);
	expect(&cs, 3, EV_ABS, ABS_MT_TRACKING_ID, -1);
	expect(&cs, 4, EV_KEY, BTN_TOUCH, 0);
	expect(&cs, 5, EV_KEY, BTN_TOOL_DOUBLETAP, 0);
	expect(&cs, 6, EV_ABS, ABS_PRESSURE, 0);
	expect(&cs, 7, EV_SYN, SYN_REPORT, 0);
	assert_int_equal(libevdev_get_event_value(v->caps, EV_ABS, ABS_X), 100);
	for (unsigned s = 0; s < 5; s++)
		assert_int_equal(libevdev_get_slot_value(v->caps, s, ABS_MT_TRACKING_ID), -1);

	/* nothing is held any more: a second release sends nothing */
	cs.n = 0;
	hm_vdev_release_all(v);
	assert_int_equal(cs.n, 0);

	/* a new contact after the release starts in a clean slot */
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 12);
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 2);
	expect(&cs, 0, EV_ABS, ABS_MT_TRACKING_ID, 12);
	hm_vdev_free(v);
}

/*
 * Slots as the kernel keeps them (input_handle_abs_event() with dev->mt):
 * a value is compared with its own slot's, ABS_MT_SLOT alone sends
 * nothing, and goes out before a value that changed in another slot.
 */
static void test_mt_slots(void **state)
{
	struct input_absinfo slot = {.minimum = 0, .maximum = 2};
	struct input_absinfo id = {.minimum = -1, .maximum = 65535};
	struct input_absinfo pos = {.minimum = 0, .maximum = 4095};
	struct libevdev *caps = libevdev_new();
	struct capture_sink cs;
	struct hm_vdev *v;

	libevdev_set_name(caps, "slots");
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_SLOT, &slot);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_TRACKING_ID, &id);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_X, &pos);
	capture_init(&cs);
	v = hm_vdev_new(caps);
	assert_non_null(v);
	assert_int_equal(hm_vdev_create(v, &cs.base), 0);

	/* slot 0 is current from the start: no ABS_MT_SLOT before its values */
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 5);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_X, 100);
	/* slot 1, same X as slot 0: its own old value is 0, so it passes */
	hm_vdev_event(v, EV_ABS, ABS_MT_SLOT, 1);
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 6);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_X, 100);
	/* slot 2 selected but nothing changes there: no event */
	hm_vdev_event(v, EV_ABS, ABS_MT_SLOT, 2);
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, -1);
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 6);
	expect(&cs, 0, EV_ABS, ABS_MT_TRACKING_ID, 5);
	expect(&cs, 1, EV_ABS, ABS_MT_POSITION_X, 100);
	expect(&cs, 2, EV_ABS, ABS_MT_SLOT, 1);
	expect(&cs, 3, EV_ABS, ABS_MT_TRACKING_ID, 6);
	expect(&cs, 4, EV_ABS, ABS_MT_POSITION_X, 100);
	expect(&cs, 5, EV_SYN, SYN_REPORT, 0);

	/* both lift: slot 1's end is not taken for slot 0's (before, one
	 * ABS value per code hid it as unchanged) */
	cs.n = 0;
	hm_vdev_event(v, EV_ABS, ABS_MT_SLOT, 0);
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, -1);
	hm_vdev_event(v, EV_ABS, ABS_MT_SLOT, 1);
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, -1);
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 5);
	expect(&cs, 0, EV_ABS, ABS_MT_SLOT, 0);
	expect(&cs, 1, EV_ABS, ABS_MT_TRACKING_ID, -1);
	expect(&cs, 2, EV_ABS, ABS_MT_SLOT, 1);
	expect(&cs, 3, EV_ABS, ABS_MT_TRACKING_ID, -1);
	hm_vdev_free(v);
}

static void test_long_frame_is_cut(void **state)
{
	struct capture_sink cs;
	struct hm_vdev *v = make(&cs);
	size_t syns = 0;

	/*
	 * input_estimate_events_per_packet() for these capabilities: no MT
	 * slots, so 1 (SYN) + 1 (ABS_X) + 1 (REL_X) + 7 (keys, MSC) = 10, and
	 * max_vals = 12.  The input core passes the buffer on, with a
	 * SYN_REPORT of value 1, as soon as it holds max_vals - 2 = 10 values.
	 */
	assert_int_equal(v->max_vals, 12);
	for (int i = 0; i < 25; i++)
		hm_vdev_event(v, EV_REL, REL_X, 1);
	hm_vdev_flush(v);
	for (size_t i = 0; i < cs.n; i++)
		syns += cs.ev[i].type == EV_SYN;
	/* 10 + SYN(1), 10 + SYN(1), 5 + SYN(0) */
	assert_int_equal(cs.n, 28);
	assert_int_equal(syns, 3);
	assert_int_equal(cs.ev[10].type, EV_SYN);
	assert_int_equal(cs.ev[10].value, 1);
	assert_int_equal(cs.ev[21].type, EV_SYN);
	assert_int_equal(cs.ev[21].value, 1);
	assert_int_equal(cs.ev[27].type, EV_SYN);
	assert_int_equal(cs.ev[27].value, 0);

	/* exactly max_vals - 2 events: cut with SYN(1), and the flush adds nothing */
	cs.n = 0;
	for (int i = 0; i < 10; i++)
		hm_vdev_event(v, EV_REL, REL_X, 1);
	hm_vdev_flush(v);
	assert_int_equal(cs.n, 11);
	assert_int_equal(cs.ev[10].value, 1);
	hm_vdev_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_state),         cmocka_unit_test(test_rel_and_msc),
	    cmocka_unit_test(test_abs_fuzz),          cmocka_unit_test(test_release_all),
	    cmocka_unit_test(test_long_frame_is_cut), cmocka_unit_test(test_release_contacts),
	    cmocka_unit_test(test_mt_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
