/* SPDX-License-Identifier: MIT */
/*
 * The multitouch helper (input-mt.c) through a real device core and its
 * input-core emulation (vdev.c), so each test sees what an evdev reader
 * of the output would.  The expected sequences are worked out by hand
 * from Linux 6.1: drivers/input/input-mt.c (input_mt_init_slots,
 * input_mt_report_slot_state, input_mt_new_trkid, __input_mt_drop_unused,
 * input_mt_report_pointer_emulation, input_mt_report_finger_count,
 * input_mt_sync_frame) and drivers/input/input.c (input_handle_abs_event:
 * ABS_MT_SLOT is staged and passes only before a value that changed in
 * another slot than the last one passed; unchanged values and keys are
 * dropped; input_defuzz_abs_event), as a driver such as hid-playstation's
 * dualsense_parse_report() drives them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "input-mt.h"

/* A touch device: report = [reported slots mask, active slots mask,
 * then per slot x, y, pressure as little-endian u16]. */
struct touch {
	unsigned nslots, flags;
	int fuzz;
	bool pressure;
};

static struct touch touch_cfg;
static struct hm_mt *the_mt;

static int touch_probe(struct hm_device *dev)
{
	struct hm_mt *mt = dev->priv;
	struct input_absinfo x = {.maximum = 1919, .fuzz = touch_cfg.fuzz};
	struct input_absinfo y = {.maximum = 1079, .fuzz = touch_cfg.fuzz};
	struct input_absinfo p = {.maximum = 255};
	struct libevdev *caps;
	int out = hm_device_add_output(dev, "touch", &caps);

	assert_int_equal(out, 0);
	/* ps_touchpad_create(): positions first, then the slots */
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_X, &x);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_Y, &y);
	if (touch_cfg.pressure)
		libevdev_enable_event_code(caps, EV_ABS, ABS_MT_PRESSURE, &p);
	libevdev_enable_event_code(caps, EV_KEY, BTN_LEFT, NULL);
	libevdev_enable_property(caps, INPUT_PROP_BUTTONPAD);
	assert_int_equal(hm_mt_init_slots(mt, dev, 0, caps, touch_cfg.nslots, touch_cfg.flags), 0);
	the_mt = mt;
	return 0;
}

static void touch_frame(struct hm_mt *mt, const uint8_t *d);

/* Several touch frames may follow each other in one report, as in a
 * DualShock 4 report (dualshock4_parse_report(): input_mt_sync_frame()
 * and input_sync() per touch report). */
static int touch_decode(struct hm_device *dev, const uint8_t *d, size_t size, uint64_t t)
{
	size_t len = 2 + 6 * touch_cfg.nslots;

	for (size_t off = 0; off + len <= size; off += len) {
		if (off)
			hm_emit(dev, 0, EV_SYN, SYN_REPORT, 0);
		touch_frame(dev->priv, d + off);
	}
	return 1;
}

static void touch_frame(struct hm_mt *mt, const uint8_t *d)
{
	for (unsigned i = 0; i < touch_cfg.nslots; i++) {
		const uint8_t *s = d + 2 + 6 * i;

		if (!(d[0] >> i & 1))
			continue;
		hm_mt_slot(mt, (int)i);
		if (hm_mt_report_slot_state(mt, MT_TOOL_FINGER, d[1] >> i & 1)) {
			hm_mt_report_abs(mt, ABS_MT_POSITION_X, s[0] | s[1] << 8);
			hm_mt_report_abs(mt, ABS_MT_POSITION_Y, s[2] | s[3] << 8);
			if (touch_cfg.pressure)
				hm_mt_report_abs(mt, ABS_MT_PRESSURE, s[4] | s[5] << 8);
		}
	}
	hm_mt_sync_frame(mt);
}

static const struct hm_module touch_module = {
    .name = "touch",
    .priv_size = sizeof(struct hm_mt),
    .probe = touch_probe,
    .decode = touch_decode,
};

static const struct hm_device_info info = {
    .bus = 3, .vendor = 1, .product = 2, .name = "fake", .path = "/dev/hidraw9"};

static struct capture_sink cs;

static struct hm_device *make(unsigned nslots, unsigned flags, int fuzz, bool pressure)
{
	struct hm_device_setup setup = {.module = &touch_module, .sink = &cs.base};
	struct hm_device *dev = NULL;

	touch_cfg = (struct touch){nslots, flags, fuzz, pressure};
	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	return dev;
}

struct pt {
	int x, y, p;
};

/* One report: slots in reported, those in active touching at pts[slot]. */
static void frame(struct hm_device *dev, unsigned reported, unsigned active, const struct pt *pts)
{
	uint8_t r[2 + 6 * HM_MT_MAX_SLOTS] = {(uint8_t)reported, (uint8_t)active};

	for (unsigned i = 0; pts && i < touch_cfg.nslots; i++) {
		uint8_t *s = r + 2 + 6 * i;

		if (!(active >> i & 1))
			continue;
		s[0] = (uint8_t)pts[i].x, s[1] = (uint8_t)(pts[i].x >> 8);
		s[2] = (uint8_t)pts[i].y, s[3] = (uint8_t)(pts[i].y >> 8);
		s[4] = (uint8_t)pts[i].p, s[5] = (uint8_t)(pts[i].p >> 8);
	}
	cs.n = 0;
	assert_int_equal(hm_device_process_report(dev, r, 2 + 6 * touch_cfg.nslots, 0), 1);
}

struct ev {
	unsigned type, code;
	int value;
};
#define SYN                                                                                        \
	{                                                                                          \
		EV_SYN, SYN_REPORT, 0                                                              \
	}

static void expect(const struct ev *e, size_t n)
{
	for (size_t i = 0; i < n && i < cs.n; i++) {
		if (cs.ev[i].type != e[i].type || cs.ev[i].code != e[i].code ||
		    cs.ev[i].value != e[i].value)
			fail_msg("event %zu: got %s %s %d, expected %s %s %d", i,
			         libevdev_event_type_get_name(cs.ev[i].type),
			         libevdev_event_code_get_name(cs.ev[i].type, cs.ev[i].code),
			         cs.ev[i].value, libevdev_event_type_get_name(e[i].type),
			         libevdev_event_code_get_name(e[i].type, e[i].code), e[i].value);
	}
	assert_int_equal(cs.n, n);
}
#define EXPECT(...)                                                                                \
	do {                                                                                       \
		static const struct ev e_[] = {__VA_ARGS__};                                       \
		expect(e_, ARRAY_SIZE(e_));                                                        \
	} while (0)

static const struct libevdev *caps_of(struct hm_device *dev)
{
	return hm_device_output_caps(dev, 0);
}

/* input_mt_init_slots(dev, 2, INPUT_MT_POINTER), as ps_touchpad_create() */
static void test_pointer_caps(void **state)
{
	struct hm_device *dev = make(2, HM_MT_POINTER, 0, false);
	const struct libevdev *c = caps_of(dev);
	const struct input_absinfo *a;

	assert_int_equal(libevdev_get_num_slots(c), 2);
	a = libevdev_get_abs_info(c, ABS_MT_SLOT);
	assert_int_equal(a->minimum, 0);
	assert_int_equal(a->maximum, 1);
	a = libevdev_get_abs_info(c, ABS_MT_TRACKING_ID);
	assert_int_equal(a->minimum, 0);
	assert_int_equal(a->maximum, 0xffff); /* TRKID_MAX */
	/* copy_abs(): ABS_X/Y are ABS_MT_POSITION_X/Y's */
	a = libevdev_get_abs_info(c, ABS_X);
	assert_non_null(a);
	assert_int_equal(a->maximum, 1919);
	assert_non_null(libevdev_get_abs_info(c, ABS_Y));
	assert_int_equal(libevdev_get_abs_maximum(c, ABS_Y), 1079);
	assert_false(libevdev_has_event_code(c, EV_ABS, ABS_PRESSURE));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOUCH));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_FINGER));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_DOUBLETAP));
	/* TRIPLETAP only from 3 slots on */
	assert_false(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_TRIPLETAP));
	assert_true(libevdev_has_property(c, INPUT_PROP_POINTER));
	assert_true(libevdev_has_property(c, INPUT_PROP_BUTTONPAD));
	assert_false(libevdev_has_property(c, INPUT_PROP_DIRECT));
	hm_device_free(dev);
}

static void test_caps_5_slots_pressure(void **state)
{
	struct hm_device *dev = make(5, HM_MT_POINTER | HM_MT_DROP_UNUSED, 0, true);
	const struct libevdev *c = caps_of(dev);

	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_TRIPLETAP));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_QUADTAP));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_QUINTTAP));
	assert_true(libevdev_has_event_code(c, EV_ABS, ABS_PRESSURE));
	assert_int_equal(libevdev_get_abs_maximum(c, ABS_PRESSURE), 255);
	hm_device_free(dev);
}

/*
 * Two slots reported in every frame, as dualsense_parse_report() does:
 * contacts appear, move and lift in either slot.
 */
static void test_two_slots(void **state)
{
	struct hm_device *dev = make(2, HM_MT_POINTER, 0, false);

	/* slot 0 down: ID 0 (input_mt_new_trkid); ABS_MT_SLOT 0 is the
	 * initial slot, so it is not sent; ABS_MT_TOOL_TYPE is not declared;
	 * slot 1's -1 changes nothing.  One finger, pointer at slot 0. */
	frame(dev, 3, 1, (const struct pt[]){{100, 200, 0}, {0, 0, 0}});
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, 0}, {EV_ABS, ABS_MT_POSITION_X, 100},
	       {EV_ABS, ABS_MT_POSITION_Y, 200}, {EV_KEY, BTN_TOUCH, 1},
	       {EV_KEY, BTN_TOOL_FINGER, 1}, {EV_ABS, ABS_X, 100}, {EV_ABS, ABS_Y, 200}, SYN);

	/* slot 0 moves in x, slot 1 down (ID 1): two fingers; the oldest
	 * contact (ID 0) still drives the pointer, whose y is unchanged */
	frame(dev, 3, 3, (const struct pt[]){{110, 200, 0}, {300, 400, 0}});
	EXPECT({EV_ABS, ABS_MT_POSITION_X, 110}, {EV_ABS, ABS_MT_SLOT, 1},
	       {EV_ABS, ABS_MT_TRACKING_ID, 1}, {EV_ABS, ABS_MT_POSITION_X, 300},
	       {EV_ABS, ABS_MT_POSITION_Y, 400}, {EV_KEY, BTN_TOOL_FINGER, 0},
	       {EV_KEY, BTN_TOOL_DOUBLETAP, 1}, {EV_ABS, ABS_X, 110}, SYN);
	assert_int_equal(hm_mt_count(the_mt), 2);

	/* slot 0 lifts: the pointer follows slot 1 */
	frame(dev, 3, 2, (const struct pt[]){{110, 200, 0}, {300, 400, 0}});
	EXPECT({EV_ABS, ABS_MT_SLOT, 0}, {EV_ABS, ABS_MT_TRACKING_ID, -1},
	       {EV_KEY, BTN_TOOL_FINGER, 1}, {EV_KEY, BTN_TOOL_DOUBLETAP, 0}, {EV_ABS, ABS_X, 300},
	       {EV_ABS, ABS_Y, 400}, SYN);

	/* slot 0 down again: a new ID, 2; slot 1 (ID 1) is now the oldest,
	 * so the pointer stays where it is */
	frame(dev, 3, 3, (const struct pt[]){{50, 60, 0}, {300, 400, 0}});
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, 2}, {EV_ABS, ABS_MT_POSITION_X, 50},
	       {EV_ABS, ABS_MT_POSITION_Y, 60}, {EV_KEY, BTN_TOOL_FINGER, 0},
	       {EV_KEY, BTN_TOOL_DOUBLETAP, 1}, SYN);

	/* both lift: BTN_TOUCH 0; ABS_X/Y keep their values */
	frame(dev, 3, 0, NULL);
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, -1}, {EV_ABS, ABS_MT_SLOT, 1},
	       {EV_ABS, ABS_MT_TRACKING_ID, -1}, {EV_KEY, BTN_TOUCH, 0},
	       {EV_KEY, BTN_TOOL_DOUBLETAP, 0}, SYN);
	assert_int_equal(hm_mt_count(the_mt), 0);
	hm_device_free(dev);
}

/*
 * Five slots, INPUT_MT_DROP_UNUSED, a device that reports only the
 * contacts it sees (hid-multitouch style), with pressure: 3, 2, 1, 0
 * fingers and ABS_PRESSURE from the oldest contact.
 */
static void test_drop_unused_finger_count(void **state)
{
	struct hm_device *dev = make(5, HM_MT_POINTER | HM_MT_DROP_UNUSED, 0, true);
	const struct pt pts[5] = {{10, 10, 40}, {20, 20, 50}, {31, 30, 60}};

	frame(dev, 7, 7, (const struct pt[]){{10, 10, 40}, {20, 20, 50}, {30, 30, 60}});
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, 0}, {EV_ABS, ABS_MT_POSITION_X, 10},
	       {EV_ABS, ABS_MT_POSITION_Y, 10}, {EV_ABS, ABS_MT_PRESSURE, 40},
	       {EV_ABS, ABS_MT_SLOT, 1}, {EV_ABS, ABS_MT_TRACKING_ID, 1},
	       {EV_ABS, ABS_MT_POSITION_X, 20}, {EV_ABS, ABS_MT_POSITION_Y, 20},
	       {EV_ABS, ABS_MT_PRESSURE, 50}, {EV_ABS, ABS_MT_SLOT, 2},
	       {EV_ABS, ABS_MT_TRACKING_ID, 2}, {EV_ABS, ABS_MT_POSITION_X, 30},
	       {EV_ABS, ABS_MT_POSITION_Y, 30}, {EV_ABS, ABS_MT_PRESSURE, 60},
	       {EV_KEY, BTN_TOUCH, 1}, {EV_KEY, BTN_TOOL_TRIPLETAP, 1}, {EV_ABS, ABS_X, 10},
	       {EV_ABS, ABS_Y, 10}, {EV_ABS, ABS_PRESSURE, 40}, SYN);

	/* slot 0 not reported: dropped (slot 0 selected, ID -1); slot 2 moves */
	frame(dev, 6, 6, pts);
	EXPECT({EV_ABS, ABS_MT_POSITION_X, 31}, {EV_ABS, ABS_MT_SLOT, 0},
	       {EV_ABS, ABS_MT_TRACKING_ID, -1}, {EV_KEY, BTN_TOOL_DOUBLETAP, 1},
	       {EV_KEY, BTN_TOOL_TRIPLETAP, 0}, {EV_ABS, ABS_X, 20}, {EV_ABS, ABS_Y, 20},
	       {EV_ABS, ABS_PRESSURE, 50}, SYN);

	/* slot 1 not reported either */
	frame(dev, 4, 4, pts);
	EXPECT({EV_ABS, ABS_MT_SLOT, 1}, {EV_ABS, ABS_MT_TRACKING_ID, -1},
	       {EV_KEY, BTN_TOOL_FINGER, 1}, {EV_KEY, BTN_TOOL_DOUBLETAP, 0}, {EV_ABS, ABS_X, 31},
	       {EV_ABS, ABS_Y, 30}, {EV_ABS, ABS_PRESSURE, 60}, SYN);

	/* nothing reported: the last contact is dropped; no contact: pressure 0 */
	frame(dev, 0, 0, NULL);
	EXPECT({EV_ABS, ABS_MT_SLOT, 2}, {EV_ABS, ABS_MT_TRACKING_ID, -1}, {EV_KEY, BTN_TOUCH, 0},
	       {EV_KEY, BTN_TOOL_FINGER, 0}, {EV_ABS, ABS_PRESSURE, 0}, SYN);
	hm_device_free(dev);
}

/* Without DROP_UNUSED a slot not reported keeps its contact. */
static void test_no_drop_without_flag(void **state)
{
	struct hm_device *dev = make(5, HM_MT_POINTER, 0, false);

	frame(dev, 1, 1, (const struct pt[]){{10, 10, 0}});
	cs.n = 0;
	frame(dev, 0, 0, NULL);
	EXPECT(); /* BTN_TOUCH 1, FINGER 1, ABS_X/Y 10: all unchanged */
	assert_int_equal(hm_mt_count(the_mt), 1);
	hm_device_free(dev);
}

/*
 * input_mt_new_trkid() masks with TRKID_MAX: after 0xffff comes 0, and
 * the pointer emulation's (id - oldid) & TRKID_SGN still takes 0xffff as
 * the older contact.
 */
static void test_trkid_wrap(void **state)
{
	struct hm_device *dev = make(2, HM_MT_POINTER, 0, false);

	the_mt->trkid = 0xffff;
	frame(dev, 3, 1, (const struct pt[]){{10, 10, 0}, {0, 0, 0}});
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, 0xffff}, {EV_ABS, ABS_MT_POSITION_X, 10},
	       {EV_ABS, ABS_MT_POSITION_Y, 10}, {EV_KEY, BTN_TOUCH, 1},
	       {EV_KEY, BTN_TOOL_FINGER, 1}, {EV_ABS, ABS_X, 10}, {EV_ABS, ABS_Y, 10}, SYN);

	frame(dev, 3, 3, (const struct pt[]){{10, 10, 0}, {20, 20, 0}});
	EXPECT({EV_ABS, ABS_MT_SLOT, 1}, {EV_ABS, ABS_MT_TRACKING_ID, 0},
	       {EV_ABS, ABS_MT_POSITION_X, 20}, {EV_ABS, ABS_MT_POSITION_Y, 20},
	       {EV_KEY, BTN_TOOL_FINGER, 0}, {EV_KEY, BTN_TOOL_DOUBLETAP, 1}, SYN);

	frame(dev, 3, 2, (const struct pt[]){{10, 10, 0}, {20, 20, 0}});
	EXPECT({EV_ABS, ABS_MT_SLOT, 0}, {EV_ABS, ABS_MT_TRACKING_ID, -1},
	       {EV_KEY, BTN_TOOL_FINGER, 1}, {EV_KEY, BTN_TOOL_DOUBLETAP, 0}, {EV_ABS, ABS_X, 20},
	       {EV_ABS, ABS_Y, 20}, SYN);
	hm_device_free(dev);
}

/*
 * INPUT_MT_DIRECT: a touchscreen, no finger count (use_count false in
 * input_mt_sync_frame()).  ABS_MT_POSITION_X has fuzz 8 and ABS_X none
 * (copy_abs()); the slot keeps the defuzzed value, which the pointer
 * emulation copies: 100, then 102 (within fuzz/2: kept at 100), then 106
 * (within fuzz: (3 * 100 + 106) / 4 = 101).
 */
static void test_direct_fuzz(void **state)
{
	struct hm_device *dev = make(2, HM_MT_DIRECT, 8, false);
	const struct libevdev *c = caps_of(dev);

	assert_true(libevdev_has_property(c, INPUT_PROP_DIRECT));
	assert_false(libevdev_has_property(c, INPUT_PROP_POINTER));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TOUCH));
	assert_false(libevdev_has_event_code(c, EV_KEY, BTN_TOOL_FINGER));
	assert_int_equal(libevdev_get_abs_fuzz(c, ABS_MT_POSITION_X), 8);
	assert_int_equal(libevdev_get_abs_fuzz(c, ABS_X), 0);

	frame(dev, 3, 1, (const struct pt[]){{100, 500, 0}});
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, 0}, {EV_ABS, ABS_MT_POSITION_X, 100},
	       {EV_ABS, ABS_MT_POSITION_Y, 500}, {EV_KEY, BTN_TOUCH, 1}, {EV_ABS, ABS_X, 100},
	       {EV_ABS, ABS_Y, 500}, SYN);
	frame(dev, 3, 1, (const struct pt[]){{102, 500, 0}});
	EXPECT();
	frame(dev, 3, 1, (const struct pt[]){{106, 500, 0}});
	EXPECT({EV_ABS, ABS_MT_POSITION_X, 101}, {EV_ABS, ABS_X, 101}, SYN);
	hm_device_free(dev);
}

/*
 * Release-all (the device goes, a reload) through the output's input-core
 * emulation: every active slot gets -1 (hid-multitouch's
 * mt_release_contacts()), then the keys that are down in code order
 * (input_dev_release_keys(): BTN_TOUCH 0x14a, BTN_TOOL_DOUBLETAP 0x14d).
 * The helper's own state does not see the release: contacts still
 * reported afterwards come back with the IDs they had (after the -1, a
 * new contact for a reader).
 */
static void test_release_all(void **state)
{
	struct hm_device *dev = make(2, HM_MT_POINTER, 0, false);

	frame(dev, 3, 1, (const struct pt[]){{100, 200, 0}, {0, 0, 0}});
	frame(dev, 3, 3, (const struct pt[]){{100, 200, 0}, {300, 400, 0}});
	cs.n = 0;
	hm_device_release_all(dev);
	EXPECT({EV_ABS, ABS_MT_SLOT, 0}, {EV_ABS, ABS_MT_TRACKING_ID, -1}, {EV_ABS, ABS_MT_SLOT, 1},
	       {EV_ABS, ABS_MT_TRACKING_ID, -1}, {EV_KEY, BTN_TOUCH, 0},
	       {EV_KEY, BTN_TOOL_DOUBLETAP, 0}, SYN);

	frame(dev, 3, 3, (const struct pt[]){{100, 200, 0}, {300, 400, 0}});
	EXPECT({EV_ABS, ABS_MT_SLOT, 0}, {EV_ABS, ABS_MT_TRACKING_ID, 0}, {EV_ABS, ABS_MT_SLOT, 1},
	       {EV_ABS, ABS_MT_TRACKING_ID, 1}, {EV_KEY, BTN_TOUCH, 1},
	       {EV_KEY, BTN_TOOL_DOUBLETAP, 1}, SYN);
	hm_device_free(dev);
}

/* Two touch frames in one report: two evdev frames. */
static void test_frames_in_one_report(void **state)
{
	struct hm_device *dev = make(2, HM_MT_POINTER, 0, false);
	uint8_t r[2 * 14] = {3, 1, 10, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	                     3, 1, 12, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0};

	cs.n = 0;
	assert_int_equal(hm_device_process_report(dev, r, sizeof(r), 0), 1);
	EXPECT({EV_ABS, ABS_MT_TRACKING_ID, 0}, {EV_ABS, ABS_MT_POSITION_X, 10},
	       {EV_ABS, ABS_MT_POSITION_Y, 20}, {EV_KEY, BTN_TOUCH, 1},
	       {EV_KEY, BTN_TOOL_FINGER, 1}, {EV_ABS, ABS_X, 10}, {EV_ABS, ABS_Y, 20}, SYN,
	       {EV_ABS, ABS_MT_POSITION_X, 12}, {EV_ABS, ABS_X, 12}, SYN);
	hm_device_free(dev);
}

static void test_init_errors(void **state)
{
	struct libevdev *caps = libevdev_new();
	struct hm_mt mt;

	assert_int_equal(hm_mt_init_slots(&mt, NULL, 0, caps, 0, 0), -EINVAL);
	assert_int_equal(hm_mt_init_slots(&mt, NULL, 0, caps, HM_MT_MAX_SLOTS + 1, 0), -EINVAL);
	assert_int_equal(hm_mt_init_slots(&mt, NULL, 0, caps, 2, 0x100), -EINVAL);
	/* flags 0, as uinput's own input_mt_init_slots(dev, n, 0) */
	assert_int_equal(hm_mt_init_slots(&mt, NULL, 0, caps, 2, 0), 0);
	assert_false(libevdev_has_event_code(caps, EV_KEY, BTN_TOUCH));
	assert_int_equal(libevdev_get_num_slots(caps), 2);
	libevdev_free(caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pointer_caps),
	    cmocka_unit_test(test_caps_5_slots_pressure),
	    cmocka_unit_test(test_two_slots),
	    cmocka_unit_test(test_drop_unused_finger_count),
	    cmocka_unit_test(test_no_drop_without_flag),
	    cmocka_unit_test(test_trkid_wrap),
	    cmocka_unit_test(test_direct_fuzz),
	    cmocka_unit_test(test_release_all),
	    cmocka_unit_test(test_frames_in_one_report),
	    cmocka_unit_test(test_init_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
